package astwalk

import esb "github.com/evanw/esbuild/nextguardast"

// IdentRef is the symbol a bare name refers to. esbuild spells a name bound by
// an import as EImportIdentifier and any other as EIdentifier; callers that
// only want "which variable is this" treat both alike.
func IdentRef(e esb.Expr) (esb.Ref, bool) {
	switch t := e.Data.(type) {
	case *esb.EIdentifier:
		return t.Ref, true
	case *esb.EImportIdentifier:
		return t.Ref, true
	}
	return esb.Ref{}, false
}

// IsNullish reports whether e is the literal null or undefined.
func IsNullish(e esb.Expr) bool {
	switch e.Data.(type) {
	case *esb.ENull, *esb.EUndefined:
		return true
	}
	return false
}

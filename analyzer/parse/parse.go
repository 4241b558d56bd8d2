// Package parse turns a source file into an esbuild AST. One bad file never
// stops a run: syntax errors, binary content, nesting deep enough to exhaust
// the parser's stack (checked before parsing, see depth.go) and parser panics
// become diagnostics.
package parse

import (
	"fmt"
	"path"
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

// Module is a parsed file.
type Module struct {
	File *source.File
	AST  *esb.AST
}

// LoaderFor picks the syntax by extension: .ts without JSX (a generic arrow
// `<T>(x) => x` is legal there), .tsx and .jsx with it, and plain JavaScript
// with JSX allowed because Next.js accepts JSX in .js files.
func LoaderFor(name string) esb.Loader {
	switch strings.ToLower(path.Ext(name)) {
	case ".ts", ".mts", ".cts":
		return esb.LoaderTS
	case ".tsx":
		return esb.LoaderTSX
	case ".jsx":
		return esb.LoaderJSX
	}
	return esb.LoaderJS
}

// File parses f. On a syntax error the module is nil and the diagnostics say
// where; warnings are dropped (they are about style, not structure).
func File(f *source.File) (m *Module, diags []result.Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			m = nil
			diags = append(diags, result.Diagnostic{File: f.Rel, Message: fmt.Sprintf("internal error: the parser failed on this file: %v", r), Internal: true})
		}
	}()
	if looksBinary(f.Text) {
		return nil, []result.Diagnostic{{File: f.Rel, Message: "skipped: the file looks binary (it contains NUL bytes), not JavaScript or TypeScript"}}
	}
	loader := LoaderFor(f.Rel)
	if off, deep := nestingTooDeep(f.Text, loader != esb.LoaderTS, MaxNesting); deep {
		line, col := f.Position(int32(off))
		return nil, []result.Diagnostic{{File: f.Rel, Line: line, Column: col, Message: fmt.Sprintf(
			"skipped: the code nests too deeply here (more than %d levels), which would exhaust the parser's stack (the file was not analysed)", MaxNesting)}}
	}
	tree, msgs, ok := esb.Parse(f.Rel, f.Text, loader)
	if !ok {
		for _, msg := range msgs {
			if !msg.Error {
				continue
			}
			d := result.Diagnostic{File: f.Rel, Message: "syntax error: " + msg.Text + " (the file was not analysed)"}
			if msg.Offset >= 0 {
				d.Line, d.Column = f.Position(msg.Offset)
			}
			diags = append(diags, d)
			break // the first error is the one that matters; the rest cascade
		}
		if len(diags) == 0 {
			diags = append(diags, result.Diagnostic{File: f.Rel, Message: "syntax error (the file was not analysed)"})
		}
		return nil, diags
	}
	dropBundlerData(&tree)
	return &Module{File: f, AST: &tree}, nil
}

// looksBinary reports NUL bytes in the first 8 KiB: real source never has them,
// and feeding a binary to the parser only yields a confusing syntax error.
func looksBinary(s string) bool {
	if len(s) > 8192 {
		s = s[:8192]
	}
	return strings.IndexByte(s, 0) >= 0
}

package rules

import (
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"

	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/result"
)

// entryNoun names an entry point for messages: "Server Action `deletePost`".
func entryNoun(e *entry.Entry) string {
	switch e.Kind {
	case result.KindRouteHandler:
		return "Route Handler `" + e.Method + "` in " + e.Mod.Rel
	case result.KindAPIRoute:
		return "API route " + e.Mod.Rel
	}
	if e.Name == "<anonymous>" {
		return "An inline Server Action"
	}
	return "Server Action `" + e.Name + "`"
}

// exposure says why the entry is reachable by anyone.
func entryExposure(e *entry.Entry) string {
	switch e.Kind {
	case result.KindRouteHandler, result.KindAPIRoute:
		return "it is a public HTTP endpoint that anyone can request directly"
	}
	return "every Server Action is a public POST endpoint that anyone can call with any arguments, from outside your UI"
}

// entryRange is where entry-level findings point: the entry's name.
func entryRange(e *entry.Entry) (int32, int32) {
	start := e.Loc.Start
	end := start
	text := e.Mod.File.Text
	for int(end) < len(text) && isIdentByte(text[end]) {
		end++
	}
	if end == start {
		end = start + 1
	}
	return start, end
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func siteDiag(s flow.Site) (int32, int32) {
	end := s.End
	if end <= s.Loc.Start {
		end = s.Loc.Start
	}
	return s.Loc.Start, end
}

func related(s flow.Site, msg string) RelatedDiag {
	start, end := siteDiag(s)
	return RelatedDiag{File: s.Mod.File, Start: start, End: end, Message: msg}
}

func code(s string) string { return "`" + strings.ReplaceAll(s, "`", "'") + "`" }

// bindingName is a parameter's name, "" when it is destructured.
func bindingName(p *Pass, a esb.Arg) string {
	if id, ok := a.Binding.Data.(*esb.BIdentifier); ok {
		return p.Entry.Fn.Mod.SymbolName(id.Ref)
	}
	return ""
}

// describeOrigin says where a client value came from, in words.
func describeOrigin(o *flow.Origin) string {
	if o.ID == o.Root && !strings.ContainsAny(o.ID, ".(") && !strings.Contains(o.ID, " ") {
		return "the argument " + code(o.ID)
	}
	return code(o.ID)
}

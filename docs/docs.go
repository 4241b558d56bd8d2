// Package docs embeds the per-rule documentation (docs/rules/<id>.md). The same
// text feeds `nextguard explain`, SARIF help and the repository's rule pages.
package docs

import (
	"embed"
	"strings"
)

//go:embed rules/*.md
var ruleDocs embed.FS

// Rule returns the markdown doc of a rule and whether it exists.
func Rule(id string) (string, bool) {
	b, err := ruleDocs.ReadFile("rules/" + id + ".md")
	if err != nil {
		return "", false
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), true
}

// RuleIDs lists the rules that have a doc.
func RuleIDs() []string {
	entries, _ := ruleDocs.ReadDir("rules")
	var ids []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".md"); ok {
			ids = append(ids, name)
		}
	}
	return ids
}

package analyzer

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/nextguard/nextguard/analyzer/discover"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/schema"
)

// loadModels reads the project's Prisma schemas so raw-orm-return can name the
// sensitive fields a returned row carries. Discovery listed the schema inputs
// (.prisma files, prisma.config.*, package.json) during its walk, within the
// root and without following links out of it, so nothing is searched again.
func loadModels(proj *discover.Project) (*schema.Schema, []result.Diagnostic) {
	root := proj.Root
	dirs := proj.PackageDirs
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	read := func(rel string) ([]byte, error) { return os.ReadFile(filepath.Join(root, filepath.FromSlash(rel))) }
	var parts []*schema.Schema
	var diags []result.Diagnostic
	for _, rel := range schema.FindPrismaSchemas(proj.SchemaFiles, read, dirs) {
		b, err := read(rel)
		if err != nil || len(b) > 8<<20 {
			continue
		}
		s, d := schema.ParsePrisma(rel, string(b))
		parts = append(parts, s)
		diags = append(diags, d...)
	}
	if len(parts) == 0 {
		return nil, diags
	}
	return schema.Merge(parts...), diags
}

// sensitiveFields answers raw-orm-return's question for a model or accessor.
func sensitiveFields(s *schema.Schema, extra []string) func(string) ([]string, bool) {
	return func(model string) ([]string, bool) {
		if s == nil {
			return nil, false
		}
		// "Link.user": the sensitive fields of the model a relation field of
		// Link points to, named through the relation ("user.passwordHash").
		model, rel, isRel := strings.Cut(model, ".")
		m := s.ByAccessor(model)
		if m == nil {
			m = s.Models[model]
		}
		if m == nil {
			return nil, false
		}
		if !isRel {
			return m.SensitiveFields(extra), true
		}
		for _, f := range m.Fields {
			if f.Name == rel && f.IsRelation {
				if t := s.Models[f.Type]; t != nil {
					var out []string
					for _, sf := range t.SensitiveFields(extra) {
						out = append(out, rel+"."+sf)
					}
					return out, true
				}
			}
		}
		return nil, false
	}
}

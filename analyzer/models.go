package analyzer

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nextguard/nextguard/analyzer/discover"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/schema"
)

// loadModels reads the project's Prisma schemas so raw-orm-return can name the
// sensitive fields a returned row carries. Discovery lists only JS/TS sources,
// so the conventional schema locations are probed per package.
func loadModels(proj *discover.Project) (*schema.Schema, []result.Diagnostic) {
	root := proj.Root
	var files []string
	dirs := proj.PackageDirs
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	for _, d := range dirs {
		for _, pat := range []string{"prisma/*.prisma", "prisma/schema/*.prisma", "schema.prisma", "prisma/models/*.prisma", "src/prisma/*.prisma"} {
			matches, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(d), filepath.FromSlash(pat)))
			for _, m := range matches {
				if rel, err := filepath.Rel(root, m); err == nil && !strings.HasPrefix(rel, "..") {
					files = append(files, filepath.ToSlash(rel))
				}
			}
		}
	}
	sort.Strings(files)
	read := func(rel string) ([]byte, error) { return os.ReadFile(filepath.Join(root, filepath.FromSlash(rel))) }
	var parts []*schema.Schema
	var diags []result.Diagnostic
	for _, rel := range schema.FindPrismaSchemas(files, read, dirs) {
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

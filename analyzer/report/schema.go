package report

import (
	"os"
	"path/filepath"
)

// SchemaDirEnv names a directory holding the SARIF schemas, for checkouts where
// the shared/schemas folder is somewhere the upward search cannot find.
const SchemaDirEnv = "NEXTGUARD_SARIF_SCHEMAS"

// Schema file names, as shipped in shared/schemas.
const (
	SARIFSchemaFile       = "sarif-schema-2.1.0.json"
	SARIFGitHubSchemaFile = "sarif-schema-2.1.0.github.json"
)

// SARIFSchemaPaths finds the SARIF 2.1.0 schemas tests validate against: the
// OASIS draft-04 schema and GitHub's 2020-12 variant (the one upload-sarif
// uses). The schemas are test data that is not part of the repository — they
// live in a shared/schemas folder beside it — so the lookup walks up from the
// working directory (a test's package directory) and looks for
// shared/schemas at each level, after $NEXTGUARD_SARIF_SCHEMAS. It lives in a
// non-test file so the CLI's tests can share it.
//
// ok reports whether the draft-04 schema was found; github is "" when GitHub's
// variant is missing, which callers treat as "validate against draft-04 only".
func SARIFSchemaPaths() (draft04, github string, ok bool) {
	var dirs []string
	if d := os.Getenv(SchemaDirEnv); d != "" {
		dirs = append(dirs, d)
	}
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; {
			dirs = append(dirs, filepath.Join(dir, "shared", "schemas"))
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, SARIFSchemaFile)
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			continue
		}
		g := filepath.Join(d, SARIFGitHubSchemaFile)
		if st, err := os.Stat(g); err != nil || st.IsDir() {
			g = ""
		}
		return p, g, true
	}
	return "", "", false
}

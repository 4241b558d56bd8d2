// Package sariftest validates SARIF output in tests against the official
// schemas, so that every package producing SARIF (the reporter, the CLI) is
// held to the same check without copying the schema lookup.
package sariftest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/nextguard/nextguard/analyzer/report"
)

var (
	mu    sync.Mutex
	cache = map[string]*jsonschema.Schema{}
)

// compile compiles each schema file once per test binary. Each schema gets its
// own compiler: the OASIS file and GitHub's variant declare related ids, and
// one compiler would resolve references of one into the other.
func compile(path string) (*jsonschema.Schema, error) {
	mu.Lock()
	defer mu.Unlock()
	if s, ok := cache[path]; ok {
		return s, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	repair(doc)
	c := jsonschema.NewCompiler()
	// Formats (uri, uri-reference, date-time) are where hand-written SARIF
	// usually goes wrong, and the spec does not assert them by default.
	c.AssertFormat()
	url := "file:///sariftest/" + filepath.Base(path)
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, err
	}
	cache[path] = s
	return s, nil
}

// Validate fails t unless data is a SARIF log valid against the OASIS
// SARIF 2.1.0 schema and, when present, GitHub's variant. When the OASIS
// schema cannot be found it skips t — loudly, naming the file — since the
// schemas are not part of the repository; it never skips for any other reason.
func Validate(t testing.TB, data []byte) {
	t.Helper()
	draft04, github, ok := report.SARIFSchemaPaths()
	if !ok {
		t.Skipf("SKIPPING SARIF SCHEMA VALIDATION: %s not found in any shared/schemas folder above the working directory or in $%s; SARIF output is NOT validated",
			report.SARIFSchemaFile, report.SchemaDirEnv)
		return
	}
	paths := []string{draft04}
	if github != "" {
		paths = append(paths, github)
	} else {
		t.Logf("sariftest: %s not found beside %s; validating against the OASIS schema only", report.SARIFGitHubSchemaFile, draft04)
	}
	for _, p := range paths {
		if err := check(p, data); err != nil {
			t.Errorf("SARIF is not valid against %s:\n%v", p, err)
		}
	}
}

// repair fixes a known defect of GitHub's schema variant: in
// definitions/region the "anyOf" (startLine, charOffset or byteOffset is
// required) sits inside "properties", where it is not a schema, so a validator
// that checks the schema against its metaschema refuses to compile it. It is
// moved up to where it was meant to be, which is stricter than upload-sarif's
// own lenient reading (it ignores the misplaced keyword); our regions always
// have startLine, so the stricter check costs nothing and catches more.
// Generally: any applicator keyword found as a non-schema value under
// "properties" is hoisted to the enclosing schema.
func repair(v any) {
	switch v := v.(type) {
	case map[string]any:
		if props, ok := v["properties"].(map[string]any); ok {
			for _, kw := range []string{"anyOf", "allOf", "oneOf"} {
				if arr, ok := props[kw].([]any); ok {
					delete(props, kw)
					if _, taken := v[kw]; !taken {
						v[kw] = arr
					}
				}
			}
		}
		for _, child := range v {
			repair(child)
		}
	case []any:
		for _, child := range v {
			repair(child)
		}
	}
}

func check(schemaPath string, data []byte) error {
	sch, err := compile(schemaPath)
	if err != nil {
		return fmt.Errorf("compiling schema: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("parsing SARIF: %w", err)
	}
	if err := sch.Validate(doc); err != nil {
		if ve, ok := err.(*jsonschema.ValidationError); ok {
			return fmt.Errorf("%s", strings.TrimSpace(fmt.Sprintf("%#v", ve)))
		}
		return err
	}
	return nil
}

package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer/result"
)

func TestJSONEmptyListsAndVersion(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, &result.Result{}, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, k := range []string{`"entryPoints": []`, `"findings": []`, `"errors": []`, `"version": 1`} {
		if !strings.Contains(out, k) {
			t.Errorf("missing %s in\n%s", k, out)
		}
	}
	if strings.Contains(out, "null") || !strings.HasSuffix(out, "}\n") {
		t.Errorf("want no null and a trailing newline:\n%q", out)
	}
}

// TestJSONRoundTrip: the JSON is the Result (sorted), nothing added or lost
// apart from the fields the contract keeps out (Rules, Snippet).
func TestJSONRoundTrip(t *testing.T) {
	r := sample()
	var buf bytes.Buffer
	if err := JSON(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var back result.Result
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatal(err)
	}
	want := *r
	want.Rules = nil
	want.Findings = sortedFindings(r.Findings)
	for i := range want.Findings {
		want.Findings[i].Snippet = ""
	}
	want.EntryPoints = sortedEntryPoints(r.EntryPoints)
	want.Errors = sortedErrors(r.Errors)
	if !reflect.DeepEqual(back, want) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", back, want)
	}
}

// TestJSONContractKeys pins the SPEC's field names: renaming one is a
// contract break that must come with a version bump, not slip through.
func TestJSONContractKeys(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, sample(), Options{}); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	keys := func(v any) []string {
		var ks []string
		for k := range v.(map[string]any) {
			ks = append(ks, k)
		}
		return ks
	}
	has := func(what string, v any, want ...string) {
		got := map[string]bool{}
		for _, k := range keys(v) {
			got[k] = true
		}
		for _, k := range want {
			if !got[k] {
				t.Errorf("%s: missing key %q (have %v)", what, k, keys(v))
			}
		}
	}
	has("result", m, "version", "tool", "root", "entryPoints", "findings", "errors", "stats")
	has("tool", m["tool"], "name", "version")
	has("entryPoint", m["entryPoints"].([]any)[0], "kind", "name", "file", "line", "column", "directive", "authenticated", "validated")
	has("finding", m["findings"].([]any)[0], "ruleId", "severity", "message", "file", "line", "column", "endLine", "endColumn", "entryPoint", "fingerprint")
	has("error", m["errors"].([]any)[0], "file", "line", "column", "message")
	has("stats", m["stats"], "files", "parsedFiles", "entryPoints", "durationMs")
}

func TestSARIFSchemaPathsEnv(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{SARIFSchemaFile, SARIFGitHubSchemaFile} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(SchemaDirEnv, dir)
	d, g, ok := SARIFSchemaPaths()
	if !ok || d != filepath.Join(dir, SARIFSchemaFile) || g != filepath.Join(dir, SARIFGitHubSchemaFile) {
		t.Errorf("env override ignored: %q %q %v", d, g, ok)
	}

	t.Setenv(SchemaDirEnv, "")
	t.Chdir(t.TempDir())
	// Only the schema-missing case may skip a test, so a machine that happens
	// to have shared/schemas above its temp dir just checks less here.
	if d, _, ok := SARIFSchemaPaths(); ok && !strings.HasPrefix(d, os.TempDir()) {
		t.Logf("found %s above the temp dir; missing-schema case not exercised", d)
	}
}

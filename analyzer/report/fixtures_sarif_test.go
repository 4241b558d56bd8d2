package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer"
	"github.com/nextguard/nextguard/analyzer/report"
	"github.com/nextguard/nextguard/analyzer/report/sariftest"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/rules/ruletest"
)

// maxFixtureCases bounds TestFixturesSARIF so the package's tests stay fast;
// the cases are taken round-robin across rules, so every rule is represented.
const maxFixtureCases = 150

// fixtureCases returns up to maxFixtureCases rule fixtures, known failures
// last within each rule, interleaved across rules.
func fixtureCases(t *testing.T) []ruletest.Case {
	t.Helper()
	all, err := ruletest.Cases(filepath.Join("..", "..", "testdata", "rules"))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no rule fixtures found under testdata/rules")
	}
	byRule := map[string][]ruletest.Case{}
	var order []string
	for _, c := range all {
		if _, ok := byRule[c.Rule]; !ok {
			order = append(order, c.Rule)
		}
		byRule[c.Rule] = append(byRule[c.Rule], c)
	}
	var out []ruletest.Case
	for i := 0; len(out) < min(len(all), maxFixtureCases); i++ {
		for _, r := range order {
			if i < len(byRule[r]) && len(out) < maxFixtureCases {
				out = append(out, byRule[r][i])
			}
		}
	}
	if len(all) > len(out) {
		t.Logf("checking %d of %d fixtures (round-robin across %d rules)", len(out), len(all), len(order))
	}
	return out
}

var githubCommand = regexp.MustCompile(`^::(error|warning|notice) file=[^,:]*(,[a-zA-Z]+=[^,:]*)*::.*$`)

// TestFixturesSARIF renders the real result of every rule fixture (up to
// maxFixtureCases) in the machine formats: the SARIF must validate against the
// schema (sariftest skips, loudly, only when the schema file is missing), the
// GitHub output must be one well-formed workflow command per finding and
// input error, and the JSON must decode back into the same result.
func TestFixturesSARIF(t *testing.T) {
	for _, c := range fixtureCases(t) {
		t.Run(c.Rule+"/"+c.Name, func(t *testing.T) {
			t.Parallel()
			dir := ruletest.Materialize(t, c.Path)
			res, err := analyzer.Run(context.Background(), analyzer.Options{Paths: []string{dir}, Version: "1.2.3"})
			if err != nil {
				t.Fatalf("analyzer.Run: %v", err)
			}
			opts := report.Options{Version: "1.2.3"}

			var sarif bytes.Buffer
			if err := report.SARIF(&sarif, res, opts); err != nil {
				t.Fatalf("SARIF: %v", err)
			}
			checkSARIFResults(t, sarif.Bytes(), res)

			var gh bytes.Buffer
			if err := report.GitHub(&gh, res, opts); err != nil {
				t.Fatalf("GitHub: %v", err)
			}
			checkGitHub(t, gh.String(), res)

			checkJSONRoundTrip(t, res, opts)

			// Last: it skips the test when the schema file is missing.
			sariftest.Validate(t, sarif.Bytes())
		})
	}
}

// checkSARIFResults checks that the log carries every finding, each pointing
// at a rule the driver lists.
func checkSARIFResults(t *testing.T, data []byte, res *result.Result) {
	t.Helper()
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex *int   `json:"ruleIndex"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("SARIF has %d runs, want 1", len(log.Runs))
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) == 0 {
		t.Errorf("SARIF driver lists no rules")
	}
	if len(run.Results) != len(res.Findings) {
		t.Errorf("SARIF has %d results for %d findings", len(run.Results), len(res.Findings))
	}
	for i, r := range run.Results {
		if r.RuleIndex == nil || *r.RuleIndex < 0 || *r.RuleIndex >= len(run.Tool.Driver.Rules) {
			t.Errorf("result %d (%s): ruleIndex %v out of range", i, r.RuleID, r.RuleIndex)
			continue
		}
		if got := run.Tool.Driver.Rules[*r.RuleIndex].ID; got != r.RuleID {
			t.Errorf("result %d: ruleId %s but ruleIndex points at %s", i, r.RuleID, got)
		}
	}
}

func checkGitHub(t *testing.T, out string, res *result.Result) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if out == "" {
		lines = nil
	}
	if want := len(res.Findings) + len(res.Errors); len(lines) != want {
		t.Errorf("GitHub output has %d lines, want one per finding and error (%d):\n%s", len(lines), want, out)
	}
	for _, l := range lines {
		if !githubCommand.MatchString(l) {
			t.Errorf("not a workflow command: %q", l)
		}
	}
}

// checkJSONRoundTrip decodes the JSON strictly and compares it with the result,
// up to order.
func checkJSONRoundTrip(t *testing.T, res *result.Result, opts report.Options) {
	t.Helper()
	var buf bytes.Buffer
	if err := report.JSON(&buf, res, opts); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	first := buf.String()
	var back result.Result
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatalf("JSON does not decode into result.Result: %v", err)
	}
	// canonical compares through each element's JSON encoding, which leaves
	// out what the contract keeps out (Rules, snippets).
	if got, want := canonical(t, back), canonical(t, *res); !reflect.DeepEqual(got, want) {
		t.Errorf("JSON round trip differs:\n got %v\nwant %v", got, want)
	}
	// And rendering the decoded result gives the same bytes.
	var again bytes.Buffer
	if err := report.JSON(&again, &back, opts); err != nil {
		t.Fatal(err)
	}
	if again.String() != first {
		t.Errorf("JSON is not stable through a round trip:\n%s\n---\n%s", first, again.String())
	}
}

// canonical is the result with its lists in a fixed order and nil lists empty.
func canonical(t *testing.T, r result.Result) map[string]any {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	sorted := func(n int, at func(int) any) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = enc(at(i))
		}
		sort.Strings(out)
		return out
	}
	return map[string]any{
		"version":     r.Version,
		"tool":        r.Tool,
		"root":        r.Root,
		"stats":       r.Stats,
		"entryPoints": sorted(len(r.EntryPoints), func(i int) any { return r.EntryPoints[i] }),
		"findings":    sorted(len(r.Findings), func(i int) any { return r.Findings[i] }),
		"errors":      sorted(len(r.Errors), func(i int) any { return r.Errors[i] }),
	}
}

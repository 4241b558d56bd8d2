package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer/result"
)

// sarifDoc is the subset of SARIF the structural checks read back.
type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				SemanticVersion string `json:"semanticVersion"`
				Version         string `json:"version"`
				Rules           []struct {
					ID         string         `json:"id"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string                   `json:"level"`
				Message struct{ Text string }    `json:"message"`
				Locs    []map[string]interface{} `json:"locations"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		AutomationDetails  *struct{ ID string }            `json:"automationDetails"`
		OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
		ColumnKind         string                          `json:"columnKind"`
		Results            []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			RelatedLocations    []struct {
				ID int `json:"id"`
			} `json:"relatedLocations"`
		} `json:"results"`
	} `json:"runs"`
}

func sarifOf(t *testing.T, r *result.Result, o Options) (sarifDoc, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := SARIF(&buf, r, o); err != nil {
		t.Fatal(err)
	}
	var doc sarifDoc
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("want 1 run, got %d", len(doc.Runs))
	}
	return doc, buf.Bytes()
}

var linkRE = regexp.MustCompile(`(?:^|[^\\])\[[^\]]*\]\((\d+)\)`)

// TestSARIFStructure checks the GitHub-facing invariants the schema cannot:
// ruleIndex points at the rule named by ruleId, every related location is
// linked from the message (GitHub hides unlinked ones), URIs resolve back to
// the file under the root, and fingerprints are carried.
func TestSARIFStructure(t *testing.T) {
	r := sample()
	doc, raw := sarifOf(t, r, Options{})
	run := doc.Runs[0]
	if run.ColumnKind != "utf16CodeUnits" {
		t.Errorf("columnKind = %q", run.ColumnKind)
	}
	if run.AutomationDetails != nil || bytes.Contains(raw, []byte("automationDetails")) {
		t.Errorf("automationDetails written without Options.AutomationID")
	}
	if d := run.Tool.Driver; d.Version != "1.2.3" || d.SemanticVersion != "1.2.3" {
		t.Errorf("driver version %q / %q, want the result's tool version", d.Version, d.SemanticVersion)
	}
	base := run.OriginalURIBaseIDs["%SRCROOT%"].URI
	if base != "file:///home/dev/my%20app%231/" {
		t.Errorf("%%SRCROOT%% = %q", base)
	}
	baseURL, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	if inv := run.Invocations[0]; inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 2 {
		t.Errorf("internal error must make executionSuccessful false and every error a notification: %+v", inv)
	}
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	for _, res := range run.Results {
		if rule := run.Tool.Driver.Rules[res.RuleIndex]; rule.ID != res.RuleID {
			t.Errorf("ruleIndex %d is %q, result says %q", res.RuleIndex, rule.ID, res.RuleID)
		}
		if res.PartialFingerprints[FingerprintKey] == "" {
			t.Errorf("%s: no %s fingerprint", res.RuleID, FingerprintKey)
		}
		links := linkRE.FindAllStringSubmatch(res.Message.Text, -1)
		if len(links) != len(res.RelatedLocations) {
			t.Errorf("%s: %d links for %d related locations in %q", res.RuleID, len(links), len(res.RelatedLocations), res.Message.Text)
		}
		for i, rel := range res.RelatedLocations {
			if rel.ID != i+1 || links[i][1] != fmt.Sprint(i+1) {
				t.Errorf("%s: related location %d has id %d, link %s", res.RuleID, i, rel.ID, links[i][1])
			}
		}
		loc := res.Locations[0].PhysicalLocation.ArtifactLocation
		if loc.URIBaseID != "%SRCROOT%" {
			t.Errorf("uriBaseId = %q", loc.URIBaseID)
		}
		ref, err := url.Parse(loc.URI)
		if err != nil || ref.IsAbs() {
			t.Errorf("uri %q is not a relative reference: %v", loc.URI, err)
			continue
		}
		if got := baseURL.ResolveReference(ref).Path; got != "/home/dev/my app#1/"+fileA && got != "/home/dev/my app#1/"+fileB {
			t.Errorf("uri %q resolves to %q, outside the sample files", loc.URI, got)
		}
	}
	for _, rule := range run.Tool.Driver.Rules {
		tags, _ := rule.Properties["tags"].([]any)
		if len(tags) == 0 || tags[0] != "security" || len(tags) > maxSARIFTags {
			t.Errorf("%s: tags %v", rule.ID, tags)
		}
		if _, ok := rule.Properties["security-severity"].(string); !ok {
			t.Errorf("%s: security-severity must be a string", rule.ID)
		}
	}

	doc, _ = sarifOf(t, r, Options{AutomationID: "nextguard/pr"})
	if a := doc.Runs[0].AutomationDetails; a == nil || a.ID != "nextguard/pr" {
		t.Errorf("automationDetails = %+v", a)
	}
}

func TestSARIFEmptyRun(t *testing.T) {
	doc, raw := sarifOf(t, &result.Result{Rules: sampleRules()}, Options{})
	if !bytes.Contains(raw, []byte(`"results": []`)) {
		t.Errorf("empty run must have results: []")
	}
	if n := len(doc.Runs[0].Tool.Driver.Rules); n != len(sampleRules()) {
		t.Errorf("empty run lists %d rules", n)
	}
	if !doc.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Errorf("no internal error, yet executionSuccessful is false")
	}
	if d := doc.Runs[0].Tool.Driver; d.Version != "0.0.0-dev" || d.SemanticVersion != "0.0.0-dev" {
		t.Errorf("unknown version = %q / %q", d.Version, d.SemanticVersion)
	}
}

// TestSARIFOutsideRoot: a path that escapes the root never becomes a result
// URI; the finding survives as a notification that names it.
func TestSARIFOutsideRoot(t *testing.T) {
	r := &result.Result{Root: "/repo", Findings: []result.Finding{
		{RuleID: "missing-auth", Severity: result.Error, Message: "m1", Location: result.Location{File: "../other/a.ts", Line: 1, Column: 1}},
		{RuleID: "missing-auth", Severity: result.Error, Message: "m2", Location: result.Location{File: "/etc/a.ts", Line: 1, Column: 1}},
		{RuleID: "missing-auth", Severity: result.Error, Message: "m3", Location: result.Location{File: "app/../../a.ts", Line: 1, Column: 1}},
		{RuleID: "missing-auth", Severity: result.Error, Message: "m4", Location: result.Location{File: "app/a.ts", Line: 1, Column: 1},
			Related: []result.Related{{Location: result.Location{File: "../x.ts", Line: 2}, Message: "src"}, {Location: result.Location{File: "app/b.ts", Line: 3}, Message: "sink"}}},
	}}
	doc, raw := sarifOf(t, r, Options{})
	run := doc.Runs[0]
	if len(run.Results) != 1 {
		t.Fatalf("want only the in-root finding as a result, got %d", len(run.Results))
	}
	if bytes.Contains(raw, []byte(`"uri": "..`)) || bytes.Contains(raw, []byte(`"uri": "/`)) {
		t.Errorf("a URI escapes the root:\n%s", raw)
	}
	notes := run.Invocations[0].ToolExecutionNotifications
	if len(notes) != 3 {
		t.Fatalf("want 3 notifications, got %+v", notes)
	}
	for i, n := range notes {
		if !strings.Contains(n.Message.Text, fmt.Sprintf("m%d", i+1)) || len(n.Locs) != 0 {
			t.Errorf("notification %d: %+v", i, n)
		}
	}
	if res := run.Results[0]; len(res.RelatedLocations) != 1 || !strings.Contains(res.Message.Text, "[sink](1)") ||
		!strings.Contains(res.Message.Text, "outside the project: ../x.ts:2") {
		t.Errorf("related outside the root must be named, not linked: %q", res.Message.Text)
	}
}

func TestSARIFUnknownRuleGetsADescriptor(t *testing.T) {
	r := &result.Result{Rules: sampleRules(), Findings: []result.Finding{
		{RuleID: "zz-new", Severity: result.Warning, Message: "m", Location: result.Location{File: "a.ts", Line: 1}},
	}}
	doc, _ := sarifOf(t, r, Options{})
	run := doc.Runs[0]
	if idx := run.Results[0].RuleIndex; run.Tool.Driver.Rules[idx].ID != "zz-new" {
		t.Errorf("ruleIndex %d does not name the unknown rule", idx)
	}
}

func TestSARIFResultCap(t *testing.T) {
	fs := make([]result.Finding, maxSARIFResults+3)
	for i := range fs {
		fs[i] = result.Finding{RuleID: "r", Severity: result.Note, Location: result.Location{File: "a.ts", Line: i + 1}}
	}
	fs[len(fs)-1].Severity = result.Error // the last one must survive the cut
	kept, dropped := capResults(fs)
	if dropped != 3 || len(kept) != maxSARIFResults {
		t.Fatalf("kept %d dropped %d", len(kept), dropped)
	}
	if kept[len(kept)-1].Severity != result.Error || kept[0].Line != 1 {
		t.Errorf("cap must keep the most severe findings in report order")
	}
}

func TestEncodeURIPath(t *testing.T) {
	for in, want := range map[string]string{
		"app/page.tsx":                     "app/page.tsx",
		"app/(admin)/[id]/actions.ts":      "app/(admin)/%5Bid%5D/actions.ts",
		"app/my file#1?.ts":                "app/my%20file%231%3F.ts",
		"app/100%/a.ts":                    "app/100%25/a.ts",
		"app/café/路由.ts":                   "app/caf%C3%A9/%E8%B7%AF%E7%94%B1.ts",
		"a:b.ts":                           "a%3Ab.ts",
		`a\b.ts`:                           "a%5Cb.ts",
		"app/[...slug]/[[...opt]]/page.ts": "app/%5B...slug%5D/%5B%5B...opt%5D%5D/page.ts",
		"app/@modal/(.)photo/page.tsx":     "app/@modal/(.)photo/page.tsx",
		"a\x00b\"<>{}|^`.ts":               "a%00b%22%3C%3E%7B%7D%7C%5E%60.ts",
	} {
		if got := encodeURIPath(in, false); got != want {
			t.Errorf("encodeURIPath(%q) = %q, want %q", in, got, want)
		}
		u, err := url.Parse(encodeURIPath(in, false))
		if err != nil || u.Path != in && !strings.Contains(in, "\x00") {
			t.Errorf("%q does not round-trip: %v %v", in, u, err)
		}
	}
}

func TestRootURI(t *testing.T) {
	for in, want := range map[string]string{
		"/home/dev/app":    "file:///home/dev/app/",
		"/home/dev/app/":   "file:///home/dev/app/",
		"/":                "file:///",
		"/a b/#c/[d]":      "file:///a%20b/%23c/%5Bd%5D/",
		`C:\Users\me\app`:  "file:///C:/Users/me/app/",
		"D:/work/app":      "file:///D:/work/app/",
		"relative/app":     "",
		"":                 "",
		"/tmp/../srv/./x/": "file:///srv/x/",
	} {
		got, ok := rootURI(in)
		if got != want || ok != (want != "") {
			t.Errorf("rootURI(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestOutsideRoot(t *testing.T) {
	for in, want := range map[string]bool{
		"app/a.ts": false, "a/../b.ts": false, "./a.ts": false, "app/..x/a.ts": false,
		"": true, ".": true, "..": true, "../a.ts": true, "a/../../b.ts": true,
		"/etc/passwd": true, `C:\x.ts`: true, "c:x.ts": true, `\\server\share\a.ts`: true, `..\a.ts`: true,
	} {
		if got := outsideRoot(in); got != want {
			t.Errorf("outsideRoot(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestDriverVersion(t *testing.T) {
	for _, c := range []struct{ opt, res, version, semver string }{
		{"1.2.3", "9.9.9", "1.2.3", "1.2.3"},
		{"v1.2.3-rc.1+build.5", "", "v1.2.3-rc.1+build.5", "1.2.3-rc.1+build.5"},
		{"", "v0.4.0", "v0.4.0", "0.4.0"},
		{"(devel)", "", "(devel)", "0.0.0-dev"},
		{"", "", "0.0.0-dev", "0.0.0-dev"},
		{"v0.0.0-20260101120000-abcdef123456", "", "v0.0.0-20260101120000-abcdef123456", "0.0.0-20260101120000-abcdef123456"},
	} {
		v, s := driverVersion(c.opt, c.res)
		if v != c.version || s != c.semver {
			t.Errorf("driverVersion(%q, %q) = %q, %q; want %q, %q", c.opt, c.res, v, s, c.version, c.semver)
		}
	}
}

func TestEscapeSARIF(t *testing.T) {
	for in, want := range map[string]string{
		"plain":          "plain",
		"app/[id]/x":     `app/\[id\]/x`,
		`a\[b`:           `a\\\[b`,
		`a\b`:            `a\b`,
		"[[...slug]]":    `\[\[...slug\]\]`,
		"see [here](1)!": `see \[here\](1)!`,
	} {
		if got := escapeSARIF(in); got != want {
			t.Errorf("escapeSARIF(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSARIFMessage(t *testing.T) {
	got := sarifMessage("It is bad.\n\nMore.", "Fix it.", []string{"[a](1)", "[b](2)"}, nil)
	want := "It is bad (see [a](1), [b](2)).\n\nMore.\n\nHow to fix: Fix it."
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := sarifMessage("No stop", "", []string{"[a](1)"}, nil); got != "No stop (see [a](1))" {
		t.Errorf("got %q", got)
	}
	if got := sarifMessage("Just this.", "", nil, nil); got != "Just this." {
		t.Errorf("got %q", got)
	}
}

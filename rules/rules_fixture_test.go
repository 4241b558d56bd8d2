package rules_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/nextguard/nextguard/rules"
	"github.com/nextguard/nextguard/rules/ruletest"
)

// fixtureRoot holds one directory per rule id; see package ruletest.
var fixtureRoot = filepath.Join("..", "testdata", "rules")

// untested lists registered rules whose behaviour is covered elsewhere.
var untested = map[string]string{
	"vulnerable-next": "covered by its own unit tests (advisory data, not code shape)",
}

func cases(t *testing.T) []ruletest.Case {
	t.Helper()
	cs, err := ruletest.Cases(fixtureRoot)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestFixtures runs every fixture under testdata/rules/<rule-id>/ through the
// whole pipeline; it fails on any missing or unexpected finding.
func TestFixtures(t *testing.T) {
	for _, c := range cases(t) {
		if c.KnownFailure {
			continue
		}
		t.Run(c.Rule+"/"+c.Name, func(t *testing.T) {
			t.Parallel()
			ruletest.Run(t, c.Path, c.Rule)
		})
	}
}

// TestKnownFailures runs the cases under testdata/rules/<rule-id>/known_failures/,
// which the analyzer gets wrong today. It never fails: it logs each mismatch so
// the defects stay visible (go test -run KnownFailures -v), and says when a case
// passes so it can be moved out of known_failures.
func TestKnownFailures(t *testing.T) {
	for _, c := range cases(t) {
		if !c.KnownFailure {
			continue
		}
		t.Run(c.Rule+"/"+c.Name, func(t *testing.T) {
			_, ms, err := ruletest.Check(context.Background(), ruletest.Materialize(t, c.Path), c.Rule)
			if err != nil {
				t.Logf("KNOWN FAILURE %s: %v", c.Path, err)
				return
			}
			if len(ms) == 0 {
				t.Logf("FIXED: %s passes now; move it out of %s/", c.Path, ruletest.KnownFailuresDir)
				return
			}
			for _, m := range ms {
				t.Logf("KNOWN FAILURE %s: %s", c.Path, m)
			}
		})
	}
}

// TestFixtureCoverage demands, for every registered rule, a positive fixture
// (with a want) and a negative one (no want, named safe_* or ok_*), and checks
// that fixture names agree with their contents.
func TestFixtureCoverage(t *testing.T) {
	pos, neg := map[string]int{}, map[string]int{}
	known := map[string]bool{ruletest.UnusedSuppression: true}
	for _, r := range rules.All() {
		known[r.ID] = true
	}
	for _, c := range cases(t) {
		if !known[c.Rule] {
			t.Errorf("%s: no registered rule %q", c.Path, c.Rule)
			continue
		}
		if c.KnownFailure {
			continue
		}
		ws := ruletest.CaseExpectations(t, c)
		for _, w := range ws {
			if !known[w.Rule] {
				t.Errorf("%s: %s: want names unknown rule %q", c.Path, w, w.Rule)
			}
		}
		switch {
		case len(ws) == 0 && !c.IsNegative():
			t.Errorf("%s: has no want comment, so it is a negative case: name it safe_* or ok_*", c.Path)
		case len(ws) > 0 && c.IsNegative():
			t.Errorf("%s: is named as a negative case but expects findings", c.Path)
		case len(ws) == 0:
			neg[c.Rule]++
		default:
			pos[c.Rule]++
		}
	}
	for _, r := range rules.All() {
		if why, ok := untested[r.ID]; ok {
			t.Logf("%s: no fixtures required: %s", r.ID, why)
			continue
		}
		if pos[r.ID] == 0 {
			t.Errorf("rule %s has no positive fixture (a case with a want comment) in %s", r.ID, filepath.Join(fixtureRoot, r.ID))
		}
		if neg[r.ID] == 0 {
			t.Errorf("rule %s has no negative fixture (a safe_* or ok_* case without want comments) in %s", r.ID, filepath.Join(fixtureRoot, r.ID))
		}
	}
}

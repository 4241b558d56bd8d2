package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/nextguard/nextguard/analyzer/result"
)

// baselineFile records findings by fingerprint (stable when lines move).
type baselineFile struct {
	Version      int      `json:"version"`
	Fingerprints []string `json:"fingerprints"`
}

func writeBaseline(res *result.Result, path string) error {
	b := baselineFile{Version: 1, Fingerprints: []string{}}
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if !seen[f.Fingerprint] {
			seen[f.Fingerprint] = true
			b.Fingerprints = append(b.Fingerprints, f.Fingerprint)
		}
	}
	sort.Strings(b.Fingerprints)
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// applyBaseline drops findings recorded in the baseline, so only new ones are
// reported and counted for the exit code.
func applyBaseline(res *result.Result, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	var b baselineFile
	if err := json.Unmarshal(data, &b); err != nil || b.Version != 1 {
		return fmt.Errorf("baseline %s: not a nextguard baseline file", path)
	}
	known := map[string]bool{}
	for _, fp := range b.Fingerprints {
		known[fp] = true
	}
	out := res.Findings[:0]
	for _, f := range res.Findings {
		if !known[f.Fingerprint] {
			out = append(out, f)
		}
	}
	res.Findings = out
	return nil
}

package report

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/nextguard/nextguard/analyzer/result"
)

// JSON writes the documented `--format json` contract: the Result itself,
// indented by two spaces, with a trailing newline. Lists are sorted into
// report order and empty lists are written as [] rather than null, so that
// consumers can iterate without a null check and two runs diff cleanly. HTML
// characters are not escaped: messages quote code such as `<anonymous>` and
// `a && b`, and \u003c would only make the output harder to read.
func JSON(w io.Writer, r *result.Result, o Options) error {
	out := *r
	if out.Version == 0 {
		out.Version = result.Version
	}
	out.EntryPoints = nonNil(sortedEntryPoints(r.EntryPoints))
	out.Findings = nonNil(sortedFindings(r.Findings))
	out.Errors = nonNil(sortedErrors(r.Errors))
	return writeJSON(w, &out)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// writeJSON encodes v deterministically (struct field order; maps are sorted
// by encoding/json) into a buffer first, so a failure never leaves half a
// document in an --output file.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

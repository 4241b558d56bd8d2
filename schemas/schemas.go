// Package schemas ships the JSON Schema of nextguard.json inside the binary, so
// the loader's tests can check that the schema editors use and the rules the
// loader enforces never drift apart, and so the CLI can print or install it
// without the repository at hand.
package schemas

import _ "embed"

// ConfigSchema is the JSON Schema (draft 2020-12) of nextguard.json.
//
//go:embed nextguard.schema.json
var ConfigSchema []byte

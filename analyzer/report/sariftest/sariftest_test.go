package sariftest

import (
	"fmt"
	"testing"
)

// recorder captures Errorf and Skipf so the test can check what Validate
// reports without failing itself.
type recorder struct {
	testing.TB
	errors, skips []string
}

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(f string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(f, args...))
}
func (r *recorder) Skipf(f string, args ...any)  { r.skips = append(r.skips, fmt.Sprintf(f, args...)) }
func (r *recorder) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }

func TestValidateRejectsInvalid(t *testing.T) {
	valid := []byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[]}]}`)
	invalid := []byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[{"message":{"text":"m"},"level":"fatal"}]}]}`)
	badURI := []byte(`{"version":"2.1.0","$schema":"not a uri","runs":[]}`)

	r := &recorder{TB: t}
	Validate(r, valid)
	if len(r.skips) > 0 {
		t.Skip(r.skips[0])
	}
	if len(r.errors) > 0 {
		t.Fatalf("valid SARIF rejected: %v", r.errors)
	}
	for name, doc := range map[string][]byte{"invalid": invalid, "bad-uri": badURI, "not-json": []byte("{")} {
		r := &recorder{TB: t}
		Validate(r, doc)
		if len(r.errors) == 0 {
			t.Errorf("%s SARIF accepted", name)
		}
	}
}

func TestValidateSkipsLoudlyWithoutSchemas(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("NEXTGUARD_SARIF_SCHEMAS", "")
	r := &recorder{TB: t}
	Validate(r, []byte(`{}`))
	if len(r.skips) != 1 || len(r.errors) != 0 {
		t.Fatalf("want one skip and no error, got skips %q errors %q", r.skips, r.errors)
	}
	if want := "sarif-schema-2.1.0.json"; !contains(r.skips[0], want) {
		t.Errorf("skip message %q does not name %s", r.skips[0], want)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

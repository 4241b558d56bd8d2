package report

// Sample exposes the hand-built golden result to the external test package,
// which is where SARIF schema validation lives (sariftest imports report, so
// an internal test cannot import it).
var Sample = sample

// Package cli holds nextguard's commands. It is separate from main so that the
// commands run in-process in tests (testscript) with their exit codes.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"sort"
	"strings"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/nextguard/nextguard/analyzer"
	"github.com/nextguard/nextguard/analyzer/report"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/docs"
	"github.com/nextguard/nextguard/rules"
	"github.com/nextguard/nextguard/schemas"
)

// Set by the release build (-ldflags -X).
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// Exit codes, with ESLint's meaning.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitError    = 2
)

// exitError carries an exit code through cobra.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

type flags struct {
	format, output, failOn, config, color, baseline, writeBaseline, automationID string
	diff, cpuprofile                                                             string
	enable, disable                                                              []string
	quiet, staged                                                                bool
	jobs                                                                         int
}

// Main runs the CLI and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	root.SetIn(stdin)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintln(stderr, "nextguard: "+err.Error())
	return ExitError
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	f := &flags{}
	root := &cobra.Command{
		Use:   "nextguard [check] [PATH...]",
		Short: "Find the exploitable Server Actions and routes of a Next.js app",
		Long: "nextguard finds every public server entry point of a Next.js codebase (Server Actions,\n" +
			"Route Handlers, API routes) and reports missing authentication, missing ownership checks,\n" +
			"unvalidated input and raw database rows returned to the browser.",
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		RunE:          func(cmd *cobra.Command, args []string) error { return runCheck(cmd, f, args, stdout, stderr) },
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVarP(&f.format, "format", "f", "text", "output format: text, json, sarif or github")
	pf.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` instead of stdout")
	pf.StringVar(&f.failOn, "fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning, note or never")
	pf.StringVar(&f.config, "config", "", "configuration `FILE` (default: nextguard.json at the project root)")
	pf.StringVar(&f.color, "color", "auto", "colour: auto, always or never (NO_COLOR is honoured)")
	pf.StringSliceVar(&f.enable, "enable", nil, "enable a `RULE` that the configuration turns off (repeatable)")
	pf.StringSliceVar(&f.disable, "disable", nil, "disable a `RULE` (repeatable)")
	pf.BoolVarP(&f.quiet, "quiet", "q", false, "print findings only: no summary")
	pf.IntVar(&f.jobs, "jobs", 0, "parallel workers (default: number of CPUs)")
	pf.StringVar(&f.baseline, "baseline", "", "report only findings not recorded in the baseline `FILE`")
	pf.StringVar(&f.writeBaseline, "write-baseline", "", "record the current findings in the baseline `FILE`")
	pf.StringVar(&f.diff, "diff", "", "report only findings in entry points changed since the git revision `REV`")
	pf.BoolVar(&f.staged, "staged", false, "report only findings in entry points with staged changes (pre-commit)")
	pf.StringVar(&f.automationID, "sarif-category", "", "SARIF automationDetails.id (overrides upload-sarif's category)")
	// For performance work (docs/PERFORMANCE.md); not part of the user-facing surface.
	pf.StringVar(&f.cpuprofile, "cpuprofile", "", "write a Go CPU profile of the analysis to `FILE`")
	_ = pf.MarkHidden("cpuprofile")

	check := &cobra.Command{
		Use:   "check [PATH...]",
		Short: "Analyse a project and report findings (the default command)",
		Args:  cobra.ArbitraryArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return runCheck(cmd, f, args, stdout, stderr) },
	}
	actions := &cobra.Command{
		Use:   "actions [PATH]",
		Short: "Print the attack-surface inventory: every entry point and what protects it",
		Args:  cobra.MaximumNArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runActions(f, args, stdout) },
	}
	rulesCmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rules",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return listRules(stdout) },
	}
	explain := &cobra.Command{
		Use:   "explain RULE",
		Short: "Print a rule's documentation",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, ok := docs.Rule(args[0])
			if !ok {
				return usageError{fmt.Errorf("unknown rule %q (run `nextguard rules`)", args[0])}
			}
			_, err := io.WriteString(stdout, doc)
			return err
		},
	}
	ver := &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(stdout, "nextguard %s", version)
			if commit != "" {
				fmt.Fprintf(stdout, " (commit %s", commit)
				if date != "" {
					fmt.Fprintf(stdout, ", built %s", date)
				}
				fmt.Fprint(stdout, ")")
			}
			fmt.Fprintln(stdout)
			return nil
		},
	}
	cfg := &cobra.Command{Use: "config", Short: "Configuration helpers"}
	cfg.AddCommand(&cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of nextguard.json",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := stdout.Write(schemas.ConfigSchema)
			return err
		},
	})
	root.AddCommand(check, actions, rulesCmd, explain, ver, cfg)
	return root
}

type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

func validate(f *flags) error {
	switch f.format {
	case "text", "json", "sarif", "github":
	default:
		return fmt.Errorf("--format must be text, json, sarif or github, not %q", f.format)
	}
	switch f.failOn {
	case "error", "warning", "note", "never":
	default:
		return fmt.Errorf("--fail-on must be error, warning, note or never, not %q", f.failOn)
	}
	switch f.color {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("--color must be auto, always or never, not %q", f.color)
	}
	for _, id := range append(append([]string{}, f.enable...), f.disable...) {
		if rules.Get(id) == nil {
			return fmt.Errorf("unknown rule %q (run `nextguard rules`)", id)
		}
	}
	if f.jobs < 0 {
		return fmt.Errorf("--jobs must be positive")
	}
	if strings.HasPrefix(f.diff, "-") {
		return fmt.Errorf("--diff needs a git revision, not %q", f.diff)
	}
	return nil
}

func run(f *flags, paths, focus []string) (*result.Result, error) {
	if f.cpuprofile != "" {
		stop, err := startCPUProfile(f.cpuprofile)
		if err != nil {
			return nil, err
		}
		defer stop()
	}
	return analyzer.Run(context.Background(), analyzer.Options{Paths: paths, Focus: focus, Config: f.config, Jobs: f.jobs, Enable: f.enable, Disable: f.disable, Version: version})
}

func runCheck(cmd *cobra.Command, f *flags, args []string, stdout, stderr io.Writer) error {
	if err := validate(f); err != nil {
		return err
	}
	var changed *changes
	if f.diff != "" || f.staged {
		dir := "."
		if len(args) > 0 {
			dir = args[0]
		}
		var err error
		if changed, err = gitChanges(dir, f.diff, f.staged); err != nil {
			return err
		}
	}
	var focus []string
	if changed != nil {
		focus = changed.paths()
	}
	res, err := run(f, args, focus)
	if err != nil {
		return err
	}
	if f.baseline != "" {
		if err := applyBaseline(res, f.baseline); err != nil {
			return err
		}
	}
	if f.writeBaseline != "" {
		if err := writeBaseline(res, f.writeBaseline); err != nil {
			return err
		}
	}
	if changed != nil {
		changed.filter(res)
	}
	if err := write(f, res, stdout, false); err != nil {
		return err
	}
	for _, e := range res.Errors {
		if e.Internal {
			return exitError{ExitError}
		}
	}
	if failing(res, f.failOn) {
		return exitError{ExitFindings}
	}
	return nil
}

func runActions(f *flags, args []string, stdout io.Writer) error {
	if err := validate(f); err != nil {
		return err
	}
	res, err := run(f, args, nil)
	if err != nil {
		return err
	}
	return write(f, res, stdout, true)
}

// write renders the report to stdout or --output.
func write(f *flags, res *result.Result, stdout io.Writer, inventory bool) error {
	w := stdout
	var file *os.File
	if f.output != "" {
		var err error
		file, err = os.Create(f.output)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	opts := report.Options{Color: useColor(f.color, w), Quiet: f.quiet, Version: version, AutomationID: f.automationID, Lines: lineReader(res.Root)}
	var err error
	switch {
	case inventory && f.format == "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(struct {
			Version     int                 `json:"version"`
			Root        string              `json:"root"`
			EntryPoints []result.EntryPoint `json:"entryPoints"`
		}{res.Version, res.Root, res.EntryPoints})
	case inventory:
		err = report.Inventory(w, res, opts)
	case f.format == "json":
		err = report.JSON(w, res, opts)
	case f.format == "sarif":
		err = report.SARIF(w, res, opts)
	case f.format == "github":
		err = report.GitHub(w, res, opts)
	default:
		err = report.Text(w, res, opts)
	}
	if err != nil {
		return err
	}
	if file != nil {
		return file.Close()
	}
	return nil
}

// useColor resolves --color against the real destination: fatih/color only
// looks at stdout, but the report may go to a file.
func useColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	// no-color.org: NO_COLOR counts when set to a non-empty value.
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	if f, ok := w.(*os.File); ok {
		return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
	}
	return false
}

var _ = color.NoColor

func lineReader(root string) func(string, int) string {
	cache := map[string][]string{}
	return func(file string, line int) string {
		lines, ok := cache[file]
		if !ok {
			b, err := os.ReadFile(root + string(os.PathSeparator) + file)
			if err == nil {
				lines = strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
			}
			cache[file] = lines
		}
		if line < 1 || line > len(lines) {
			return ""
		}
		return lines[line-1]
	}
}

func failing(res *result.Result, failOn string) bool {
	if failOn == "never" {
		return false
	}
	threshold := result.Severity(failOn).Rank()
	for _, f := range res.Findings {
		if f.Severity.Rank() >= threshold {
			return true
		}
	}
	return false
}

func listRules(w io.Writer) error {
	all := rules.All()
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	width := 0
	for _, r := range all {
		width = max(width, len(r.ID))
	}
	for _, r := range all {
		fmt.Fprintf(w, "%-*s  %-7s  %s\n", width, r.ID, r.Severity, r.Short)
	}
	return nil
}

// startCPUProfile profiles until the returned function is called.
func startCPUProfile(path string) (func(), error) {
	out, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		out.Close()
	}, nil
}

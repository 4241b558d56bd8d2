package cli

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/nextguard/nextguard/analyzer/result"
)

// lineRange is an inclusive range of 1-based lines of the new (working tree or
// index) side of a diff.
type lineRange struct{ first, last int }

func (r lineRange) overlaps(o lineRange) bool { return r.first <= o.last && o.first <= r.last }

// wholeFile marks a file that is changed throughout (new or untracked).
var wholeFile = lineRange{1, math.MaxInt}

// changes are the lines changed since a git revision (--diff) or staged in the
// index (--staged), by path relative to the git work tree's top level.
type changes struct {
	top   string // the work tree's top level, symlinks resolved
	files map[string][]lineRange
}

// gitChanges asks git what changed in the work tree holding dir: against rev
// (--diff REV), against the index (--staged), or the index against rev (both).
// It runs before the analysis so that a bad revision fails fast, with exit 2.
//
// The analysis reads the working tree, so --staged assumes it matches the index;
// pre-commit runners (pre-commit, lint-staged) stash unstaged changes first.
func gitChanges(dir, rev string, staged bool) (*changes, error) {
	flag := "--diff " + rev
	if rev == "" {
		flag = "--staged"
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		dir = filepath.Dir(dir)
	}
	if _, err := exec.LookPath("git"); err != nil {
		return nil, fmt.Errorf("%s needs git: %w", flag, err)
	}
	out, err := git(dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s: %s is not inside a git work tree (%v)", flag, absOr(dir), err)
	}
	top := strings.TrimRight(string(out), "\r\n")
	if real, err := filepath.EvalSymlinks(top); err == nil {
		top = real
	}
	// Everything that could change git diff's output format is pinned: users'
	// configuration (prefixes, external diff drivers, textconv, renames, colour)
	// must not break the parse. Renames count as a deletion and a new file: a
	// moved route is a new public URL.
	args := []string{"-c", "core.quotepath=off", "diff", "--no-color", "--no-ext-diff", "--no-textconv",
		"--no-renames", "--unified=0", "--src-prefix=a/", "--dst-prefix=b/"}
	if staged {
		args = append(args, "--cached")
	}
	if rev != "" {
		args = append(args, rev)
	}
	args = append(args, "--")
	out, err = git(top, args...)
	if err != nil {
		if rev != "" {
			return nil, fmt.Errorf("--diff %s: not a revision git knows (%v)", rev, err)
		}
		return nil, fmt.Errorf("%s: %v", flag, err)
	}
	files, err := parseUnifiedDiff(out)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", flag, err)
	}
	// Files git does not track yet are new code in the working tree, so they
	// changed since any revision; a revision range compares commits only.
	if !staged && !strings.Contains(rev, "..") {
		out, err := git(top, "ls-files", "--others", "--exclude-standard", "-z")
		if err != nil {
			return nil, fmt.Errorf("%s: %v", flag, err)
		}
		for _, name := range strings.Split(string(out), "\x00") {
			if name != "" {
				files[name] = []lineRange{wholeFile}
			}
		}
	}
	return &changes{top: top, files: files}, nil
}

// git runs git -C dir args and returns its standard output; the error carries
// git's message.
func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	// A read-only query: never take index.lock behind a user's or a hook's
	// back (git diff refreshes the index opportunistically otherwise).
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			// git's first line says it; usage text may follow.
			msg, _, _ = strings.Cut(msg, "\n")
			return nil, errors.New("git: " + msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out, nil
}

func absOr(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// parseUnifiedDiff reads `git diff --unified=0` output and returns, per file of
// the new side ('/'-separated, relative to the top level), the changed lines. A
// hunk that only deletes lines touches the lines on both sides of the gap, so
// that deleting a guard from an entry point counts as changing it. Deleted files
// are left out: nothing in them can be reported.
func parseUnifiedDiff(out []byte) (map[string][]lineRange, error) {
	files := map[string][]lineRange{}
	cur := ""
	pending := 0      // '+' and '-' lines still to come in the current hunk
	combined := false // in a combined diff (unmerged path): skipped
	for _, line := range strings.Split(string(out), "\n") {
		if pending > 0 {
			switch {
			case strings.HasPrefix(line, "+"), strings.HasPrefix(line, "-"), strings.HasPrefix(line, " "):
				pending--
				continue
			case strings.HasPrefix(line, `\`): // "\ No newline at end of file"
				continue
			}
			return nil, fmt.Errorf("malformed diff: hunk of %s ends early at %q", cur, line)
		}
		switch {
		case strings.HasPrefix(line, "diff --git "):
			cur, combined = "", false
		case strings.HasPrefix(line, "diff --cc "), strings.HasPrefix(line, "diff --combined "):
			// An unmerged path: its file is changed throughout.
			cur, combined = "", true
			if name, ok := strings.CutPrefix(line, "diff --cc "); ok {
				if u, err := strconv.Unquote(name); err == nil {
					name = u
				}
				files[name] = []lineRange{wholeFile}
			}
		case combined:
		case strings.HasPrefix(line, "+++ "):
			name, err := diffPath(strings.TrimPrefix(line, "+++ "))
			if err != nil {
				return nil, err
			}
			cur = name
		case strings.HasPrefix(line, "@@ "):
			oldN, r, err := parseHunk(line)
			if err != nil {
				return nil, err
			}
			pending = oldN + (r.last - r.first + 1)
			if r.last < r.first { // pure deletion after line r.first
				pending = oldN
				r = lineRange{max(r.first, 1), r.first + 1}
			}
			if cur != "" {
				files[cur] = append(files[cur], r)
			}
		}
	}
	return files, nil
}

// diffPath decodes the name on a "+++ " line: b/<path>, possibly C-quoted, with
// a tab appended when it holds a space; "" for /dev/null.
func diffPath(s string) (string, error) {
	s = strings.TrimSuffix(s, "\t")
	if s == "/dev/null" {
		return "", nil
	}
	if strings.HasPrefix(s, `"`) {
		u, err := strconv.Unquote(s)
		if err != nil {
			return "", fmt.Errorf("malformed diff: file name %s: %v", s, err)
		}
		s = u
	}
	name, ok := strings.CutPrefix(s, "b/")
	if !ok {
		return "", fmt.Errorf("malformed diff: file name %q", s)
	}
	return name, nil
}

// parseHunk reads "@@ -a[,b] +c[,d] @@ ...": the number of old lines and the
// new range c..c+d-1 (empty, last < first, when d is 0).
func parseHunk(line string) (oldN int, r lineRange, err error) {
	fields := strings.Fields(line)
	if len(fields) < 4 || fields[3] != "@@" || !strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return 0, r, fmt.Errorf("malformed diff: hunk header %q", line)
	}
	_, oldN, err = hunkRange(fields[1][1:])
	if err != nil {
		return 0, r, fmt.Errorf("malformed diff: hunk header %q", line)
	}
	start, n, err := hunkRange(fields[2][1:])
	if err != nil {
		return 0, r, fmt.Errorf("malformed diff: hunk header %q", line)
	}
	return oldN, lineRange{start, start + n - 1}, nil
}

func hunkRange(s string) (start, n int, err error) {
	a, b, ok := strings.Cut(s, ",")
	n = 1
	if ok {
		if n, err = strconv.Atoi(b); err != nil || n < 0 {
			return 0, 0, errors.New("bad count")
		}
	}
	if start, err = strconv.Atoi(a); err != nil || start < 0 {
		return 0, 0, errors.New("bad start")
	}
	return start, n, nil
}

// path returns the changes path of file, a finding or entry-point path
// relative to root; ok is false outside the work tree.
func (c *changes) path(root, file string) (string, bool) {
	rel, err := filepath.Rel(c.top, filepath.Join(root, filepath.FromSlash(file)))
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return rel, true
}

// touches reports whether the lines r of file (relative to root) changed.
func (c *changes) touches(root, file string, r lineRange) bool {
	p, ok := c.path(root, file)
	if !ok {
		return false
	}
	for _, h := range c.files[p] {
		if h.overlaps(r) {
			return true
		}
	}
	return false
}

// paths returns the changed files as absolute paths, sorted: the analysis
// needs only the entry points in them or importing them (analyzer.Options.Focus).
func (c *changes) paths() []string {
	out := make([]string, 0, len(c.files))
	for f := range c.files {
		out = append(out, filepath.Join(c.top, filepath.FromSlash(f)))
	}
	sort.Strings(out)
	return out
}

// filter keeps the findings of res that the change touches: the finding's own
// lines changed, or the entry point it belongs to changed anywhere in its
// extent. An entry point extends from its line to the line before the next
// entry point of its file (or the end of the file). A finding without a line
// (a whole-file finding) is kept when its file changed at all. Diagnostics are
// kept: they are not findings.
func (c *changes) filter(res *result.Result) {
	root := res.Root
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	starts := map[string][]int{} // file -> sorted entry-point lines
	for _, ep := range res.EntryPoints {
		starts[ep.File] = append(starts[ep.File], ep.Line)
	}
	for _, ls := range starts {
		sort.Ints(ls)
	}
	extent := func(file string, line int) lineRange {
		ls := starts[file]
		i := sort.SearchInts(ls, line+1) // first entry point after line
		if i < len(ls) {
			return lineRange{line, ls[i] - 1}
		}
		return lineRange{line, math.MaxInt}
	}
	keep := func(f *result.Finding) bool {
		if f.Line <= 0 {
			return c.touches(root, f.File, wholeFile)
		}
		if c.touches(root, f.File, lineRange{f.Line, max(f.EndLine, f.Line)}) {
			return true
		}
		if f.EntryPoint == nil {
			return false
		}
		// The entry point is usually in the finding's file; a finding in a
		// helper belongs to an entry point elsewhere, found by name and line.
		var files []string
		for _, ep := range res.EntryPoints {
			if ep.Name == f.EntryPoint.Name && ep.Line == f.EntryPoint.Line {
				if ep.File == f.File {
					files = []string{ep.File}
					break
				}
				files = append(files, ep.File)
			}
		}
		if len(files) == 0 {
			files = []string{f.File}
		}
		for _, file := range files {
			if c.touches(root, file, extent(file, f.EntryPoint.Line)) {
				return true
			}
		}
		return false
	}
	out := res.Findings[:0]
	for i := range res.Findings {
		if keep(&res.Findings[i]) {
			out = append(out, res.Findings[i])
		}
	}
	res.Findings = out
}

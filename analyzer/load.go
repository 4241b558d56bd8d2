package analyzer

import (
	"errors"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/nextguard/nextguard/analyzer/discover"
	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

// readAll reads every source file once, in parallel.
func readAll(proj *discover.Project, jobs int) (map[string]*source.File, []result.Diagnostic) {
	got := make([]*source.File, len(proj.Files))
	errs := make([]error, len(proj.Files))
	parallel(len(proj.Files), jobs, func(i int) {
		f := proj.Files[i]
		text, err := readFile(f.Abs, f.Size)
		if err != nil {
			errs[i] = err
			return
		}
		got[i] = source.New(f.Abs, f.Rel, text)
	})
	files := make(map[string]*source.File, len(proj.Files))
	var diags []result.Diagnostic
	for i, f := range got {
		if f != nil {
			files[f.Rel] = f
		} else {
			diags = append(diags, result.Diagnostic{File: proj.Files[i].Rel, Message: "cannot read the file: " + errText(errs[i]) + " (it was not analysed)"})
		}
	}
	return files, diags
}

// readFile reads a file whose size discovery saw. In the common case it costs
// three system calls (open, one read, close) where os.ReadFile needs five
// (it also stats, and reads again to see EOF); a file whose size changed since
// discovery is read to its end like os.ReadFile does. The text shares the
// buffer (no copy): nothing else holds or writes it.
func readFile(abs string, size int64) (string, error) {
	fd, err := os.Open(abs)
	if err != nil {
		return "", err
	}
	defer fd.Close()
	buf := make([]byte, size+1)
	n, err := fd.Read(buf)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	if int64(n) != size {
		// Grew, shrank, or a short read: read the rest until EOF.
		buf = buf[:n]
		for {
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)]
			}
			m, err := fd.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+m]
			if errors.Is(err, io.EOF) || (err == nil && m == 0) {
				break
			}
			if err != nil {
				return "", err
			}
		}
		n = len(buf)
	}
	if n == 0 {
		return "", nil
	}
	return unsafe.String(&buf[0], n), nil
}

func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// candidateFiles are the files that can hold entry points (or bind them):
// the only ones parsed up front. Everything else is parsed only if reached.
// The text scan runs in parallel: on a monorepo it reads tens of megabytes.
func candidateFiles(files map[string]*source.File, l entry.Layout) []string {
	all := make([]*source.File, 0, len(files))
	for _, f := range files {
		all = append(all, f)
	}
	is := make([]bool, len(all))
	parallel(len(all), 0, func(i int) {
		f := all[i]
		is[i] = l.IsRouteFile(f.Rel) || l.IsAPIFile(f.Rel) || mayHoldEntry(f.Text)
	})
	var out []string
	for i, f := range all {
		if is[i] {
			out = append(out, f.Rel)
		}
	}
	sort.Strings(out)
	return out
}

// mayHoldEntry reports whether text contains "use server" or ".bind(null".
func mayHoldEntry(text string) bool {
	return strings.Contains(text, "use server") || strings.Contains(text, ".bind(null")
}

// parseAll parses the candidates and everything they import, transitively
// (imports, re-exports, `export *`), in parallel, and returns the candidates'
// modules. The analysis of entry points follows calls into nearly all of that
// import closure (on real monorepos it reaches 87–96 % of it), and it runs on
// one goroutine: a file it had to parse itself would be parsed serially, while
// here every core parses. Files outside the closure are never parsed.
func parseAll(prog *index.Program, rels []string, jobs int) []*index.Module {
	mods := make([]*index.Module, len(rels))
	pos := make(map[string]int, len(rels))
	for i, rel := range rels {
		pos[rel] = i
	}
	var seenMu sync.Mutex
	seen := make(map[string]bool, len(rels)*4)
	for _, rel := range rels {
		seen[rel] = true
	}
	q := newWorkQueue(rels)
	if jobs <= 0 {
		jobs = 1
	}
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var next []string
			for {
				rel, ok := q.pop()
				if !ok {
					return
				}
				m := prog.Module(rel)
				if i, ok := pos[rel]; ok {
					mods[i] = m
				}
				next = next[:0]
				if m != nil {
					next = importedFiles(m, next)
				}
				var fresh []string
				if len(next) > 0 {
					seenMu.Lock()
					for _, t := range next {
						if !seen[t] {
							seen[t] = true
							fresh = append(fresh, t)
						}
					}
					seenMu.Unlock()
				}
				q.push(fresh)
			}
		}()
	}
	wg.Wait()
	out := mods[:0]
	for _, m := range mods {
		if m != nil {
			out = append(out, m)
		}
	}
	return out
}

// importedFiles appends the project files m imports or re-exports by name.
// `export *` targets are left out: a barrel lists many modules, and the
// analysis parses only those that may hold the name it looks for
// (index.Program.ResolveExport).
func importedFiles(m *index.Module, out []string) []string {
	for _, imp := range m.Imports {
		if imp.Target.File != "" {
			out = append(out, imp.Target.File)
		}
	}
	for _, e := range m.Exports {
		if e.From != nil && e.From.Target.File != "" {
			out = append(out, e.From.Target.File)
		}
	}
	return out
}

// workQueue is a LIFO of files to parse that knows when the work is done:
// pop blocks while the queue is empty but some worker may still push, and
// reports false once it is empty and every worker is idle. Depth-first order
// keeps the working set small; the set of files parsed does not depend on it.
type workQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	items   []string
	pending int // items popped but not yet followed by their push
}

func newWorkQueue(init []string) *workQueue {
	q := &workQueue{items: append([]string(nil), init...)}
	// Pop from the end: reverse so the first candidates go first.
	for i, j := 0, len(q.items)-1; i < j; i, j = i+1, j-1 {
		q.items[i], q.items[j] = q.items[j], q.items[i]
	}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *workQueue) pop() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		if q.pending == 0 {
			q.cond.Broadcast()
			return "", false
		}
		q.cond.Wait()
	}
	it := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	q.pending++
	return it, true
}

// push adds the files a popped item led to (possibly none); every pop is
// followed by exactly one push.
func (q *workQueue) push(items []string) {
	q.mu.Lock()
	q.items = append(q.items, items...)
	q.pending--
	if len(items) > 0 || q.pending == 0 {
		q.cond.Broadcast()
	}
	q.mu.Unlock()
}

// parallel calls f(0..n-1) on jobs goroutines (GOMAXPROCS when jobs <= 0).
// Work is handed out by an atomic counter: no channel send per item.
func parallel(n, jobs int, f func(int)) {
	if jobs <= 0 {
		jobs = runtimeJobs()
	}
	jobs = min(jobs, n)
	if jobs <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

func runtimeJobs() int { return runtime.GOMAXPROCS(0) }

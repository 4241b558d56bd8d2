package analyzer

import (
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/nextguard/nextguard/analyzer/discover"
	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

// readAll reads every source file once, in parallel.
func readAll(proj *discover.Project, jobs int) (map[string]*source.File, []result.Diagnostic) {
	files := make(map[string]*source.File, len(proj.Files))
	var mu sync.Mutex
	var diags []result.Diagnostic
	work := make(chan discover.File)
	var wg sync.WaitGroup
	for i := 0; i < jobs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				b, err := os.ReadFile(f.Abs)
				mu.Lock()
				if err != nil {
					diags = append(diags, result.Diagnostic{File: f.Rel, Message: "cannot read the file: " + errText(err) + " (it was not analysed)"})
				} else {
					files[f.Rel] = source.New(f.Abs, f.Rel, string(b))
				}
				mu.Unlock()
			}
		}()
	}
	for _, f := range proj.Files {
		work <- f
	}
	close(work)
	wg.Wait()
	return files, diags
}

func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// candidateFiles are the files that can hold entry points (or bind them):
// the only ones parsed up front. Everything else is parsed only if reached.
func candidateFiles(files map[string]*source.File, l entry.Layout) []string {
	var out []string
	for rel, f := range files {
		if strings.Contains(f.Text, "use server") || l.IsRouteFile(rel) || l.IsAPIFile(rel) || strings.Contains(f.Text, ".bind(null") {
			out = append(out, rel)
		}
	}
	sort.Strings(out)
	return out
}

// parseAll parses the candidates and the files they import directly, in
// parallel; deeper files are parsed on demand by the analysis.
func parseAll(prog *index.Program, rels []string, jobs int) []*index.Module {
	mods := make([]*index.Module, len(rels))
	parallel(len(rels), jobs, func(i int) { mods[i] = prog.Module(rels[i]) })
	var next []string
	seen := map[string]bool{}
	for _, m := range mods {
		if m == nil {
			continue
		}
		for _, imp := range m.Imports {
			if imp.Target.File != "" && !seen[imp.Target.File] {
				seen[imp.Target.File] = true
				next = append(next, imp.Target.File)
			}
		}
	}
	sort.Strings(next)
	parallel(len(next), jobs, func(i int) { prog.Module(next[i]) })
	out := mods[:0]
	for _, m := range mods {
		if m != nil {
			out = append(out, m)
		}
	}
	return out
}

func parallel(n, jobs int, f func(int)) {
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
}

package analyzer

// Benchmarks per pipeline stage and for the whole run, on generated monorepos
// (analyzer/gen) of 1k and 10k files; 50k with NEXTGUARD_BENCH_LARGE=1. They
// run only with -bench:
//
//	go test ./analyzer -run '^$' -bench . -benchtime 5x
//
// Each reports ns/file (over every discovered source file, not only the parsed
// ones), B/op and allocs/op. Trees are generated once per machine under the
// temp folder (gen.Cached) and reused by later runs.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"

	"github.com/nextguard/nextguard/analyzer/config"
	"github.com/nextguard/nextguard/analyzer/discover"
	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/gen"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/parse"
	"github.com/nextguard/nextguard/analyzer/resolve"
	"github.com/nextguard/nextguard/analyzer/source"
)

var benchSizes = func() []int {
	s := []int{1000, 10000}
	if os.Getenv("NEXTGUARD_BENCH_LARGE") != "" {
		s = append(s, 50000)
	}
	return s
}()

var benchTrees sync.Map // size -> string (dir) or error

func benchTree(b *testing.B, n int) string {
	b.Helper()
	if v, ok := benchTrees.Load(n); ok {
		return v.(string)
	}
	b.StopTimer()
	dir, err := gen.Cached(gen.Options{Files: n})
	if err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	benchTrees.Store(n, dir)
	return dir
}

func perFile(b *testing.B, files int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(files), "ns/file")
}

// eachSize runs fn as a sub-benchmark per generated project size.
func eachSize(b *testing.B, fn func(b *testing.B, dir string)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("files=%dk", n/1000), func(b *testing.B) {
			fn(b, benchTree(b, n))
		})
	}
}

// staged holds the pipeline state up to a stage, built outside the timer.
type staged struct {
	root   string
	proj   *discover.Project
	files  map[string]*source.File
	layout entry.Layout
	cands  []string
	prog   *index.Program
	mods   []*index.Module
	jobs   int
}

func (s *staged) discover(b *testing.B, dir string) {
	root, err := discover.FindRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	s.root = root
	s.jobs = runtime.GOMAXPROCS(0)
	if s.proj, err = discover.Discover(root, discover.Options{}); err != nil {
		b.Fatal(err)
	}
}

func (s *staged) read() {
	s.files, _ = readAll(s.proj, s.jobs)
	s.layout = layoutOf(s.proj)
	s.cands = candidateFiles(s.files, s.layout)
}

func (s *staged) program() {
	rels := make([]string, 0, len(s.files))
	for rel := range s.files {
		rels = append(rels, rel)
	}
	sort.Strings(rels)
	read := func(rel string) ([]byte, error) { return os.ReadFile(filepath.Join(s.root, filepath.FromSlash(rel))) }
	res := resolve.New(s.root, rels, s.proj.TSConfigs, s.proj.PackageDirs, read)
	s.prog = index.NewProgram(s.root, s.files, func(from, spec string) index.Target {
		t := res.Resolve(from, spec)
		return index.Target{File: t.File, Package: t.Package, Subpath: t.Subpath}
	})
}

func (s *staged) parse() { s.mods = parseAll(s.prog, s.cands, s.jobs) }

func BenchmarkDiscover(b *testing.B) {
	eachSize(b, func(b *testing.B, dir string) {
		b.ReportAllocs()
		var s staged
		for b.Loop() {
			s.discover(b, dir)
		}
		perFile(b, len(s.proj.Files))
	})
}

func BenchmarkRead(b *testing.B) {
	eachSize(b, func(b *testing.B, dir string) {
		var s staged
		s.discover(b, dir)
		b.ReportAllocs()
		for b.Loop() {
			s.read()
		}
		perFile(b, len(s.proj.Files))
	})
}

// BenchmarkParse parses every source file (what a linter does), in parallel
// over GOMAXPROCS workers: ns/file is the parser's own cost per file.
func BenchmarkParse(b *testing.B) {
	eachSize(b, func(b *testing.B, dir string) {
		var s staged
		s.discover(b, dir)
		s.read()
		all := make([]*source.File, 0, len(s.files))
		for _, f := range s.files {
			all = append(all, f)
		}
		b.ReportAllocs()
		for b.Loop() {
			parallel(len(all), s.jobs, func(i int) { parse.File(all[i]) })
		}
		perFile(b, len(all))
	})
}

// BenchmarkParseReached is the parse stage as a run does it: the candidates
// and their direct imports (parseAll), on a fresh Program each time.
func BenchmarkParseReached(b *testing.B) {
	eachSize(b, func(b *testing.B, dir string) {
		var s staged
		s.discover(b, dir)
		s.read()
		b.ReportAllocs()
		parsed := 0
		for b.Loop() {
			s.program()
			s.parse()
			parsed = s.prog.Parsed()
		}
		perFile(b, len(s.files))
		b.ReportMetric(float64(parsed), "parsed")
	})
}

// BenchmarkIndex builds the import/export index of already parsed candidates.
func BenchmarkIndex(b *testing.B) {
	eachSize(b, func(b *testing.B, dir string) {
		var s staged
		s.discover(b, dir)
		s.read()
		s.program()
		var pms []*parse.Module
		for _, rel := range s.cands {
			if pm, _ := parse.File(s.files[rel]); pm != nil {
				pms = append(pms, pm)
			}
		}
		b.ReportAllocs()
		for b.Loop() {
			for _, pm := range pms {
				rel := pm.File.Rel
				index.Build(rel, pm, func(spec string) index.Target { return index.Target{} })
			}
		}
		perFile(b, len(s.files))
	})
}

// BenchmarkEntry finds entry points in parsed candidates.
func BenchmarkEntry(b *testing.B) {
	eachSize(b, func(b *testing.B, dir string) {
		var s staged
		s.discover(b, dir)
		s.read()
		s.program()
		s.parse()
		entry.Find(s.prog, s.mods, s.layout) // parses what it reaches, once
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n = len(entry.Find(s.prog, s.mods, s.layout))
		}
		perFile(b, len(s.files))
		b.ReportMetric(float64(n), "entries")
	})
}

// BenchmarkFlow analyses every entry point with a fresh engine (no memoised
// summaries); every file the analysis reaches is already parsed.
func BenchmarkFlow(b *testing.B) {
	eachSize(b, func(b *testing.B, dir string) {
		var s staged
		s.discover(b, dir)
		s.read()
		s.program()
		s.parse()
		entries := entry.Find(s.prog, s.mods, s.layout)
		cfg := flowConfig(&config.Config{})
		analyze := func() {
			eng := flow.New(s.prog, cfg)
			col := &collector{root: s.root, cfg: &config.Config{}}
			for _, en := range entries {
				analyzeEntry(eng, en, col)
			}
		}
		analyze() // parse what the analysis reaches
		b.ReportAllocs()
		for b.Loop() {
			analyze()
		}
		perFile(b, len(s.files))
	})
}

// BenchmarkRun is the whole pipeline, as `nextguard check` runs it.
func BenchmarkRun(b *testing.B) {
	eachSize(b, func(b *testing.B, dir string) {
		b.ReportAllocs()
		files, parsed := 0, 0
		for b.Loop() {
			res, err := Run(context.Background(), Options{Paths: []string{dir}})
			if err != nil {
				b.Fatal(err)
			}
			files, parsed = res.Stats.Files, res.Stats.ParsedFiles
		}
		perFile(b, files)
		b.ReportMetric(float64(parsed), "parsed")
	})
}

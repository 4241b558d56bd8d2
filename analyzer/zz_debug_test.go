package analyzer_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/index"
)

func TestZZDebug(t *testing.T) {
	dir := os.Getenv("DBG_DIR")
	if dir == "" {
		t.Skip()
	}
	want := os.Getenv("DBG_FN")
	flow.DebugSummary = func(fn *index.Func, s *flow.Summary) {
		if !strings.Contains(want, fn.Name) {
			return
		}
		fmt.Printf("SUMMARY %s %s guard=%v exits=%v ret=%+v\n", fn.Mod.Rel, fn.Name, s.Guard, s.Exits, s.Ret.F)
		for _, q := range s.Queries {
			fmt.Printf("   Q %s filter.F=%b params=%b field=%q idparams=%b\n", q.Desc, q.Filter.F, q.Filter.Params, q.Filter.Field, q.IDParams)
		}
	}
	analyzer.Run(context.Background(), analyzer.Options{Paths: []string{os.Getenv("DBG_PATH")}})
}

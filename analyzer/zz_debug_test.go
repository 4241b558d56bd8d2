package analyzer_test

import (
	"context"
	"fmt"
	"os"
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
	flow.DebugSummary = func(fn *index.Func, s *flow.Summary) {
		fmt.Printf("SUMMARY %s %s sink=%b\n", fn.Mod.Rel, fn.Name, s.SinkParams)
		for _, q := range s.Queries {
			fmt.Printf("   Q %s filter=%+v\n      data=%+v idparams=%b\n", q.Desc, q.Filter, q.Data, q.IDParams)
		}
	}
	analyzer.Run(context.Background(), analyzer.Options{Paths: []string{dir}})
}

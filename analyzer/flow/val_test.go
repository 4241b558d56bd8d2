package flow

import "testing"

// A value whose fields share sub-values (a DAG, as merged objects in
// generated code build) has 2^depth paths; deep must stay bounded and still
// find the labels near the top.
func TestDeepIsBoundedOnSharedValues(t *testing.T) {
	v := Val{F: Client}
	for i := 0; i < 60; i++ {
		v = Val{Obj: map[string]Val{"a": v, "b": v}}
	}
	if got := v.deep(); got.Has(Client) {
		t.Fatalf("deep found a label %d levels down; the bound is %d", 60, maxDeep)
	}
	near := Val{Obj: map[string]Val{"x": {Obj: map[string]Val{"y": {F: Client}}}}}
	if !near.deep().Has(Client) {
		t.Fatal("deep lost a label two levels down")
	}
}

package source

import (
	"reflect"
	"testing"
)

func TestImportSpecifiers(t *testing.T) {
	text := `import a from "./a";
import { b } from '@/lib/b'
import type { C } from "./types";
import "./side-effect.css";
export * from "./barrel";
export { d } from "../d";
const e = await import("./lazy");
const f = require( './cjs' );
const dyn = import(` + "`./tpl/${name}`" + `);
const notOne = fromEntries("x"); // a fromEntries call is no import
reimport("nope"); imports("nope")
`
	got := ImportSpecifiers(text)
	want := []string{"./a", "@/lib/b", "./types", "./side-effect.css", "./barrel", "../d", "./lazy", "./cjs"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ImportSpecifiers:\n got %q\nwant %q", got, want)
	}
}

func TestImportSpecifiersIncompleteInput(t *testing.T) {
	for _, text := range []string{"", "import", "from", "import(", `from "unterminated`, "require(\n"} {
		if got := ImportSpecifiers(text); len(got) != 0 {
			t.Errorf("ImportSpecifiers(%q) = %q, want none", text, got)
		}
	}
}

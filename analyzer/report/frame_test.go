package report

import (
	"strings"
	"testing"
)

// TestFrame pins the caret under the right cells for the cases that break
// naive column arithmetic: tabs, wide CJK, emoji (two UTF-16 units, two
// cells), combining marks, columns past the end of the line and ranges that
// run onto later lines.
func TestFrame(t *testing.T) {
	for _, c := range []struct {
		name        string
		line        string
		col, endCol int
		text, caret string // caret as it prints under text
	}{
		{"ascii", "const x = 1", 7, 8, "const x = 1", "      ^"},
		{"range", "await db.delete()", 7, 16, "await db.delete()", "      ^~~~~~~~~"},
		{"tab", "\tid", 2, 4, "    id", "    ^~"},
		{"tab stop", "ab\tc", 4, 5, "ab  c", "    ^"},
		{"two tabs", "\t\tx", 3, 4, "        x", "        ^"},
		{"cjk before", "用户 = x", 6, 7, "用户 = x", "       ^"},
		{"cjk range", "a 用户 b", 3, 5, "a 用户 b", "  ^~~~"},
		{"emoji before", "👀 x", 4, 5, "👀 x", "   ^"},
		{"emoji range", "a👀b", 2, 4, "a👀b", " ^~"},
		{"inside surrogate", "a👀b", 3, 4, "a👀b", " ^~"},
		{"combining", "e\u0301 = 1", 4, 5, "e\u0301 = 1", "  ^"},
		{"past end", "abc", 10, 12, "abc", "   ^"},
		{"to end of line", "foo(bar", 4, 0, "foo(bar", "   ^~~~"},
		{"empty range", "abc", 2, 2, "abc", " ^"},
		{"control char", "a\x1bb", 3, 4, `a\x1bb`, "     ^"},
	} {
		t.Run(c.name, func(t *testing.T) {
			endCol := c.endCol
			if endCol != 0 && endCol <= c.col {
				endCol = c.col + 1
			}
			fl := renderFrameLine(c.line, c.col, endCol)
			got := strings.Repeat(" ", fl.caretStart) + caret(fl.caretWidth)
			if fl.text != c.text || got != c.caret {
				t.Errorf("renderFrameLine(%q, %d, %d):\n got %q\n     %q\nwant %q\n     %q", c.line, c.col, c.endCol, fl.text, got, c.text, c.caret)
			}
		})
	}
}

func TestFrameClipsLongLines(t *testing.T) {
	line := strings.Repeat("x", 1000) + "TARGET" + strings.Repeat("y", 1000)
	fl := renderFrameLine(line, 1001, 1007)
	if w := displayWidth(fl.text); w > maxFrameWidth+2 {
		t.Fatalf("clipped line is %d cells", w)
	}
	if !strings.HasPrefix(fl.text, "…") || !strings.HasSuffix(fl.text, "…") {
		t.Errorf("cuts not marked: %q", fl.text)
	}
	if got := string([]rune(fl.text)[fl.caretStart : fl.caretStart+fl.caretWidth]); got != "TARGET" {
		t.Errorf("caret is under %q, want TARGET", got)
	}
	short := renderFrameLine(strings.Repeat("z", 300), 1, 4)
	if fl := short; fl.caretStart != 0 || fl.caretWidth != 3 || strings.HasPrefix(fl.text, "…") {
		t.Errorf("start of a long line: %+v", fl)
	}
}

func TestRuneWidth(t *testing.T) {
	for r, want := range map[rune]int{'a': 1, 'é': 1, '用': 2, '👀': 2, '\u0301': 0, '\u200d': 0, '\ufe0f': 0, 'Ｆ': 2, '✓': 1, '한': 2} {
		if got := runeWidth(r); got != want {
			t.Errorf("runeWidth(%q) = %d, want %d", r, got, want)
		}
	}
}

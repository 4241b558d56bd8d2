package source

import "testing"

func TestPosition(t *testing.T) {
	cases := []struct {
		name, text string
		off        int32
		line, col  int
	}{
		{"start", "abc", 0, 1, 1},
		{"lf", "ab\ncd", 4, 2, 2},
		{"crlf", "ab\r\ncd", 5, 2, 2},
		{"lone cr", "ab\rcd", 4, 2, 2},
		{"bom", "\uFEFFabc", 4, 1, 2},
		{"bmp", "é = x", 3, 1, 3},               // é is 2 bytes, 1 unit
		{"astral", "😀 x", 5, 1, 4},              // 😀 is 4 bytes, 2 units
		{"cjk after crlf", "a\r\n日本x", 9, 2, 3}, // 日本 are 3 bytes, 1 unit each
		{"ls", "a\u2028b", 4, 2, 1},
		{"invalid utf8", "\xff\xfex", 2, 1, 3},
		{"eof", "ab\n", 3, 2, 1},
	}
	for _, c := range cases {
		f := New("/x", "x", c.text)
		line, col := f.Position(c.off)
		if line != c.line || col != c.col {
			t.Errorf("%s: Position(%d) = %d:%d, want %d:%d", c.name, c.off, line, col, c.line, c.col)
		}
	}
}

func TestLineText(t *testing.T) {
	f := New("/x", "x", "one\r\ntwo\nthree")
	for i, want := range []string{"one", "two", "three"} {
		if got := f.LineText(i + 1); got != want {
			t.Errorf("LineText(%d) = %q, want %q", i+1, got, want)
		}
	}
	if f.LineText(0) != "" || f.LineText(4) != "" {
		t.Error("out-of-range lines must be empty")
	}
}

// Package source holds a file's bytes and converts esbuild's byte offsets into
// the positions users and SARIF expect: 1-based lines and 1-based columns counted
// in UTF-16 code units. CRLF, a BOM and non-ASCII text are handled exactly.
package source

import (
	"sort"
	"sync/atomic"
	"unicode/utf8"
)

// File is one source file of the project.
type File struct {
	// Abs is the absolute path on disk; Rel is relative to the run's root, with
	// '/' separators (what findings print).
	Abs, Rel string
	Text     string
	// lines[i] is the byte offset of line i+1, built on first use: most files
	// of a run never report a position, and scanning every file's bytes for
	// line ends cost a tenth of a monorepo's read stage. Building it twice
	// in a race is harmless (same result), so no lock is needed.
	lines atomic.Pointer[[]int32]
}

// New makes a File; its line table is built when a position is first needed.
func New(abs, rel, text string) *File {
	return &File{Abs: abs, Rel: rel, Text: text}
}

// lineStarts returns the line table, building it on first use.
func (f *File) lineStarts() []int32 {
	if p := f.lines.Load(); p != nil {
		return *p
	}
	ls := LineStarts(f.Text)
	f.lines.Store(&ls)
	return ls
}

// LineStarts returns the byte offset at which each line starts. A line ends at
// "\n", "\r\n" or a lone "\r" (as in JavaScript), and at U+2028/U+2029.
func LineStarts(text string) []int32 {
	starts := make([]int32, 1, len(text)/32+1)
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			starts = append(starts, int32(i+1))
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			starts = append(starts, int32(i+1))
		case 0xE2: // U+2028 and U+2029 are E2 80 A8 / E2 80 A9
			if i+2 < len(text) && text[i+1] == 0x80 && (text[i+2] == 0xA8 || text[i+2] == 0xA9) {
				starts = append(starts, int32(i+3))
				i += 2
			}
		}
	}
	return starts
}

// Line returns the 1-based line holding byte offset off.
func (f *File) Line(off int32) int {
	if off < 0 {
		return 1
	}
	ls := f.lineStarts()
	return sort.Search(len(ls), func(i int) bool { return ls[i] > off })
}

// Position converts a byte offset into a 1-based line and 1-based UTF-16 column.
// A BOM at the start of the file is not counted, as editors do not show it.
func (f *File) Position(off int32) (line, col int) {
	if off > int32(len(f.Text)) {
		off = int32(len(f.Text))
	}
	line = f.Line(off)
	start := f.lineStarts()[line-1]
	if line == 1 && len(f.Text) >= 3 && f.Text[:3] == "\uFEFF" && off >= 3 {
		start = 3
	}
	return line, 1 + UTF16Len(f.Text[start:max(off, start)])
}

// UTF16Len counts the UTF-16 code units of s; invalid bytes count one each, as
// a decoder that replaces them with U+FFFD would.
func UTF16Len(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		i += size
	}
	return n
}

// LineText returns line n (1-based) without its terminator.
func (f *File) LineText(n int) string {
	ls := f.lineStarts()
	if n < 1 || n > len(ls) {
		return ""
	}
	start := int(ls[n-1])
	end := len(f.Text)
	if n < len(ls) {
		end = int(ls[n])
	}
	s := f.Text[start:end]
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	if len(s) >= 3 && s[len(s)-3:] == "\u2028" || len(s) >= 3 && s[len(s)-3:] == "\u2029" {
		s = s[:len(s)-3]
	}
	return s
}

// Lines is the number of lines in the file.
func (f *File) Lines() int { return len(f.lineStarts()) }

// LineStart returns the byte offset of 1-based line n.
func (f *File) LineStart(n int) int32 {
	if n < 1 {
		return 0
	}
	ls := f.lineStarts()
	if n > len(ls) {
		return int32(len(f.Text))
	}
	return ls[n-1]
}

// Package source holds a file's bytes and converts esbuild's byte offsets into
// the positions users and SARIF expect: 1-based lines and 1-based columns counted
// in UTF-16 code units. CRLF, a BOM and non-ASCII text are handled exactly.
package source

import (
	"sort"
	"unicode/utf8"
)

// File is one source file of the project.
type File struct {
	// Abs is the absolute path on disk; Rel is relative to the run's root, with
	// '/' separators (what findings print).
	Abs, Rel string
	Text     string
	// lineStarts[i] is the byte offset of line i+1.
	lineStarts []int32
}

// New builds a File and its line table.
func New(abs, rel, text string) *File {
	f := &File{Abs: abs, Rel: rel, Text: text}
	f.lineStarts = LineStarts(text)
	return f
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
	return sort.Search(len(f.lineStarts), func(i int) bool { return f.lineStarts[i] > off })
}

// Position converts a byte offset into a 1-based line and 1-based UTF-16 column.
// A BOM at the start of the file is not counted, as editors do not show it.
func (f *File) Position(off int32) (line, col int) {
	if off > int32(len(f.Text)) {
		off = int32(len(f.Text))
	}
	line = f.Line(off)
	start := f.lineStarts[line-1]
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
	if n < 1 || n > len(f.lineStarts) {
		return ""
	}
	start := int(f.lineStarts[n-1])
	end := len(f.Text)
	if n < len(f.lineStarts) {
		end = int(f.lineStarts[n])
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
func (f *File) Lines() int { return len(f.lineStarts) }

// LineStart returns the byte offset of 1-based line n.
func (f *File) LineStart(n int) int32 {
	if n < 1 {
		return 0
	}
	if n > len(f.lineStarts) {
		return int32(len(f.Text))
	}
	return f.lineStarts[n-1]
}

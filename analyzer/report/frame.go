package report

import (
	"strings"
	"unicode/utf8"
)

// maxFrameWidth bounds a code-frame line in terminal cells. Minified or
// generated code can put a whole bundle on one line; printing it would bury the
// finding, so the frame shows a window around the caret instead.
const maxFrameWidth = 160

// frameLine is one source line rendered for a terminal: tabs expanded, control
// characters escaped, and the caret range converted from UTF-16 columns (what
// findings carry) to terminal cells (what the caret line needs).
type frameLine struct {
	text       string
	caretStart int // in cells, 0-based
	caretWidth int // in cells, >= 1
}

// renderFrameLine expands line for display and locates the 1-based UTF-16
// column range [col, endCol) on it. endCol <= 0 means "to the end of the line"
// (a range that continues on later lines). A column past the end of the line
// puts the caret just after the last character: the position is still worth
// pointing at, and a stale Lines callback must not make the frame disappear.
func renderFrameLine(line string, col, endCol int) frameLine {
	var b strings.Builder
	start, end := -1, -1
	u, d := 0, 0 // UTF-16 units and display cells consumed so far
	c0, c1 := col-1, endCol-1
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		i += size
		units := 1
		if r >= 0x10000 {
			units = 2
		}
		if start < 0 && c0 < u+units {
			start = d
		}
		if end < 0 && endCol > 0 && c1 <= u {
			end = d
		}
		switch {
		case r == '\t':
			n := tabWidth - d%tabWidth
			b.WriteString(strings.Repeat(" ", n))
			d += n
		default:
			before := b.Len()
			writeSafeRune(&b, r, size)
			d += displayWidth(b.String()[before:])
		}
		u += units
		if end < 0 && endCol > 0 && c1 > u-units && c1 < u {
			end = d // the range ends inside a surrogate pair: cover the whole character
		}
	}
	if start < 0 {
		start = d
	}
	if end < 0 {
		end = d
	}
	w := max(end-start, 1)
	return clipFrame(frameLine{text: b.String(), caretStart: start, caretWidth: w})
}

// clipFrame cuts fl down to maxFrameWidth cells around the caret, marking the
// cuts with "…".
func clipFrame(fl frameLine) frameLine {
	total := displayWidth(fl.text)
	if total <= maxFrameWidth {
		return fl
	}
	lo := max(fl.caretStart-maxFrameWidth/4, 0)
	hi := min(lo+maxFrameWidth, total)
	if hi-lo < maxFrameWidth {
		lo = max(hi-maxFrameWidth, 0)
	}
	var b strings.Builder
	shift := -lo
	if lo > 0 {
		b.WriteString("…")
		shift++
	}
	d := 0
	for _, r := range fl.text {
		w := runeWidth(r)
		if d >= lo && d+w <= hi {
			b.WriteRune(r)
		} else if d < lo && d+w > lo {
			// a wide character cut in half: keep the columns aligned
			b.WriteString(strings.Repeat(" ", d+w-lo))
		}
		d += w
	}
	if hi < total {
		b.WriteString("…")
	}
	start := max(fl.caretStart+shift, 0)
	width := max(min(fl.caretWidth, hi-fl.caretStart), 1)
	return frameLine{text: b.String(), caretStart: start, caretWidth: width}
}

func caret(width int) string {
	return "^" + strings.Repeat("~", max(width-1, 0))
}

package report

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tabWidth is the tab stop used when a code frame expands tabs. Frames expand
// tabs themselves (rather than printing them) because the caret line must line
// up under the code whatever the terminal's tab setting is.
const tabWidth = 4

// runeWidth is the number of terminal cells r occupies: 0 for combining marks
// and joiners, 2 for East Asian wide/fullwidth characters and emoji, 1
// otherwise. It is an approximation of wcwidth kept small on purpose: the
// code frame only needs the caret to land under the right character, and
// pulling in a full Unicode width table for that is not worth a dependency.
func runeWidth(r rune) int {
	switch {
	case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF:
		return 0
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF:
		return 0 // variation selectors
	case r < 0x300:
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me):
		return 0
	case isWide(r):
		return 2
	}
	return 1
}

var wideRanges = [...][2]rune{
	{0x1100, 0x115F},   // Hangul Jamo initials
	{0x231A, 0x231B},   // watch, hourglass
	{0x2329, 0x232A},   // angle brackets
	{0x23E9, 0x23EC},   // media symbols
	{0x23F0, 0x23F0},   //
	{0x23F3, 0x23F3},   //
	{0x25FD, 0x25FE},   //
	{0x2614, 0x2615},   //
	{0x2648, 0x2653},   // zodiac
	{0x267F, 0x267F},   //
	{0x2693, 0x2693},   //
	{0x26A1, 0x26A1},   //
	{0x26AA, 0x26AB},   //
	{0x26BD, 0x26BE},   //
	{0x26C4, 0x26C5},   //
	{0x26CE, 0x26CE},   //
	{0x26D4, 0x26D4},   //
	{0x26EA, 0x26EA},   //
	{0x26F2, 0x26F3},   //
	{0x26F5, 0x26F5},   //
	{0x26FA, 0x26FA},   //
	{0x26FD, 0x26FD},   //
	{0x2705, 0x2705},   //
	{0x270A, 0x270B},   //
	{0x2728, 0x2728},   //
	{0x274C, 0x274C},   //
	{0x274E, 0x274E},   //
	{0x2753, 0x2755},   //
	{0x2757, 0x2757},   //
	{0x2795, 0x2797},   //
	{0x27B0, 0x27B0},   //
	{0x27BF, 0x27BF},   //
	{0x2B1B, 0x2B1C},   //
	{0x2B50, 0x2B50},   //
	{0x2B55, 0x2B55},   //
	{0x2E80, 0x303E},   // CJK radicals, punctuation
	{0x3041, 0x33FF},   // kana, CJK symbols
	{0x3400, 0x4DBF},   // CJK extension A
	{0x4E00, 0x9FFF},   // CJK unified ideographs
	{0xA000, 0xA4CF},   // Yi
	{0xA960, 0xA97F},   // Hangul Jamo extended A
	{0xAC00, 0xD7A3},   // Hangul syllables
	{0xF900, 0xFAFF},   // CJK compatibility ideographs
	{0xFE10, 0xFE19},   // vertical forms
	{0xFE30, 0xFE6F},   // CJK compatibility forms
	{0xFF00, 0xFF60},   // fullwidth forms
	{0xFFE0, 0xFFE6},   // fullwidth signs
	{0x16FE0, 0x16FE4}, //
	{0x17000, 0x18CFF}, // Tangut
	{0x1B000, 0x1B2FF}, // kana supplement
	{0x1F004, 0x1F004}, //
	{0x1F0CF, 0x1F0CF}, //
	{0x1F18E, 0x1F18E}, //
	{0x1F191, 0x1F19A}, //
	{0x1F200, 0x1F251}, // enclosed ideographic supplement
	{0x1F300, 0x1F64F}, // pictographs, emoticons
	{0x1F680, 0x1F6FF}, // transport
	{0x1F7E0, 0x1F7EB}, //
	{0x1F90C, 0x1F9FF}, // supplemental symbols
	{0x1FA70, 0x1FAFF}, // symbols extended A
	{0x20000, 0x3FFFD}, // CJK extensions B..
}

func isWide(r rune) bool {
	lo, hi := 0, len(wideRanges)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case r < wideRanges[m][0]:
			hi = m
		case r > wideRanges[m][1]:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// displayWidth is the terminal width of s after sanitize.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

// sanitize makes s safe to print on a terminal: control characters (which a
// crafted file name or source line could use to move the cursor or recolour
// the screen) are shown as \xNN or \u{NNNN} escapes, and invalid UTF-8 as
// U+FFFD. Tabs become a single space here; code frames expand them separately.
func sanitize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7F || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		writeSafeRune(&b, r, size)
	}
	return b.String()
}

func writeSafeRune(b *strings.Builder, r rune, size int) {
	switch {
	case r == utf8.RuneError && size == 1:
		b.WriteRune(utf8.RuneError)
	case r == '\t':
		b.WriteByte(' ')
	case r < 0x20 || r == 0x7F:
		const hex = "0123456789abcdef"
		b.WriteString(`\x`)
		b.WriteByte(hex[r>>4])
		b.WriteByte(hex[r&0xF])
	case r >= 0x80 && r < 0xA0, r == 0x2028, r == 0x2029, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		// C1 controls, line separators and bidi overrides (Trojan Source) are
		// shown, not obeyed.
		b.WriteString(`\u{`)
		b.WriteString(strings.ToUpper(strconv.FormatInt(int64(r), 16)))
		b.WriteByte('}')
	default:
		b.WriteRune(r)
	}
}

// padRight pads s with spaces to width cells (by displayWidth, not bytes, so
// that columns holding non-ASCII names still line up).
func padRight(s string, width int) string {
	if w := displayWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

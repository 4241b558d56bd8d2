package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"

	"github.com/nextguard/nextguard/analyzer/result"
)

const (
	markYes  = "✓"
	markNo   = "✗"
	markNA   = "–" // en dash: the check does not apply
	markNone = "—" // em dash: no value
)

// Inventory writes the attack-surface table of `nextguard actions`: one row
// per entry point with what the analysis established about it. It is for a
// reviewer reading down the ✗ column, so the cells are marks rather than
// words and the columns are aligned by terminal width (names and paths may be
// non-ASCII).
//
// OWNER is "–" when an ownership check cannot apply: the entry point touches
// no sensitive operation or takes no client input (no parameters, no bound
// arguments). VALID is "–" when there is no input to validate. A ✓ always wins,
// so a check the analysis saw is never hidden.
func Inventory(w io.Writer, r *result.Result, o Options) error {
	bw := bufio.NewWriter(w)
	p := newPalette(o.Color)
	eps := sortedEntryPoints(r.EntryPoints)

	header := []string{"KIND", "METHOD", "NAME", "LOCATION", "AUTH", "OWNER", "VALID", "RETURNS"}
	rows := make([][]string, 0, len(eps))
	var actions, routes, api, unauth int
	for _, e := range eps {
		switch e.Kind {
		case result.KindServerAction:
			actions++
		case result.KindRouteHandler:
			routes++
		case result.KindAPIRoute:
			api++
		}
		if !e.Authenticated {
			unauth++
		}
		hasInput := len(e.Params) > 0 || e.BoundArgs > 0
		rows = append(rows, []string{
			sanitize(e.Kind),
			sanitize(orMark(e.Method)),
			sanitize(orName(e.Name)),
			sanitize(position(e.File, e.Line, e.Column)),
			mark(e.Authenticated, true),
			mark(e.Authorized, hasInput && e.Sensitive),
			mark(e.Validated, hasInput),
			returns(e.ReturnsRawRows),
		})
	}

	if len(rows) > 0 {
		widths := make([]int, len(header))
		for i, h := range header {
			widths[i] = displayWidth(h)
		}
		for _, row := range rows {
			for i, c := range row {
				widths[i] = max(widths[i], displayWidth(c))
			}
		}
		writeRow(bw, header, widths, func(_ int, s string) string { return p.bold.Sprint(s) })
		for _, row := range rows {
			writeRow(bw, row, widths, func(i int, s string) string {
				if i < 4 {
					return s // a name or path that happens to read "rows" stays plain
				}
				return colorMark(p, s)
			})
		}
	}

	if !o.Quiet {
		if len(rows) > 0 {
			bw.WriteString("\n")
		}
		fmt.Fprintf(bw, "%s (%s, %s, %s)", plural(len(eps), "entry point", "entry points"),
			plural(actions, "server action", "server actions"),
			plural(routes, "route handler", "route handlers"),
			plural(api, "API route", "API routes"))
		if unauth > 0 {
			fmt.Fprintf(bw, " · %s", p.err.Sprintf("%d without authentication", unauth))
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}

// writeRow pads each cell to its column width before colouring it, so ANSI
// sequences never count towards the width; the last cell is not padded, to
// keep lines free of trailing spaces.
func writeRow(w *bufio.Writer, cells []string, widths []int, paint func(int, string) string) {
	for i, c := range cells {
		if i > 0 {
			w.WriteString("  ")
		}
		pad := ""
		if i < len(cells)-1 {
			pad = strings.Repeat(" ", max(widths[i]-displayWidth(c), 0))
		}
		w.WriteString(paint(i, c))
		w.WriteString(pad)
	}
	w.WriteString("\n")
}

func mark(ok, applies bool) string {
	switch {
	case ok:
		return markYes
	case applies:
		return markNo
	}
	return markNA
}

func colorMark(p *palette, s string) string {
	var c *color.Color
	switch s {
	case markYes:
		c = p.ok
	case markNo, "rows":
		c = p.err
	default:
		return s
	}
	return c.Sprint(s)
}

func orMark(s string) string {
	if s == "" {
		return markNone
	}
	return s
}

func orName(s string) string {
	if s == "" {
		return "<anonymous>"
	}
	return s
}

func returns(raw bool) string {
	if raw {
		return "rows"
	}
	return markNone
}

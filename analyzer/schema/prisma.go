// Package schema reads database schema definitions so rules can tell which
// models carry secrets. raw-orm-return reports a Prisma query returned without a
// `select` as an error only when the model is known to hold sensitive fields
// (password hashes, tokens…), and names those fields in the message; that needs
// the models and their scalar fields, nothing more. So this is a tolerant,
// line-based reader of the Prisma schema language, not a validating parser: it
// must give useful answers for schemas mid-edit and never panic.
package schema

import (
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/nextguard/nextguard/analyzer/result"
)

// Model is a Prisma `model` or `view` block.
type Model struct {
	Name   string
	Fields []Field
	// File is the schema file (as passed to ParsePrisma) and Line the 1-based line
	// of the block header, for related locations in findings.
	File string
	Line int
	// IsView marks `view` blocks (read-only, but their rows leak just the same).
	IsView bool
}

// Field is one field of a model.
type Field struct {
	Name string
	// Type is the base type without `[]` or `?`: "String", "DateTime", "User".
	Type string
	// IsRelation is true when Type names another model (or the field carries
	// @relation): such fields are only returned with `include`, so they are not
	// columns of the row itself.
	IsRelation bool
	IsList     bool
	IsOptional bool
	Line       int
}

// Schema is the set of models of one project, possibly from several files.
type Schema struct {
	// Models is keyed by model name ("User", "ApiKey").
	Models map[string]*Model

	// enumsAndTypes are names of enum and composite-type blocks, which are not
	// relations when used as field types.
	enumsAndTypes map[string]bool
	// accessors maps the Prisma Client accessor (lowerCamel name) to the model.
	accessors map[string]*Model
}

// ByAccessor returns the model behind a Prisma Client property: `prisma.user` is
// model User, `prisma.apiKey` is ApiKey. Prisma derives the accessor by lowering
// the first character of the model name, so that is matched first; a
// case-insensitive match is the fallback for schemas using odd casing.
func (s *Schema) ByAccessor(accessor string) *Model {
	if s == nil || accessor == "" {
		return nil
	}
	if s.accessors != nil {
		if m := s.accessors[accessor]; m != nil {
			return m
		}
	} else {
		for name, m := range s.Models {
			if lowerFirst(name) == accessor {
				return m
			}
		}
	}
	var found *Model
	for _, name := range s.sortedNames() {
		if strings.EqualFold(name, accessor) {
			found = s.Models[name]
			break
		}
	}
	return found
}

// Field returns the named field of m, or nil.
func (m *Model) Field(name string) *Field {
	if m == nil {
		return nil
	}
	for i := range m.Fields {
		if m.Fields[i].Name == name {
			return &m.Fields[i]
		}
	}
	return nil
}

// SensitiveFields lists the scalar fields of m whose names look like secrets (see
// IsSensitive), in declaration order. Relation fields are skipped: a whole-row
// query does not return them.
func (m *Model) SensitiveFields(extra []string) []string {
	if m == nil {
		return nil
	}
	var out []string
	for _, f := range m.Fields {
		if !f.IsRelation && IsSensitive(f.Name, extra) {
			out = append(out, f.Name)
		}
	}
	return out
}

func (s *Schema) sortedNames() []string {
	names := make([]string, 0, len(s.Models))
	for n := range s.Models {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// finish resolves relations against the models now known and rebuilds the
// accessor index. It runs after parsing and again after Merge, because in a
// multi-file schema a relation's target may be declared in another file.
func (s *Schema) finish() {
	s.accessors = make(map[string]*Model, len(s.Models))
	for _, name := range s.sortedNames() {
		m := s.Models[name]
		acc := lowerFirst(name)
		if s.accessors[acc] == nil {
			s.accessors[acc] = m
		}
		for i := range m.Fields {
			f := &m.Fields[i]
			if _, isModel := s.Models[f.Type]; isModel {
				f.IsRelation = true
			}
		}
	}
}

// Merge combines schemas (the files of a multi-file schema, or the schemas of
// several packages). When two define the same model, the first wins.
func Merge(schemas ...*Schema) *Schema {
	out := &Schema{Models: map[string]*Model{}, enumsAndTypes: map[string]bool{}}
	for _, s := range schemas {
		if s == nil {
			continue
		}
		for _, name := range s.sortedNames() {
			if out.Models[name] == nil {
				m := *s.Models[name]
				m.Fields = append([]Field(nil), m.Fields...)
				out.Models[name] = &m
			}
		}
		for n := range s.enumsAndTypes {
			out.enumsAndTypes[n] = true
		}
	}
	out.finish()
	return out
}

// blockKinds are the top-level Prisma blocks. Only model and view carry rows.
var blockKinds = map[string]bool{
	"model": true, "view": true, "enum": true, "type": true,
	"generator": true, "datasource": true,
}

// ParsePrisma reads one .prisma file. Unknown or malformed lines become
// diagnostics and are skipped; everything recognisable is still returned.
func ParsePrisma(file string, text string) (*Schema, []result.Diagnostic) {
	s := &Schema{Models: map[string]*Model{}, enumsAndTypes: map[string]bool{}}
	var diags []result.Diagnostic
	diag := func(line int, msg string) {
		diags = append(diags, result.Diagnostic{File: file, Line: line, Column: 1, Message: msg})
	}
	text = strings.TrimPrefix(text, "\uFEFF")

	var cur *Model // model/view being read
	skipDepth := 0 // brace depth inside a skipped block (enum, generator, …)
	inBlock := false
	blockLine := 0
	lineNo := 0
	for rest := text; len(rest) > 0 || lineNo == 0; {
		lineNo++
		var raw string
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			raw, rest = rest, ""
		}
		l := strings.TrimSpace(stripComment(raw))
		if l == "" {
			if rest == "" {
				break
			}
			continue
		}
		if !inBlock {
			kind, after, _ := strings.Cut(l, " ")
			if !blockKinds[kind] {
				diag(lineNo, "unexpected text outside a block: "+clip(l))
				continue
			}
			// "model Empty {}" opens and closes on one line.
			after = strings.TrimSpace(after)
			empty := false
			if h, ok := strings.CutSuffix(after, "}"); ok && strings.HasSuffix(strings.TrimSpace(h), "{") {
				after, empty = strings.TrimSpace(h), true
			}
			name := strings.TrimSpace(strings.TrimSuffix(after, "{"))
			if !strings.HasSuffix(after, "{") || !isIdent(name) {
				diag(lineNo, "malformed "+kind+" header: "+clip(l))
				continue
			}
			inBlock, blockLine = !empty, lineNo
			switch kind {
			case "model", "view":
				if s.Models[name] != nil {
					diag(lineNo, "duplicate model "+name)
					cur = &Model{} // read and drop
				} else {
					cur = &Model{Name: name, File: file, Line: lineNo, IsView: kind == "view"}
					s.Models[name] = cur
				}
			case "enum", "type":
				s.enumsAndTypes[name] = true
				cur = nil
				skipDepth = 1
			default:
				cur = nil
				skipDepth = 1
			}
			if empty {
				cur, skipDepth = nil, 0
			}
			continue
		}
		if cur == nil { // skipping a non-model block
			skipDepth += braceDelta(l)
			if skipDepth <= 0 {
				inBlock, skipDepth = false, 0
			}
			continue
		}
		if l == "}" || strings.HasPrefix(l, "}") {
			inBlock, cur = false, nil
			continue
		}
		if strings.HasPrefix(l, "@@") {
			continue // block attributes: @@map, @@id, @@index, …
		}
		f, ok := parseField(l)
		if !ok {
			diag(lineNo, "malformed field in model "+cur.Name+": "+clip(l))
			continue
		}
		f.Line = lineNo
		cur.Fields = append(cur.Fields, f)
	}
	if inBlock {
		diag(blockLine, "block is not closed")
	}
	s.finish()
	return s, diags
}

// parseField reads `name Type[]? @attr(...)`.
func parseField(l string) (Field, bool) {
	name, rest, ok := cutSpace(l)
	if !ok || !isIdent(name) {
		return Field{}, false
	}
	typ, attrs, _ := cutSpace(rest)
	f := Field{Name: name}
	if strings.HasPrefix(typ, "Unsupported(") {
		// Unsupported("tsvector") may contain spaces inside the string.
		typ = "Unsupported"
	}
	if t, ok := strings.CutSuffix(typ, "?"); ok {
		typ, f.IsOptional = t, true
	}
	if t, ok := strings.CutSuffix(typ, "[]"); ok {
		typ, f.IsList = t, true
	}
	if !isIdent(typ) {
		return Field{}, false
	}
	f.Type = typ
	if strings.Contains(attrs, "@relation") {
		f.IsRelation = true
	}
	return f, true
}

func cutSpace(s string) (before, after string, ok bool) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, "", s != ""
	}
	return s[:i], strings.TrimSpace(s[i+1:]), true
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// stripComment removes a // or /// comment that is not inside a string literal.
func stripComment(l string) string {
	inStr := false
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '\\':
			if inStr {
				i++
			}
		case '"':
			inStr = !inStr
		case '/':
			if !inStr && i+1 < len(l) && l[i+1] == '/' {
				return l[:i]
			}
		}
	}
	return l
}

// braceDelta counts { minus } outside string literals.
func braceDelta(l string) int {
	d := 0
	inStr := false
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '\\':
			if inStr {
				i++
			}
		case '"':
			inStr = !inStr
		case '{':
			if !inStr {
				d++
			}
		case '}':
			if !inStr {
				d--
			}
		}
	}
	return d
}

func clip(s string) string {
	if len(s) > 60 {
		return strconv.Quote(s[:60] + "…")
	}
	return strconv.Quote(s)
}

// FindPrismaSchemas returns the .prisma files that make up the project's
// schemas: Prisma's default locations (prisma/schema.prisma, schema.prisma, the
// multi-file prisma/schema/ folder), the path configured in a package.json
// ("prisma": {"schema": …}) or a prisma.config.* (schema: "…") anywhere in the
// project, and any .prisma file under a directory named prisma. files lists the
// project's files relative to the root with '/' separators — at least every
// .prisma file, prisma.config.* and package.json (discover.Project.SchemaFiles);
// packageDirs are the package directories ("." for the root). A configured path
// is resolved against the directory of the file that names it, as Prisma does; a
// directory means every .prisma file below it (Prisma's multi-file schema). Paths
// that are absolute or leave the root are ignored, and only listed files are
// returned, so nothing outside the listed tree is ever named. The result is
// sorted and free of duplicates.
func FindPrismaSchemas(files []string, readFile func(string) ([]byte, error), packageDirs []string) []string {
	have := make(map[string]bool, len(files))
	for _, f := range files {
		have[f] = true
	}
	set := map[string]bool{}
	// addPath adds the schema a config file at cfg names with p.
	addPath := func(cfg, p string) {
		p = strings.ReplaceAll(p, "\\", "/")
		if p == "" || path.IsAbs(p) || (len(p) > 1 && p[1] == ':') {
			return // absolute (a container path, C:/…): not this checkout's file
		}
		p = path.Join(path.Dir(cfg), p)
		if p == ".." || strings.HasPrefix(p, "../") {
			return
		}
		if have[p] && strings.HasSuffix(p, ".prisma") {
			set[p] = true
			return
		}
		// A directory: every .prisma file below it (multi-file schemas).
		prefix := p + "/"
		if p == "." {
			prefix = ""
		}
		for _, f := range files {
			if strings.HasPrefix(f, prefix) && strings.HasSuffix(f, ".prisma") && !inNodeModules(f) {
				set[f] = true
			}
		}
	}
	// configured reads a package.json or prisma.config.* and adds its schema.
	done := map[string]bool{}
	configured := func(f string) {
		if readFile == nil || done[f] || inNodeModules(f) {
			return
		}
		done[f] = true
		b, err := readFile(f)
		if err != nil || len(b) > 1<<20 {
			return
		}
		var p string
		if path.Base(f) == "package.json" {
			p = packageJSONSchema(string(b))
		} else {
			p = configSchema(string(b))
		}
		if p != "" {
			addPath(f, p)
		}
	}
	for _, f := range files {
		switch {
		case inNodeModules(f):
		case strings.HasSuffix(f, ".prisma"):
			if underPrisma(f) {
				set[f] = true
			}
		case isPrismaConfig(path.Base(f)), path.Base(f) == "package.json":
			configured(f)
		}
	}
	if len(packageDirs) == 0 {
		packageDirs = []string{"."}
	}
	for _, dir := range packageDirs {
		join := func(p string) string {
			if dir == "." || dir == "" {
				return path.Clean(p)
			}
			return path.Clean(dir + "/" + p)
		}
		if have[join("schema.prisma")] {
			set[join("schema.prisma")] = true
		}
		// A caller listing only .prisma files still has its packages' configuration read.
		configured(join("package.json"))
		for _, cfg := range prismaConfigNames {
			if have[join(cfg)] {
				configured(join(cfg))
			}
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// prismaConfigNames are the names the Prisma CLI loads its configuration from.
var prismaConfigNames = []string{"prisma.config.ts", "prisma.config.mts", "prisma.config.cts",
	"prisma.config.js", "prisma.config.mjs", "prisma.config.cjs"}

func isPrismaConfig(name string) bool {
	for _, n := range prismaConfigNames {
		if name == n {
			return true
		}
	}
	return false
}

func inNodeModules(f string) bool {
	return strings.HasPrefix(f, "node_modules/") || strings.Contains(f, "/node_modules/")
}

// underPrisma reports whether f lies below a directory named "prisma".
func underPrisma(f string) bool {
	return strings.HasPrefix(f, "prisma/") || strings.Contains(f, "/prisma/")
}

// packageJSONSchema extracts "prisma": {"schema": "…"} without a JSON decoder
// dependency on the whole file's validity: a package.json with a syntax error
// elsewhere still names its schema.
func packageJSONSchema(text string) string {
	i := strings.Index(text, `"prisma"`)
	for i >= 0 {
		rest := strings.TrimLeft(text[i+len(`"prisma"`):], " \t\r\n")
		if strings.HasPrefix(rest, ":") {
			rest = strings.TrimLeft(rest[1:], " \t\r\n")
			if strings.HasPrefix(rest, "{") {
				end := strings.IndexByte(rest, '}')
				if end < 0 {
					end = len(rest)
				}
				obj := rest[:end]
				if j := strings.Index(obj, `"schema"`); j >= 0 {
					v := strings.TrimLeft(obj[j+len(`"schema"`):], " \t\r\n")
					if strings.HasPrefix(v, ":") {
						v = strings.TrimLeft(v[1:], " \t\r\n")
						if strings.HasPrefix(v, `"`) {
							if k := strings.IndexByte(v[1:], '"'); k >= 0 {
								return v[1 : k+1]
							}
						}
					}
				}
			}
		}
		next := strings.Index(text[i+1:], `"prisma"`)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return ""
}

// configSchema extracts `schema: "…"` from a prisma.config.*: the first
// `schema` property (a whole word, not in a // comment) whose value is a string
// literal. `schema: path.join(…)` and other computed values give "".
func configSchema(text string) string {
	for off := 0; ; {
		i := strings.Index(text[off:], "schema")
		if i < 0 {
			return ""
		}
		i += off
		off = i + len("schema")
		if i > 0 && isIdentByte(text[i-1]) {
			continue
		}
		lineStart := strings.LastIndexByte(text[:i], '\n') + 1
		if strings.Contains(text[lineStart:i], "//") {
			continue
		}
		v := text[off:]
		if len(v) > 0 && (v[0] == '"' || v[0] == '\'') && i > 0 && text[i-1] == v[0] {
			v = v[1:] // a quoted key: "schema": "…"
		}
		v = strings.TrimLeft(v, " \t\r\n")
		if !strings.HasPrefix(v, ":") {
			continue
		}
		v = strings.TrimLeft(v[1:], " \t\r\n")
		if v == "" || !strings.ContainsRune("\"'`", rune(v[0])) {
			continue
		}
		q := v[0]
		k := strings.IndexByte(v[1:], q)
		if k < 0 {
			return ""
		}
		if s := v[1 : k+1]; q != '`' || !strings.Contains(s, "${") {
			return s
		}
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

package report

import (
	"cmp"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/nextguard/nextguard/analyzer/result"
)

const (
	sarifSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	// InformationURI is the project's home page, written to SARIF and used as
	// the base of every rule's helpUri.
	InformationURI = "https://github.com/nextguard/nextguard"
	// FingerprintKey names our fingerprint in partialFingerprints. The "/v1"
	// lets the fingerprint algorithm change later without GitHub mistaking
	// every old alert for a fixed one and every new one for a new alert.
	FingerprintKey = "nextguard/v1"
	srcRoot        = "%SRCROOT%"
	// maxSARIFResults is GitHub code scanning's per-run limit; an upload over
	// it is rejected whole, so we keep the most severe results and say so.
	maxSARIFResults = 25000
	// maxSARIFTags is GitHub's per-rule tag limit; extra tags are dropped.
	maxSARIFTags = 20
)

// RuleHelpURI is where a rule's documentation lives, for SARIF helpUri and for
// anyone who wants to link to a rule.
func RuleHelpURI(id string) string {
	return InformationURI + "/blob/main/docs/rules/" + id + ".md"
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	Invocations        []sarifInvocation                `json:"invocations"`
	AutomationDetails  *sarifAutomation                 `json:"automationDetails,omitempty"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                    `json:"results"`
	ColumnKind         string                           `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	SemanticVersion string      `json:"semanticVersion"`
	Version         string      `json:"version"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name,omitempty"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 *sarifMultiText `json:"help,omitempty"`
	HelpURI              string          `json:"helpUri"`
	DefaultConfiguration sarifConfig     `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifRuleProps struct {
	Tags      []string `json:"tags"`
	Precision string   `json:"precision,omitempty"`
	// CodeQL writes these two as flat keys with a dot and a dash, and GitHub
	// reads them under exactly those names.
	SecuritySeverity string `json:"security-severity,omitempty"`
	ProblemSeverity  string `json:"problem.severity,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
}

type sarifLocation struct {
	ID               int                    `json:"id,omitempty"`
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	Message          *sarifText             `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int        `json:"startLine"`
	StartColumn int        `json:"startColumn,omitempty"`
	EndLine     int        `json:"endLine,omitempty"`
	EndColumn   int        `json:"endColumn,omitempty"`
	Snippet     *sarifText `json:"snippet,omitempty"`
}

// SARIF writes a SARIF 2.1.0 log with one run, shaped for GitHub code scanning
// (see STYLE "Conventions users will hold us to"):
//
//   - locations are %SRCROOT%-relative, percent-encoded URIs, and columns are
//     UTF-16 code units (columnKind), which is what findings already carry;
//   - partialFingerprints carries our line-independent fingerprint so alerts
//     survive edits elsewhere in the file;
//   - related locations are linked from the message text, because GitHub only
//     shows a related location that the message links to;
//   - a finding whose file is absolute or climbs out of the root ("../") is
//     not a result — GitHub cannot place it and a URI outside %SRCROOT% could
//     point anywhere — but a tool execution notification, so it is not lost;
//   - internal errors make executionSuccessful false and, like every other
//     input error, become notifications.
func SARIF(w io.Writer, r *result.Result, o Options) error {
	version, semver := driverVersion(o.Version, r.Tool.Version)
	rules, ruleIndex := sarifRules(r.Rules)

	inv := sarifInvocation{ExecutionSuccessful: true}
	results := []sarifResult{}
	findings := sortedFindings(r.Findings)
	findings, dropped := capResults(findings)
	for i := range findings {
		f := &findings[i]
		if outsideRoot(f.File) {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level: "warning",
				Message: sarifText{Text: escapeSARIF(fmt.Sprintf(
					"finding %s at %s is outside the project root and is not reported as a result: %s",
					f.RuleID, position(f.File, f.Line, f.Column), f.Message))},
			})
			continue
		}
		idx, ok := ruleIndex[f.RuleID]
		if !ok {
			idx = len(rules)
			ruleIndex[f.RuleID] = idx
			rules = append(rules, sarifRuleFor(result.RuleInfo{ID: f.RuleID, DefaultSeverity: f.Severity}))
		}
		results = append(results, sarifResultFor(f, idx))
	}
	if dropped > 0 {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "warning",
			Message: sarifText{Text: fmt.Sprintf(
				"%d findings of lowest severity were left out: GitHub code scanning accepts at most %d results per run",
				dropped, maxSARIFResults)},
		})
	}
	for _, d := range sortedErrors(r.Errors) {
		n := sarifNotification{Level: "warning", Message: sarifText{Text: escapeSARIF(d.Message)}}
		if d.Internal {
			n.Level = "error"
			inv.ExecutionSuccessful = false
		}
		switch {
		case d.File == "":
		case outsideRoot(d.File):
			n.Message.Text = escapeSARIF(position(d.File, d.Line, d.Column) + ": " + d.Message)
		default:
			n.Locations = []sarifLocation{{PhysicalLocation: physical(result.Location{
				File: d.File, Line: d.Line, Column: d.Column})}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}

	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:            "nextguard",
			SemanticVersion: semver,
			Version:         version,
			InformationURI:  InformationURI,
			Rules:           rules,
		}},
		Invocations: []sarifInvocation{inv},
		Results:     results,
		ColumnKind:  "utf16CodeUnits",
	}
	if o.AutomationID != "" {
		run.AutomationDetails = &sarifAutomation{ID: o.AutomationID}
	}
	if uri, ok := rootURI(r.Root); ok {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{srcRoot: {URI: uri}}
	}
	return writeJSON(w, sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}})
}

// capResults keeps GitHub's per-run maximum, preferring the most severe
// findings, and returns them back in report order.
func capResults(fs []result.Finding) ([]result.Finding, int) {
	if len(fs) <= maxSARIFResults {
		return fs, 0
	}
	idx := make([]int, len(fs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Compare(fs[b].Severity.Rank(), fs[a].Severity.Rank())
	})
	keep := idx[:maxSARIFResults]
	slices.Sort(keep)
	out := make([]result.Finding, len(keep))
	for i, j := range keep {
		out[i] = fs[j]
	}
	return out, len(fs) - len(keep)
}

func sarifRules(infos []result.RuleInfo) ([]sarifRule, map[string]int) {
	infos = slices.Clone(infos)
	slices.SortStableFunc(infos, func(a, b result.RuleInfo) int { return strings.Compare(a.ID, b.ID) })
	rules := make([]sarifRule, 0, len(infos))
	index := make(map[string]int, len(infos))
	for _, ri := range infos {
		if _, dup := index[ri.ID]; dup || ri.ID == "" {
			continue
		}
		index[ri.ID] = len(rules)
		rules = append(rules, sarifRuleFor(ri))
	}
	return rules, index
}

func sarifRuleFor(ri result.RuleInfo) sarifRule {
	short := cmp.Or(ri.Short, ri.Name, ri.ID)
	rule := sarifRule{
		ID:                   ri.ID,
		Name:                 cmp.Or(ri.Name, ri.ID),
		ShortDescription:     sarifText{Text: short},
		FullDescription:      sarifText{Text: cmp.Or(ri.Full, short)},
		HelpURI:              RuleHelpURI(ri.ID),
		DefaultConfiguration: sarifConfig{Level: sarifLevel(ri.DefaultSeverity)},
		Properties: sarifRuleProps{
			Tags:            ruleTags(ri),
			Precision:       ri.Precision,
			ProblemSeverity: problemSeverity(ri.DefaultSeverity),
		},
	}
	if text := cmp.Or(ri.HelpText, ri.Help); text != "" {
		rule.Help = &sarifMultiText{Text: text, Markdown: ri.Help}
	}
	if ri.SecuritySeverity > 0 {
		rule.Properties.SecuritySeverity = strconv.FormatFloat(ri.SecuritySeverity, 'f', 1, 64)
	}
	return rule
}

// ruleTags puts "security" first (GitHub only uses security-severity for rules
// tagged so) and CWEs in CodeQL's external/cwe/cwe-NNN form, which GitHub
// turns into CWE links.
func ruleTags(ri result.RuleInfo) []string {
	tags := []string{"security"}
	seen := map[string]bool{"security": true}
	add := func(t string) {
		if t != "" && !seen[t] && len(tags) < maxSARIFTags {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	for _, c := range ri.CWE {
		c = strings.ToLower(strings.TrimSpace(c))
		c = strings.TrimPrefix(strings.TrimPrefix(c, "external/cwe/"), "cwe-")
		if c != "" {
			add("external/cwe/cwe-" + c)
		}
	}
	for _, t := range ri.Tags {
		add(t)
	}
	return tags
}

func sarifLevel(s result.Severity) string {
	switch s {
	case result.Error:
		return "error"
	case result.Note:
		return "note"
	}
	return "warning"
}

func problemSeverity(s result.Severity) string {
	switch s {
	case result.Error:
		return "error"
	case result.Note:
		return "recommendation"
	}
	return "warning"
}

func sarifResultFor(f *result.Finding, ruleIndex int) sarifResult {
	res := sarifResult{
		RuleID:    f.RuleID,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(f.Severity),
		Locations: []sarifLocation{{PhysicalLocation: physical(f.Location)}},
	}
	if f.Fingerprint != "" {
		res.PartialFingerprints = map[string]string{FingerprintKey: f.Fingerprint}
	}
	var links, outside []string
	for _, rel := range f.Related {
		if outsideRoot(rel.File) {
			outside = append(outside, position(rel.File, rel.Line, rel.Column))
			continue
		}
		id := len(res.RelatedLocations) + 1
		loc := sarifLocation{ID: id, PhysicalLocation: physical(rel.Location)}
		label := "related location " + strconv.Itoa(id)
		if rel.Message != "" {
			loc.Message = &sarifText{Text: escapeSARIF(rel.Message)}
			label = rel.Message
		}
		res.RelatedLocations = append(res.RelatedLocations, loc)
		links = append(links, "["+escapeSARIF(label)+"]("+strconv.Itoa(id)+")")
	}
	res.Message = sarifText{Text: sarifMessage(f.Message, f.Help, links, outside)}
	return res
}

// sarifMessage links the related locations from the first paragraph of the
// message, just before its final full stop, so that they read as part of the
// sentence that explains them ("… comes from `formData.get('id')` (see [the id
// comes from here](1)).") and GitHub renders them as links.
func sarifMessage(msg, help string, links, outside []string) string {
	text := escapeSARIF(msg)
	var refs []string
	if len(links) > 0 {
		refs = append(refs, "see "+strings.Join(links, ", "))
	}
	if len(outside) > 0 {
		refs = append(refs, "outside the project: "+escapeSARIF(strings.Join(outside, ", ")))
	}
	if len(refs) > 0 {
		ref := " (" + strings.Join(refs, "; ") + ")"
		first, rest, hasRest := strings.Cut(text, "\n\n")
		if strings.HasSuffix(first, ".") {
			first = first[:len(first)-1] + ref + "."
		} else {
			first += ref
		}
		text = first
		if hasRest {
			text += "\n\n" + rest
		}
	}
	if help != "" {
		text += "\n\nHow to fix: " + escapeSARIF(help)
	}
	return text
}

// escapeSARIF escapes the characters SARIF message text gives a meaning to:
// '[' and ']' start embedded links (§3.11.6), so a literal one — a dynamic
// route such as app/[id]/page.tsx in a message — must be preceded by '\', as
// must a '\' that would otherwise escape a bracket.
func escapeSARIF(s string) string {
	if !strings.ContainsAny(s, "[]") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '[', ']':
			b.WriteByte('\\')
		case '\\':
			if i+1 < len(s) && (s[i+1] == '[' || s[i+1] == ']' || s[i+1] == '\\') {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func physical(l result.Location) *sarifPhysicalLocation {
	p := &sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{
		URI:       encodeURIPath(path.Clean(l.File), false),
		URIBaseID: srcRoot,
	}}
	if l.Line < 1 {
		return p
	}
	reg := &sarifRegion{StartLine: l.Line, StartColumn: max(l.Column, 0)}
	if l.EndLine > l.Line || l.EndLine == l.Line && (l.Column < 1 || l.EndColumn >= l.Column) {
		reg.EndLine = l.EndLine
		if l.EndColumn >= 1 {
			reg.EndColumn = l.EndColumn
		}
	}
	if l.Snippet != "" {
		reg.Snippet = &sarifText{Text: l.Snippet}
	}
	p.Region = reg
	return p
}

// outsideRoot reports whether a result path cannot be expressed relative to
// %SRCROOT%: empty, absolute (Unix, Windows drive or UNC) or climbing out with
// "..". Such a URI would let a crafted path point GitHub outside the checkout.
func outsideRoot(file string) bool {
	if file == "" || file[0] == '/' || file[0] == '\\' || hasDrive(file) {
		return true
	}
	c := path.Clean(strings.ReplaceAll(file, `\`, "/"))
	return c == "." || c == ".." || strings.HasPrefix(c, "../")
}

func hasDrive(p string) bool {
	return len(p) >= 2 && p[1] == ':' && ('a' <= p[0]|0x20 && p[0]|0x20 <= 'z')
}

// rootURI turns the absolute scan root into the file: URI of %SRCROOT%, with
// a trailing slash so that relative URIs resolve under it rather than beside
// it. A relative or empty root is left out: SARIF requires an absolute URI
// there, and a reporter must not consult the working directory to make one.
func rootURI(root string) (string, bool) {
	switch {
	case root == "":
		return "", false
	case hasDrive(root) && len(root) >= 3 && (root[2] == '\\' || root[2] == '/'):
		root = "/" + strings.ReplaceAll(root, `\`, "/")
	case root[0] != '/':
		return "", false
	}
	root = path.Clean(root)
	if !strings.HasSuffix(root, "/") {
		root += "/"
	}
	return "file://" + encodeURIPath(root, true), true
}

// encodeURIPath percent-encodes a slash-separated path for a URI. It keeps
// unreserved characters, '/' and the sub-delimiters that are legal in a path
// segment (so "app/(admin)/page.tsx" stays readable), and encodes everything
// else: space, '#', '%', '?', '[', ']', '\', controls and non-ASCII bytes
// (UTF-8). ':' is encoded in relative references because "a:b.ts" would
// otherwise parse as a URI with scheme "a"; keepColon allows it in an absolute
// file: URI's drive letter.
func encodeURIPath(p string, keepColon bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if uriSafe(c) || c == ':' && keepColon {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xF])
	}
	return b.String()
}

func uriSafe(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~/!$&'()*+,;=@", c) >= 0
}

var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// driverVersion picks the version to report and a semanticVersion that is
// really semver (SARIF requires it; Go build info may say "(devel)").
func driverVersion(opt, fromResult string) (version, semver string) {
	const dev = "0.0.0-dev"
	version = cmp.Or(opt, fromResult, dev)
	semver = strings.TrimPrefix(version, "v")
	if !semverRE.MatchString(semver) {
		semver = dev
	}
	return version, semver
}

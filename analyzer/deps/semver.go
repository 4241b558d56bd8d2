package deps

import "strings"

// Version is a parsed semantic version. Advisory ranges for next include
// canary prereleases (14.3.0-canary.77), so plain numeric comparison is not
// enough: a prerelease sorts before its release and its identifiers compare
// numerically or lexically as SemVer 2.0 §11 says. A comparator this small is
// cheaper to own than a module dependency that every other package would share.
type Version struct {
	Major, Minor, Patch int
	// Pre holds the dot-separated prerelease identifiers ("canary", "77").
	Pre []string
}

// ParseVersion accepts "1.2.3", "v1.2.3", "=1.2.3", "1.2.3-canary.4" and
// "1.2.3+build" (build metadata is ignored, as SemVer precedence ignores it).
// Anything else — ranges, tags, URLs — is rejected, because a rule that guesses
// an installed version from a range would report versions nobody runs.
func ParseVersion(s string) (Version, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "=")
	s = strings.TrimPrefix(s, "v")
	if i := strings.IndexByte(s, '+'); i >= 0 {
		s = s[:i]
	}
	var v Version
	core, pre, hasPre := strings.Cut(s, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return Version{}, false
	}
	nums := [3]*int{&v.Major, &v.Minor, &v.Patch}
	for i, p := range parts {
		n, ok := atoi(p)
		if !ok {
			return Version{}, false
		}
		*nums[i] = n
	}
	if hasPre {
		if pre == "" {
			return Version{}, false
		}
		v.Pre = strings.Split(pre, ".")
		for _, id := range v.Pre {
			if id == "" || !validIdent(id) {
				return Version{}, false
			}
		}
	}
	return v, true
}

func validIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

// atoi parses a non-negative decimal without leading signs; it caps the value so
// fuzzed input cannot overflow into a negative number.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Compare returns -1, 0 or +1 by SemVer precedence.
func (a Version) Compare(b Version) int {
	if c := cmpInt(a.Major, b.Major); c != 0 {
		return c
	}
	if c := cmpInt(a.Minor, b.Minor); c != 0 {
		return c
	}
	if c := cmpInt(a.Patch, b.Patch); c != 0 {
		return c
	}
	switch {
	case len(a.Pre) == 0 && len(b.Pre) == 0:
		return 0
	case len(a.Pre) == 0:
		return 1
	case len(b.Pre) == 0:
		return -1
	}
	for i := 0; i < len(a.Pre) && i < len(b.Pre); i++ {
		x, y := a.Pre[i], b.Pre[i]
		xn, xnum := atoi(x)
		yn, ynum := atoi(y)
		switch {
		case xnum && ynum:
			if c := cmpInt(xn, yn); c != 0 {
				return c
			}
		case xnum:
			return -1
		case ynum:
			return 1
		default:
			if c := strings.Compare(x, y); c != 0 {
				return c
			}
		}
	}
	return cmpInt(len(a.Pre), len(b.Pre))
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CompareVersions compares two version strings; ok is false when either does not
// parse, so callers never treat garbage as "older than everything".
func CompareVersions(a, b string) (c int, ok bool) {
	va, ok1 := ParseVersion(a)
	vb, ok2 := ParseVersion(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	return va.Compare(vb), true
}

// IsExact reports whether a package.json range pins one version ("15.2.1",
// "=15.2.1", "v15.2.1"). Only then may a missing lockfile be replaced by the range.
func IsExact(spec string) bool {
	_, ok := ParseVersion(spec)
	return ok
}

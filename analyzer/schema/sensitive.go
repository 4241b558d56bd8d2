package schema

import (
	"strings"
	"unicode"
)

// sensitiveTokens mark a field as a secret wherever they appear in its name:
// passwordHash, hashed_password, clientSecret, twoFactorSecret, salt, otp.
var sensitiveTokens = map[string]bool{
	"password": true, "passwd": true, "passphrase": true, "passcode": true,
	"secret": true, "secrets": true, "passwords": true,
	"hash": true, "hashed": true, "salt": true,
	"token": true, // accessToken, refresh_token, id_token, sessionToken, resetToken…
	"otp":   true, "totp": true, "hotp": true,
	"apikey": true, "privatekey": true, "credential": true, "credentials": true,
}

// sensitivePairs are two-token names that are secrets although neither token is:
// apiKey, privateKey, recoveryCodes, verificationCode.
var sensitivePairs = map[[2]string]bool{
	{"api", "key"}: true, {"private", "key"}: true, {"access", "key"}: true,
	{"signing", "key"}: true, {"encryption", "key"}: true, {"secret", "key"}: true,
	{"recovery", "codes"}: true, {"recovery", "code"}: true,
	{"backup", "codes"}: true, {"backup", "code"}: true,
	{"verification", "code"}: true, {"reset", "code"}: true,
	{"mfa", "secret"}: true,
}

// metadataSuffixes end names that describe a secret without holding it:
// tokenCount, tokensUsed, passwordChangedAt, resetTokenExpiry, hashAlgorithm,
// tokenId. Returning them leaks nothing worth a finding.
var metadataSuffixes = map[string]bool{
	"count": true, "used": true, "at": true, "expires": true, "expiry": true,
	"expiration": true, "enabled": true, "required": true, "length": true,
	"type": true, "algorithm": true, "algo": true, "id": true, "version": true,
	"set": true, "changed": true, "updated": true, "created": true, "hint": true,
	"limit": true, "remaining": true, "rotated": true,
}

// IsSensitive reports whether a field name looks like it holds a secret. Names
// are split into lowercase tokens at camelCase, snake_case, kebab-case and
// digit boundaries, and tokens are matched, never substrings: "tokenizer" and
// "hashtag" are single tokens and do not match, while "refresh_token" and
// "sessionToken" do. A name ending in a metadata word (tokenCount,
// passwordChangedAt, tokenId) is not sensitive.
//
// Deliberate choices: "tokens" alone is not sensitive (in practice a usage
// count or a relation list, e.g. tokensUsed or `tokens Token[]`); "pin" is not
// matched (too short: pinned, pinCode…), nor is "key" alone (sortKey,
// publicKey, idempotencyKey) or a customer id such as stripeCustomerId.
// extra holds user-configured names, matched case-insensitively as whole names
// or as token sequences ("ssn" matches userSsn).
func IsSensitive(field string, extra []string) bool {
	toks := tokens(field)
	if len(toks) == 0 {
		return false
	}
	for _, e := range extra {
		if strings.EqualFold(e, field) {
			return true
		}
		if et := tokens(e); len(et) > 0 && containsSeq(toks, et) {
			return true
		}
	}
	if metadataSuffixes[toks[len(toks)-1]] && len(toks) > 1 {
		return false
	}
	for i, t := range toks {
		if sensitiveTokens[t] {
			return true
		}
		if i+1 < len(toks) && sensitivePairs[[2]string{t, toks[i+1]}] {
			return true
		}
	}
	return false
}

// tokens splits an identifier: "passwordHash" → [password hash],
// "APIKey" → [api key], "refresh_token" → [refresh token], "totp2fa" → [totp 2fa].
func tokens(s string) []string {
	var out []string
	rs := []rune(s)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := rs[i-1]
		switch {
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush(i) // passwordHash
			start = i
		case unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			flush(i) // APIKey → API|Key
			start = i
		case unicode.IsDigit(r) && unicode.IsLetter(prev):
			flush(i) // totp2fa → totp|2fa
			start = i
		}
	}
	flush(len(rs))
	return out
}

func containsSeq(toks, seq []string) bool {
	for i := 0; i+len(seq) <= len(toks); i++ {
		match := true
		for j := range seq {
			if toks[i+j] != seq[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

package rules

import "testing"

func TestAuthFlowNames(t *testing.T) {
	cases := map[string]authFlow{
		"signUp": flowSignUp, "handleSignUp": flowSignUp, "register_action": flowSignUp, "createAccountAction": flowSignUp,
		"signUpEmail": flowSignUp, "resetPasswordForEmail": flowReset, "forgotPasswordAction": flowReset,
		"requestPasswordReset": flowReset, "signInWithOtp": flowOTP, "sendMagicLink": flowOTP, "verifyOtp": flowOTP,
		"signInWithPassword": flowSignIn, "login": flowSignIn, "authenticate": flowSignIn,
		"signOut": flowBenign, "logout": flowBenign,
		"getUser": flowNone, "createPost": flowNone, "sendInvoice": flowNone,
	}
	for name, want := range cases {
		if got := authFlowNames[normaliseFlowName(name)]; got != want {
			t.Errorf("%s: flow %d, want %d", name, got, want)
		}
	}
}

func TestRateLimiterName(t *testing.T) {
	for name, want := range map[string]bool{
		"rateLimit": true, "checkRateLimit": true, "ratelimit.limit": true, "limiter.consume": true, "throttle": true,
		"applyRateLimiter": true, "limit": false, "protect": false, "sendEmail": false, "delimiter": false, "loginLimiter.check": true,
	} {
		if got := rateLimiterName(name); got != want {
			t.Errorf("rateLimiterName(%q) = %v, want %v", name, got, want)
		}
	}
}

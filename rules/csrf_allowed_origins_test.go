package rules

import "testing"

func TestPermissiveOrigin(t *testing.T) {
	bad := []string{"*", "**", "null", "NULL", "*.com", "**.com", "*.co.uk", "*.vercel.app", "**.vercel.app", "*-preview.vercel.app",
		"*.pages.dev", "app.*.com", "example.*", "*.*.*.*", "1.2.*.*", "*.com:443", "*.ngrok-free.app", "foo.*.github.io"}
	good := []string{"", "example.com", "app.example.com:3000", "*.example.com", "**.example.co.uk", "myapp.vercel.app",
		"localhost:3000", "192.168.*.*", "10.*.*.*", "172.20.*.*", "https://*.com", "app.*.example.com", "*.myapp.vercel.app"}
	for _, s := range bad {
		if why, ok := permissiveOrigin(s); !ok || why == "" {
			t.Errorf("%q: not reported", s)
		}
	}
	for _, s := range good {
		if why, ok := permissiveOrigin(s); ok {
			t.Errorf("%q: reported: %s", s, why)
		}
	}
}

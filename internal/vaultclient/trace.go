package vaultclient

import (
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// traceRequests logs every HTTP request the client sends at TRACE: method,
// path, status (or the transport's error) and duration, for a user reading
// TF_LOG=TRACE. Never a body, a header or a query string: the token travels
// in a header, and bodies hold policies and metadata.
type traceRequests struct{ next http.RoundTripper }

func (t traceRequests) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"method":      req.Method,
		"path":        req.URL.Path,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
	} else {
		fields["status"] = resp.StatusCode
	}
	tflog.Trace(req.Context(), "Vault request", fields)
	return resp, err
}

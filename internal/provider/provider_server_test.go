package provider

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type requestPayloadKey struct{}

// The server must not keep a request's context once the RPC has returned:
// the framework's own server keeps every one until StopProvider, which made
// the provider's memory grow with the number of apps. Each request carries
// a value whose cleanup runs only once nothing references that request.
func TestServerReleasesRequestContexts(t *testing.T) {
	srv := NewServer("test")()
	const requests = 100
	var freed atomic.Int64
	for i := range requests {
		payload := new([4096]byte)
		runtime.AddCleanup(payload, func(n *atomic.Int64) { n.Add(1) }, &freed)
		ctx := context.WithValue(context.Background(), requestPayloadKey{}, payload)
		// Alternate two of the wrapped RPCs; neither needs a configured
		// provider to reach the framework's context registration.
		if i%2 == 0 {
			_, _ = srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "vaultboot_app_secret_path"})
		} else {
			_, _ = srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "vaultboot_app_secret_path"})
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for freed.Load() < requests && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	// A payload can stay reachable for a moment from a stale stack slot;
	// the framework's leak keeps every one.
	if got := freed.Load(); got < requests*9/10 {
		t.Fatalf("%d of %d request contexts were released after their RPC returned: the server keeps requests alive", got, requests)
	}
	// The provider still works after its requests were released.
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || resp.ResourceSchemas["vaultboot_app_secret_path"] == nil {
		t.Fatalf("GetProviderSchema after released requests: %v, %v", err, resp.Diagnostics)
	}
}

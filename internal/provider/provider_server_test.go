//lint:file-ignore SA1019 the optional RPC sets plugin-go deprecates are what this file tests

package provider

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
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

// optionalRPCSets are plugin-go's optional server interfaces, which it
// finds by type assertion. The wrapper must offer exactly those the
// framework's server offers: one it drops is silently unavailable.
var optionalRPCSets = map[string]reflect.Type{
	"ProviderServerWithListResource": reflect.TypeFor[tfprotov6.ProviderServerWithListResource](),
	"ProviderServerWithActions":      reflect.TypeFor[tfprotov6.ProviderServerWithActions](),
	"ProviderServerWithStateStores":  reflect.TypeFor[tfprotov6.ProviderServerWithStateStores](),
}

func TestServerKeepsOptionalRPCSets(t *testing.T) {
	declared := providerServerInterfaces(t)
	for _, name := range declared {
		if _, ok := optionalRPCSets[name]; !ok {
			t.Errorf("tfprotov6 declares %s, which this test does not check: add it to optionalRPCSets (and to frameworkServer if the framework serves it)", name)
		}
	}
	if len(declared) != len(optionalRPCSets) {
		t.Errorf("tfprotov6 declares %v, the test checks %d sets", declared, len(optionalRPCSets))
	}
	framework := reflect.TypeOf(providerserver.NewProtocol6(New("test")())())
	wrapper := reflect.TypeOf(NewServer("test")())
	for name, iface := range optionalRPCSets {
		if framework.Implements(iface) != wrapper.Implements(iface) {
			t.Errorf("%s: the framework's server implements it: %v, the wrapper: %v", name, framework.Implements(iface), wrapper.Implements(iface))
		}
	}
}

// providerServerInterfaces lists the ProviderServerWith* interfaces the
// tfprotov6 package this module builds with declares, read from its source.
func providerServerInterfaces(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.Dir}}", "github.com/hashicorp/terraform-plugin-go/tfprotov6").Output()
	if err != nil {
		t.Fatalf("go list tfprotov6: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				ts, ok := spec.(*ast.TypeSpec)
				if !ok || !strings.HasPrefix(ts.Name.Name, "ProviderServerWith") {
					continue
				}
				if _, isIface := ts.Type.(*ast.InterfaceType); isIface {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("found no ProviderServerWith* interface in tfprotov6: the parse is broken")
	}
	return names
}

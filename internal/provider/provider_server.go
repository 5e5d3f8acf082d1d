package provider

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewServer returns the factory of the provider's protocol 6 server: the
// framework's server, with every per-resource RPC's context released once
// the RPC has returned (see releasingServer).
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return releasingServer{frameworkServer: providerserver.NewProtocol6(New(version)())().(frameworkServer)}
	}
}

// frameworkServer is what the framework's server implements, so the
// optional RPC sets plugin-go looks for by type assertion pass through: an
// embedded interface that left one out would hide it from Terraform.
// TestServerKeepsOptionalRPCSets fails when plugin-go adds a set the
// framework serves and this list lacks. plugin-go marks these interfaces
// deprecated because it will fold them into ProviderServer; until it does,
// they are how Terraform finds the RPCs.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ProviderServerWithListResource //lint:ignore SA1019 still how plugin-go finds these RPCs
	tfprotov6.ProviderServerWithActions      //lint:ignore SA1019 still how plugin-go finds these RPCs
	tfprotov6.ProviderServerWithStateStores  //lint:ignore SA1019 still how plugin-go finds these RPCs
}

// releasingServer works around the framework's server keeping every RPC's
// context until StopProvider: each RPC derives a cancellable context from
// the request's and appends its cancel function to a slice only StopProvider
// empties (terraform-plugin-framework v1.19.0, registerContext in
// https://github.com/hashicorp/terraform-plugin-framework/blob/v1.19.0/internal/proto6server/serve.go),
// so the whole request (gRPC stream, metadata, the
// per-request loggers) stayed reachable for the life of the process: about
// 15 KiB per RPC, 4 RPCs per app in a plan, the provider's memory growing
// with N (a heap dump of a no-op plan of 500 apps traced the retained
// streams to that slice). Here the framework gets a context that forwards to
// the request's while the RPC runs and is cut loose from it when the RPC
// returns, so what the slice keeps is a few hundred bytes per RPC. Only the
// RPCs Terraform makes per resource instance or data source are wrapped; the
// others come a fixed number of times per run.
type releasingServer struct {
	frameworkServer
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return released(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return released(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return released(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.MoveResourceState)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return released(ctx, req, s.frameworkServer.ReadDataSource)
}

// released runs rpc with a context that lets go of ctx when rpc returns.
func released[Req, Resp any](ctx context.Context, req Req, rpc func(context.Context, Req) (Resp, error)) (Resp, error) {
	r := &releasableContext{}
	r.ctx.Store(&ctx)
	defer r.ctx.Store(&finished)
	return rpc(r, req)
}

// finished is what a released context answers with: the RPC is over, so
// it is cancelled, has no deadline and carries no values.
var finished = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// releasableContext forwards to one context until it is released. Value
// forwards the standard library's lookup of the parent cancelCtx too, so a
// context derived from it registers with the request's cancellation
// directly, without a goroutine.
type releasableContext struct {
	ctx atomic.Pointer[context.Context]
}

func (r *releasableContext) load() context.Context { return *r.ctx.Load() }

func (r *releasableContext) Deadline() (time.Time, bool) { return r.load().Deadline() }
func (r *releasableContext) Done() <-chan struct{}       { return r.load().Done() }
func (r *releasableContext) Err() error                  { return r.load().Err() }
func (r *releasableContext) Value(key any) any           { return r.load().Value(key) }

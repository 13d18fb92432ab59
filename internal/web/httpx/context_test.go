package httpx

import (
	"context"
	"testing"

	"xinyong/internal/auth"
)

func TestRequestState(t *testing.T) {
	ctx := WithRequest(context.Background(), "r-1")
	if RequestID(ctx) != "r-1" || PrincipalOf(ctx) != auth.Public {
		t.Fatalf("fresh state: %q %+v", RequestID(ctx), PrincipalOf(ctx))
	}
	op := auth.Principal{Role: auth.RoleOperator, Name: "op"}
	if !SetPrincipal(ctx, op) || PrincipalOf(ctx) != op {
		t.Fatalf("principal not recorded: %+v", PrincipalOf(ctx))
	}
	// An explicit principal further down wins (e.g. a handler acting as
	// someone else).
	sys := auth.Principal{Role: auth.RoleSystem, Name: "sys"}
	if got := PrincipalOf(WithPrincipal(ctx, sys)); got != sys {
		t.Errorf("explicit principal lost: %+v", got)
	}
	if SetPrincipal(context.Background(), op) {
		t.Errorf("principal recorded without a request state")
	}
	if RequestID(WithRequestID(context.Background(), "r-2")) != "r-2" || RequestID(context.Background()) != "" {
		t.Errorf("request id")
	}
}

// TestRequestIsContext: a Request embedded elsewhere (as package web does)
// carries its parent's values and cancellation.
func TestRequestIsContext(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	var box struct {
		n   int
		req Request
	}
	box.req.Init(parent, "r-3")
	var ctx context.Context = &box.req
	if RequestID(ctx) != "r-3" || ctx.Value(key{}) != "v" {
		t.Fatalf("values: %q %v", RequestID(ctx), ctx.Value(key{}))
	}
	op := auth.Principal{Role: auth.RoleOperator, Name: "op"}
	child, stop := context.WithCancel(ctx)
	defer stop()
	if !SetPrincipal(child, op) || PrincipalOf(ctx) != op {
		t.Fatalf("principal through a child context: %+v", PrincipalOf(ctx))
	}
	cancel()
	<-child.Done()
	if ctx.Err() == nil {
		t.Errorf("not cancelled with its parent")
	}
}

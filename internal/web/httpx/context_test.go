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

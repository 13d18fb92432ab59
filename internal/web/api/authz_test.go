package api_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"xinyong/internal/auth"
	"xinyong/internal/store"
	"xinyong/internal/web/api"
	"xinyong/internal/xtest"
)

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// TestAuthorization calls every route as every role and checks that the
// guard admits exactly the roles the route table names: the others get 401
// (the public) or 403 (signed-in roles), before the handler runs.
func TestAuthorization(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		srv := xtest.NewServer(t, s)
		roles := []auth.Role{auth.RolePublic, auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer, auth.RoleSystem, auth.RoleSubject}
		for _, rt := range api.Routes(srv.Deps) {
			path := pathParam.ReplaceAllStringFunc(rt.Path, func(m string) string {
				switch m {
				case "{code}":
					return srv.SubjectCode
				default:
					return "1"
				}
			})
			for _, role := range roles {
				t.Run(fmt.Sprintf("%s %s as %s", rt.Method, rt.Path, role), func(t *testing.T) {
					var body any
					if rt.Method != http.MethodGet && rt.Method != http.MethodDelete {
						body = "{}"
					}
					res := srv.Do(t, role, rt.Method, path, body)
					allowed := rt.Roles == nil || slices.Contains(rt.Roles, role)
					code := ""
					if res.Status >= 400 {
						code, _ = res.Problem(t)
					}
					refused := code == "auth.required" || code == "auth.forbidden"
					switch {
					case allowed && refused:
						t.Fatalf("role %s should pass the guard, got %d %s", role, res.Status, code)
					case !allowed && !refused:
						t.Fatalf("role %s must be refused, got %d %s", role, res.Status, res.Body)
					case !allowed && role == auth.RolePublic && res.Status != 401:
						t.Fatalf("public must get 401, got %d", res.Status)
					case !allowed && role != auth.RolePublic && res.Status != 403:
						t.Fatalf("%s must get 403, got %d", role, res.Status)
					}
				})
			}
		}
	})
}

package graph

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"

	"github.com/postclear/postclear/graph/model"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/postclear"
)

// allow implements the @allow directive: every Query and Mutation field
// names the permission it needs, so a field cannot be added without
// deciding who may call it.
func allow(ctx context.Context, _ any, next graphql.Resolver, to model.Permission) (any, error) {
	if err := permitted(ctx, to); err != nil {
		return nil, err
	}
	return next(ctx)
}

// permitted checks the caller in ctx against a permission. A request
// without a principal was not authenticated and is refused: the auth
// middleware always sets one (the local administrator when auth is off).
func permitted(ctx context.Context, to model.Permission) error {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return postclear.Errorf(auth.EUnauthenticated, "authentication required")
	}
	var ok2 bool
	switch to {
	case model.PermissionRead:
		ok2 = p.CanRead()
	case model.PermissionIngest:
		ok2 = p.CanIngest()
	case model.PermissionAdmin:
		ok2 = p.CanAdmin()
	}
	if !ok2 {
		return postclear.Errorf(postclear.EForbidden, "role %s may not %s", p.Role, permissionVerb[to])
	}
	return nil
}

var permissionVerb = map[model.Permission]string{
	model.PermissionRead:   "read KPIs or MoUs",
	model.PermissionIngest: "ingest records",
	model.PermissionAdmin:  "change MoUs or their commitments",
}

// withScope turns the authenticated caller into the data scope every
// query the server sends to the engine enforces (postclear.ScopeFrom).
func withScope(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := auth.FromContext(r.Context()); ok {
			r = r.WithContext(withPrincipalScope(r.Context(), p))
			if p.CanAdmin() {
				showServerTiming(r.Context())
			}
		}
		next.ServeHTTP(w, r)
	})
}

// withPrincipalScope is ctx with p's data scope, when p has one.
func withPrincipalScope(ctx context.Context, p auth.Principal) context.Context {
	if !p.Scoped() {
		return ctx
	}
	return postclear.WithScope(ctx, postclear.Scope{Restricted: true, Countries: p.Countries})
}

// viewer describes the caller in ctx, which @allow has checked.
func viewer(ctx context.Context) *model.Viewer {
	p, _ := auth.FromContext(ctx)
	v := &model.Viewer{Subject: p.Subject, Role: string(p.Role), Countries: nonNil(p.Countries), Permissions: []model.Permission{}}
	for _, to := range model.AllPermission {
		if permitted(ctx, to) == nil {
			v.Permissions = append(v.Permissions, to)
		}
	}
	return v
}

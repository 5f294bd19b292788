package auth

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Role is what a principal may do. The set is closed: a credential naming
// any other role is rejected rather than mapped to a default, because a
// typo in an identity provider's configuration must not grant access.
type Role string

const (
	RoleAdmin   Role = "ADMIN"   // everything, including administration
	RoleAnalyst Role = "ANALYST" // every read, unscoped
	RoleAgency  Role = "AGENCY"  // reads limited to items touching its countries
	RoleIngest  Role = "INGEST"  // the ingest mutations only; no reads
)

// Roles lists every role, in order of decreasing privilege.
var Roles = []Role{RoleAdmin, RoleAnalyst, RoleAgency, RoleIngest}

// ParseRole returns the role named s, ignoring case and surrounding space
// (identity providers often emit lower-case role names).
func ParseRole(s string) (Role, bool) {
	r := Role(strings.ToUpper(strings.TrimSpace(s)))
	return r, slices.Contains(Roles, r)
}

// Principal is the authenticated caller.
type Principal struct {
	Subject string // who: the token's sub, or the API key's name
	Role    Role
	// Countries are ISO 3166-1 alpha-2 codes, upper case and sorted. Only an
	// AGENCY principal has them; it sees an item when the item's origin or
	// destination country is among them.
	Countries []string
	// TokenID identifies the credential for audit logs (the JWT's jti, or a
	// prefix of the API key's hash); it is never the credential itself.
	TokenID string
	// Expires is when the credential stops being valid (a JWT's exp); zero
	// when it does not expire by itself. A request is checked once, but a
	// WebSocket outlives its connection_init, so it closes then.
	Expires time.Time
}

// CanRead reports whether p may run queries. An AGENCY principal may, but
// only within its scope; see Scoped and Sees.
func (p Principal) CanRead() bool {
	return p.Role == RoleAdmin || p.Role == RoleAnalyst || p.Role == RoleAgency
}

// CanIngest reports whether p may run the ingest mutations.
func (p Principal) CanIngest() bool { return p.Role == RoleAdmin || p.Role == RoleIngest }

// CanAdmin reports whether p may run administrative operations.
func (p Principal) CanAdmin() bool { return p.Role == RoleAdmin }

// Scoped reports whether p's reads must be limited to its Countries.
func (p Principal) Scoped() bool { return p.Role == RoleAgency }

// Sees reports whether p may see an item with the given destination
// country: an AGENCY sees the items destined to its countries, whatever
// their origin (postclear.Scope). Unscoped readers see everything;
// principals that cannot read see nothing.
func (p Principal) Sees(destination string) bool {
	if !p.CanRead() {
		return false
	}
	if !p.Scoped() {
		return true
	}
	return slices.Contains(p.Countries, destination)
}

// validate normalises p.Countries and enforces the rules every credential
// source shares, so that a JWT, an API key and a minted token cannot
// disagree on what a valid principal is.
func (p *Principal) validate() error {
	if p.Subject == "" {
		return postclear.Errorf(EUnauthenticated, "credential has no subject")
	}
	r, ok := ParseRole(string(p.Role))
	if !ok {
		return postclear.Errorf(EUnauthenticated, "unknown role %q", truncate(string(p.Role), 32))
	}
	p.Role = r
	cs := make([]string, 0, len(p.Countries))
	for _, c := range p.Countries {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !postclear.IsCountry(c) {
			return postclear.Errorf(EUnauthenticated, "unknown country %q in scope", truncate(c, 8))
		}
		cs = append(cs, c)
	}
	slices.Sort(cs)
	cs = slices.Compact(cs)
	switch {
	case r == RoleAgency && len(cs) == 0:
		// An empty scope would read either as "nothing" (useless) or as
		// "everything" (dangerous); refuse it so the issuer fixes it.
		return postclear.Errorf(EUnauthenticated, "role AGENCY requires a non-empty countries scope")
	case r != RoleAgency && len(cs) > 0:
		// Countries on another role would be silently ignored, widening
		// what the issuer meant to grant; refuse instead.
		return postclear.Errorf(EUnauthenticated, "countries scope is only valid for role AGENCY, not %s", r)
	}
	if len(cs) == 0 {
		cs = nil
	}
	p.Countries = cs
	return nil
}

// truncate bounds attacker-controlled text quoted in an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

type principalKey struct{}

// WithPrincipal returns a copy of ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal stored by WithPrincipal (or by the
// middleware). Callers must treat !ok as unauthenticated, never as admin.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

package postclear

import "context"

// Scope limits what a caller may learn (docs/domain.md, "Who sees what"):
// an AGENCY caller, a party to the national MoUs of Countries, sees the
// items whose destination country is in Countries and the declarations
// whose own destination country is. An item merely originating there is
// not visible (its customs data belongs to the destination's
// administration), nor is an item whose destination is unknown. The zero
// Scope is unrestricted (ANALYST, ADMIN).
type Scope struct {
	Restricted bool
	Countries  []string
}

// Sees reports whether the scope admits an item, declaration or MoU of
// the given destination country ("" when unknown).
func (s Scope) Sees(destination string) bool {
	if !s.Restricted {
		return true
	}
	return destination != "" && contains(s.Countries, destination)
}

type scopeKey struct{}

// WithScope returns ctx carrying s. The HTTP edge sets it from the
// authenticated caller; every query the server sends to the engine reads
// it, so no argument can widen it.
func WithScope(ctx context.Context, s Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// ScopeFrom returns the scope in ctx; unrestricted when none was set.
func ScopeFrom(ctx context.Context) Scope {
	s, _ := ctx.Value(scopeKey{}).(Scope)
	return s
}

package postclear

import "context"

// Scope limits what a caller may learn to the items whose origin or
// destination country is in Countries (an AGENCY token under an MoU).
// The zero Scope is unrestricted.
type Scope struct {
	Restricted bool
	Countries  []string
}

// Allows reports whether an item between origin and destination is in
// the scope.
func (s Scope) Allows(origin, destination string) bool {
	if !s.Restricted {
		return true
	}
	return contains(s.Countries, origin) || contains(s.Countries, destination)
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

package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"

	"github.com/postclear/postclear/internal/auth"
)

// Sizes of the automatic-persisted-query store: entries, and the longest
// query text kept (a longer one runs, but its hash is not remembered, so
// the client sends it in full again). Together they bound the store to
// about 64 MiB.
const (
	persistedQueries       = 1000
	maxPersistedQueryBytes = 64 << 10
)

// persistedQueryStore keeps the queries of automatic persisted queries per
// caller: the key is the caller's identity (from the request context, set
// by authentication) and the hash, so that one caller learns nothing about
// which queries another has run: a hash another caller registered is
// PERSISTED_QUERY_NOT_FOUND to everyone else.
type persistedQueryStore struct{ lru *lru.LRU[string] }

var _ graphql.Cache[string] = persistedQueryStore{}

func newPersistedQueryStore() persistedQueryStore {
	return persistedQueryStore{lru.New[string](persistedQueries)}
}

func (s persistedQueryStore) Get(ctx context.Context, hash string) (string, bool) {
	return s.lru.Get(ctx, callerKey(ctx)+hash)
}

func (s persistedQueryStore) Add(ctx context.Context, hash, query string) {
	if len(query) <= maxPersistedQueryBytes {
		s.lru.Add(ctx, callerKey(ctx)+hash, query)
	}
}

// callerKey identifies the caller in ctx: subject, role and countries. A
// request without a principal (none reaches the executor: the guard sets
// one) gets a key no principal can have.
func callerKey(ctx context.Context) string {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return "\x00anonymous\x00"
	}
	return p.Subject + "\x00" + string(p.Role) + "\x00" + strings.Join(p.Countries, ",") + "\x00"
}

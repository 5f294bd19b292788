package graph

import (
	"context"
	"encoding/json"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/resultcache"
)

// CachedAnalytics answers a repeated KPI query (a dashboard refresh) from
// memory for as long as no ingest has been accepted since it was computed.
type CachedAnalytics struct {
	Inner Analytics
	Cache *resultcache.Cache
	// Scope returns what, besides the arguments, decides a result for the
	// caller in ctx (e.g. the countries an agency token may see), so that
	// callers with different scopes never share an entry.
	Scope func(ctx context.Context) string
	// Version, when set, is the version of what a query over some
	// destinations (nil: all) up to an instant reads
	// (warehouse.Facts.VersionOf); it goes into each key, so that an
	// ingest invalidates only the answers it may change, and Cache is then
	// built without a data version of its own.
	Version func(ctx context.Context, destinations []string, to time.Time) (string, error)
}

func cacheKey(ctx context.Context, c *CachedAnalytics, family string, q postclear.KPIQuery, param any) (string, error) {
	var version string
	if c.Version != nil {
		// Everything a KPI query reads is attributed before its `to`,
		// to the destinations of its filter (the scope is in the key).
		var err error
		if version, err = c.Version(ctx, q.Filter.DestinationCountries, q.Filter.To); err != nil {
			return "", err
		}
	}
	// The UTC date is part of the key because on-time delivery is judged
	// against today: a result computed yesterday may differ.
	b, _ := json.Marshal(struct {
		Q       postclear.KPIQuery
		P       any
		Scope   string
		Today   string
		Version string
	}{q, param, scopeOf(ctx, c), time.Now().UTC().Format(time.DateOnly), version})
	return family + string(b), nil
}

// cached answers a KPI query of family from the cache or by compute.
func cached[T any](ctx context.Context, c *CachedAnalytics, family string, q postclear.KPIQuery, param any, compute func(context.Context) (T, error)) (T, error) {
	key, err := cacheKey(ctx, c, family, q, param)
	if err != nil {
		var zero T
		return zero, err
	}
	return resultcache.Do(ctx, c.Cache, key, compute)
}

func scopeOf(ctx context.Context, c *CachedAnalytics) string {
	if c.Scope == nil {
		return ""
	}
	return c.Scope(ctx)
}

// ClearanceTimes implements Analytics.
func (c *CachedAnalytics) ClearanceTimes(ctx context.Context, q postclear.KPIQuery, targetHours float64) ([]postclear.ClearanceStat, error) {
	return cached(ctx, c, "clearance", q, targetHours, func(ctx context.Context) ([]postclear.ClearanceStat, error) {
		return c.Inner.ClearanceTimes(ctx, q, targetHours)
	})
}

// DeliveryTimes implements Analytics.
func (c *CachedAnalytics) DeliveryTimes(ctx context.Context, q postclear.KPIQuery, standardDays int) ([]postclear.DeliveryStat, error) {
	return cached(ctx, c, "delivery", q, standardDays, func(ctx context.Context) ([]postclear.DeliveryStat, error) {
		return c.Inner.DeliveryTimes(ctx, q, standardDays)
	})
}

// ComplianceRates implements Analytics.
func (c *CachedAnalytics) ComplianceRates(ctx context.Context, q postclear.KPIQuery) ([]postclear.ComplianceStat, error) {
	return cached(ctx, c, "compliance", q, nil, func(ctx context.Context) ([]postclear.ComplianceStat, error) {
		return c.Inner.ComplianceRates(ctx, q)
	})
}

// SeizureTrends implements Analytics.
func (c *CachedAnalytics) SeizureTrends(ctx context.Context, q postclear.KPIQuery) ([]postclear.SeizureStat, error) {
	return cached(ctx, c, "seizures", q, nil, func(ctx context.Context) ([]postclear.SeizureStat, error) {
		return c.Inner.SeizureTrends(ctx, q)
	})
}

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
}

func cacheKey(ctx context.Context, c *CachedAnalytics, family string, q postclear.KPIQuery, param any) string {
	// The UTC date is part of the key because on-time delivery is judged
	// against today: a result computed yesterday may differ.
	b, _ := json.Marshal(struct {
		Q     postclear.KPIQuery
		P     any
		Scope string
		Today string
	}{q, param, scopeOf(ctx, c), time.Now().UTC().Format(time.DateOnly)})
	return family + string(b)
}

func scopeOf(ctx context.Context, c *CachedAnalytics) string {
	if c.Scope == nil {
		return ""
	}
	return c.Scope(ctx)
}

// ClearanceTimes implements Analytics.
func (c *CachedAnalytics) ClearanceTimes(ctx context.Context, q postclear.KPIQuery, targetHours float64) ([]postclear.ClearanceStat, error) {
	return resultcache.Do(ctx, c.Cache, cacheKey(ctx, c, "clearance", q, targetHours), func(ctx context.Context) ([]postclear.ClearanceStat, error) {
		return c.Inner.ClearanceTimes(ctx, q, targetHours)
	})
}

// DeliveryTimes implements Analytics.
func (c *CachedAnalytics) DeliveryTimes(ctx context.Context, q postclear.KPIQuery, standardDays int) ([]postclear.DeliveryStat, error) {
	return resultcache.Do(ctx, c.Cache, cacheKey(ctx, c, "delivery", q, standardDays), func(ctx context.Context) ([]postclear.DeliveryStat, error) {
		return c.Inner.DeliveryTimes(ctx, q, standardDays)
	})
}

// ComplianceRates implements Analytics.
func (c *CachedAnalytics) ComplianceRates(ctx context.Context, q postclear.KPIQuery) ([]postclear.ComplianceStat, error) {
	return resultcache.Do(ctx, c.Cache, cacheKey(ctx, c, "compliance", q, nil), func(ctx context.Context) ([]postclear.ComplianceStat, error) {
		return c.Inner.ComplianceRates(ctx, q)
	})
}

// SeizureTrends implements Analytics.
func (c *CachedAnalytics) SeizureTrends(ctx context.Context, q postclear.KPIQuery) ([]postclear.SeizureStat, error) {
	return resultcache.Do(ctx, c.Cache, cacheKey(ctx, c, "seizures", q, nil), func(ctx context.Context) ([]postclear.SeizureStat, error) {
		return c.Inner.SeizureTrends(ctx, q)
	})
}

package analytics

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/resultcache"
)

// The part of the data a KPI answer is cached under is what its query
// reads: the filter's destinations within the caller's scope (none when
// they do not meet), all destinations for an unrestricted caller without
// a filter, up to the instant its `to` starts in its time zone.
func TestPartOfTheData(t *testing.T) {
	day := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	agency := postclear.Scope{Restricted: true, Countries: []string{"KE", "MA"}}
	for _, tt := range []struct {
		name  string
		scope postclear.Scope
		dests []string
		zone  string
		want  resultcache.Part
	}{
		{"admin, no filter", postclear.Scope{}, nil, "UTC", resultcache.Part{To: day}},
		{"admin, filter", postclear.Scope{}, []string{"TH"}, "UTC", resultcache.Part{Destinations: []string{"TH"}, To: day}},
		{"agency, no filter", agency, nil, "UTC", resultcache.Part{Destinations: []string{"KE", "MA"}, To: day}},
		{"agency, filter within", agency, []string{"KE", "TH"}, "UTC", resultcache.Part{Destinations: []string{"KE"}, To: day}},
		{"agency, filter outside", agency, []string{"TH"}, "UTC", resultcache.Part{Destinations: []string{}, To: day}},
		{"time zone", postclear.Scope{}, nil, "Asia/Bangkok", resultcache.Part{To: day.Add(-7 * time.Hour)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := postclear.KPIQuery{Scope: tt.scope, TimeZone: tt.zone,
				Filter: postclear.AnalyticsFilter{From: day.AddDate(0, -3, 0), To: day, DestinationCountries: tt.dests}}
			if diff := cmp.Diff(tt.want, part(q)); diff != "" {
				t.Errorf("part (-want +got):\n%s", diff)
			}
		})
	}
}

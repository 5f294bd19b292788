package analytics_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
)

// Every family in a time zone whose day and month boundaries differ from
// UTC equals the oracle's computation in that zone (docs/domain.md, "Time
// zone"): Asia/Bangkok (UTC+7: the fixture's 2025-10-31 evening records are
// November there, and "today", 2025-12-01 00:00 UTC, is 07:00) and
// America/New_York (UTC-4, then UTC-5 from 2025-11-02: a change of offset
// inside the range, and "today" is still 30 November).
func TestFixtureTimeZones(t *testing.T) {
	r := fixture(t)
	svc := store(t, testenv.Embedded(t), r, true)
	for _, zone := range []string{"Asia/Bangkok", "America/New_York"} {
		for i, q := range fixtureQueries() {
			if i%3 != 0 {
				continue // a third of the queries: every shape is there
			}
			q.TimeZone = zone
			t.Run(zone+"/"+name(q), func(t *testing.T) { compareAll(t, svc, r, q) })
		}
	}
}

// The zone changes answers where it should: in New York the fixture's
// arrival at 2025-11-01 01:30 UTC is of 31 October, so the monthly buckets
// differ from UTC's; and UTC given by name answers exactly as no zone at
// all.
func TestTimeZoneMovesBoundaries(t *testing.T) {
	r := fixture(t)
	svc := store(t, testenv.Embedded(t), r, true)
	ctx := context.Background()
	q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-10-01"), To: date("2025-12-01")}, Granularity: gran(postclear.Month)}
	utc, err := svc.ComplianceRates(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	named := q
	named.TimeZone = "UTC"
	if got, err := svc.ComplianceRates(ctx, named); err != nil || !cmp.Equal(utc, got, approx) {
		t.Errorf("timeZone UTC differs from no zone: %v\n%v\n%v", err, utc, got)
	}
	newYork := q
	newYork.TimeZone = "America/New_York"
	got, err := svc.ComplianceRates(ctx, newYork)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Equal(utc, got, approx) {
		t.Error("America/New_York gives the same monthly answer as UTC: the fixture does not show the zone")
	}
	if diff := cmp.Diff(kpioracle.Compliance(r, newYork), got, approx); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// An unknown zone, and names that are not zones, are refused with
// BAD_USER_INPUT naming timeZone, before the engine sees the query.
func TestUnknownTimeZone(t *testing.T) {
	svc := store(t, testenv.Embedded(t), kpioracle.Records{}, false)
	for _, zone := range []string{"Mars/Olympus", "Local", "../../etc/passwd", "utc", "Europe/Paris "} {
		q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-10-01"), To: date("2025-12-01")}, TimeZone: zone}
		_, err := svc.DeliveryTimes(context.Background(), q, postclear.StandardDelivery(5))
		if postclear.ErrorCode(err) != postclear.EInvalid || !strings.Contains(postclear.ErrorMessage(err), "timeZone") {
			t.Errorf("timeZone %q: %v, want %s naming timeZone", zone, err, postclear.EInvalid)
		}
	}
}

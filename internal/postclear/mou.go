package postclear

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// KPI names a figure an MoU can set a target for (DOMAIN.md, "MoU
// evaluation"). Each is one field of a KPI family of kpi.go.
type KPI string

// The KPIs of DOMAIN.md, in the order reports list them.
const (
	KPIClearanceP90Hours              KPI = "CLEARANCE_P90_HOURS"
	KPIClearanceMeanHours             KPI = "CLEARANCE_MEAN_HOURS"
	KPIClearanceWithinTargetRate      KPI = "CLEARANCE_WITHIN_TARGET_RATE"
	KPIDeliveryOnTimeRate             KPI = "DELIVERY_ON_TIME_RATE"
	KPIDeliveryP90Days                KPI = "DELIVERY_P90_DAYS"
	KPIEadCoverage                    KPI = "EAD_COVERAGE"
	KPIDeclarationCompleteness        KPI = "DECLARATION_COMPLETENESS"
	KPIInspectionRate                 KPI = "INSPECTION_RATE"
	KPIHitRate                        KPI = "HIT_RATE"
	KPIReleaseWithoutInterventionRate KPI = "RELEASE_WITHOUT_INTERVENTION_RATE"
	KPISeizuresPer10K                 KPI = "SEIZURES_PER_10K"
	// The KPIs of the later families (DOMAIN.md, "MoU evaluation"), each
	// one field of one row of its family with fixed arguments.
	KPIArrivalToReleaseMeanHours     KPI = "ARRIVAL_TO_RELEASE_MEAN_HOURS"
	KPIArrivalToReleaseP90Hours      KPI = "ARRIVAL_TO_RELEASE_P90_HOURS"
	KPIDeliveryOnTimeRateWorkingDays KPI = "DELIVERY_ON_TIME_RATE_WORKING_DAYS"
	KPIHoldPresentedWithinRate       KPI = "HOLD_PRESENTED_WITHIN_RATE"
	KPIEadLeadTimeRate               KPI = "EAD_LEAD_TIME_RATE"
	KPITargetedHitRate               KPI = "TARGETED_HIT_RATE"
	KPIBacklogInCustomsOver72H       KPI = "BACKLOG_IN_CUSTOMS_OVER_72H"
)

// The fixed arguments of the later KPIs.
const (
	// HoldWithinHours is the withinHours of HOLD_PRESENTED_WITHIN_RATE.
	HoldWithinHours = 24
	// EadMinLeadHours is the minLeadHours of EAD_LEAD_TIME_RATE.
	EadMinLeadHours = 4
	// BacklogAgeHours is the age BACKLOG_IN_CUSTOMS_OVER_72H counts the
	// items older than.
	BacklogAgeHours = 72
	// TargetedChannel is the risk channel of TARGETED_HIT_RATE.
	TargetedChannel = "TARGETED"
)

// WorkingDayDelivery is the delivery standard of
// DELIVERY_ON_TIME_RATE_WORKING_DAYS: end to end, J+5 working days.
func WorkingDayDelivery() DeliveryOptions {
	return DeliveryOptions{StandardDays: DefaultStandardDays, Leg: EndToEnd, DayCount: WorkingDays}
}

// KPIs lists every KPI in report order.
var KPIs = []KPI{
	KPIClearanceP90Hours, KPIClearanceMeanHours, KPIClearanceWithinTargetRate,
	KPIDeliveryOnTimeRate, KPIDeliveryP90Days,
	KPIEadCoverage, KPIDeclarationCompleteness, KPIInspectionRate, KPIHitRate, KPIReleaseWithoutInterventionRate,
	KPISeizuresPer10K,
	KPIArrivalToReleaseMeanHours, KPIArrivalToReleaseP90Hours, KPIDeliveryOnTimeRateWorkingDays,
	KPIHoldPresentedWithinRate, KPIEadLeadTimeRate, KPITargetedHitRate, KPIBacklogInCustomsOver72H,
}

// Unit is what a KPI value is measured in.
type Unit string

// The units of KPI values.
const (
	UnitHours   Unit = "HOURS"
	UnitDays    Unit = "DAYS"
	UnitRate    Unit = "RATE"    // a fraction in [0, 1]
	UnitPer10K  Unit = "PER_10K" // per 10,000 items presented
	UnitCount   Unit = "COUNT"   // a number of items
	unitUnknown Unit = ""
)

// kpiInfo is what reports say about each KPI.
var kpiInfo = map[KPI]struct {
	unit       Unit
	label      string
	definition string
}{
	KPIClearanceP90Hours: {UnitHours, "Clearance time p90",
		"90th percentile of hours from presentation to import customs (first EDB) to release (first RELEASE, else first EDC), over items released in the period; exact, linear interpolation between closest ranks."},
	KPIClearanceMeanHours: {UnitHours, "Clearance time mean",
		"Mean of the same clearance hours."},
	KPIClearanceWithinTargetRate: {UnitRate, "Cleared within 24 h",
		"Share of the same items cleared in at most 24 hours."},
	KPIDeliveryOnTimeRate: {UnitRate, "Delivered on time (J+5)",
		"Share of items posted in the period delivered by the UTC posting date + 5 days, among items whose J+5 has passed; undelivered items count as late."},
	KPIDeliveryP90Days: {UnitDays, "Delivery time p90",
		"90th percentile of days from posting (first EMA) to final delivery (first EMI), over delivered items posted in the period."},
	KPIEadCoverage: {UnitRate, "EAD coverage",
		"Of items arrived at the inward office of exchange in the period (documents left out), the share whose electronic advance data was received at or before arrival."},
	KPIDeclarationCompleteness: {UnitRate, "Declaration completeness",
		"Share of declarations received in the period that are complete: specific description, value > 0, currency, weight > 0, HS code for goods sold and commercial samples."},
	KPIInspectionRate: {UnitRate, "Inspection rate",
		"Share of items presented to customs in the period with an INSPECT decision."},
	KPIHitRate: {UnitRate, "Hit rate",
		"Of those inspected items, the share with a SEIZE decision."},
	KPIReleaseWithoutInterventionRate: {UnitRate, "Released without intervention",
		"Of items presented in the period and released, the share with no HOLD, INSPECT, SEIZE, RETURN, DO_NOT_LOAD or REQUEST_INFO decision."},
	KPISeizuresPer10K: {UnitPer10K, "Seizures per 10,000 items",
		"10,000 x items seized (first SEIZE of each category in the period, summed over categories) / items presented to customs in the period."},
	KPIArrivalToReleaseMeanHours: {UnitHours, "Arrival to release mean",
		"Mean of hours from arrival at the inward office of exchange (first EMD) to release, over items released in the period after their arrival (the WCO TRS release time)."},
	KPIArrivalToReleaseP90Hours: {UnitHours, "Arrival to release p90",
		"90th percentile of the same arrival-to-release hours."},
	KPIDeliveryOnTimeRateWorkingDays: {UnitRate, "On time (J+5 working days)",
		"Share of items posted in the period delivered by the 5th working day of the destination country after the posting date, among items whose deadline has passed; undelivered items count as late."},
	KPIHoldPresentedWithinRate: {UnitRate, "Holds presented in 24 h",
		"Of items customs asked the post to hold or present in the period (first HOLD, INSPECT or REQUEST_INFO decision), the share presented to customs at most 24 hours after the request."},
	KPIEadLeadTimeRate: {UnitRate, "EAD 4 h before arrival",
		"Of items arrived at the inward office of exchange in the period (documents left out), the share whose electronic advance data was received at least 4 hours before arrival."},
	KPITargetedHitRate: {UnitRate, "Targeted hit rate",
		"Of items first inspected in the period on a TARGETED risk channel, the share with a SEIZE decision."},
	KPIBacklogInCustomsOver72H: {UnitCount, "In customs > 72 h at end",
		"Items presented to customs in the period and still in customs (neither released nor closed) at its end, more than 72 hours after their presentation."},
}

// Unit returns the unit k is measured in ("" for an unknown KPI).
func (k KPI) Unit() Unit {
	if i, ok := kpiInfo[k]; ok {
		return i.unit
	}
	return unitUnknown
}

// IsRate reports whether k is a fraction in [0, 1].
func (k KPI) IsRate() bool { return k.Unit() == UnitRate }

// Label is k's short name for people ("EAD coverage").
func (k KPI) Label() string {
	if i, ok := kpiInfo[k]; ok {
		return i.label
	}
	return string(k)
}

// Definition says in one or two sentences what k measures.
func (k KPI) Definition() string { return kpiInfo[k].definition }

// kpiPopulation says what the population of each KPI is (its
// KPIResult.Population), for the methodology section.
var kpiPopulation = map[KPI]string{
	KPIClearanceP90Hours:              "items released in the quarter, presented before",
	KPIClearanceMeanHours:             "items released in the quarter, presented before",
	KPIClearanceWithinTargetRate:      "items released in the quarter, presented before",
	KPIDeliveryOnTimeRate:             "items posted in the quarter",
	KPIDeliveryP90Days:                "items posted in the quarter and delivered",
	KPIEadCoverage:                    "items arrived in the quarter, documents left out",
	KPIDeclarationCompleteness:        "declarations received in the quarter",
	KPIInspectionRate:                 "items presented to customs in the quarter",
	KPIHitRate:                        "items presented to customs in the quarter (inspected ones for the rate)",
	KPIReleaseWithoutInterventionRate: "items presented to customs in the quarter (released ones for the rate)",
	KPISeizuresPer10K:                 "items presented to customs in the quarter",
	KPIArrivalToReleaseMeanHours:      "items released in the quarter, arrived before",
	KPIArrivalToReleaseP90Hours:       "items released in the quarter, arrived before",
	KPIDeliveryOnTimeRateWorkingDays:  "items posted in the quarter",
	KPIHoldPresentedWithinRate:        "items customs asked to hold or present in the quarter",
	KPIEadLeadTimeRate:                "items arrived in the quarter, documents left out",
	KPITargetedHitRate:                "items first inspected in the quarter on the TARGETED channel",
	KPIBacklogInCustomsOver72H:        "items presented to customs in the quarter",
}

// Population says what k is computed over in a quarter, for people.
func (k KPI) Population() string { return kpiPopulation[k] }

// Valid reports whether k is one of KPIs.
func (k KPI) Valid() bool { _, ok := kpiInfo[k]; return ok }

// Comparison says on which side of its value a target is met.
type Comparison string

// The comparisons.
const (
	AtMost  Comparison = "AT_MOST"  // met when actual ≤ value
	AtLeast Comparison = "AT_LEAST" // met when actual ≥ value
)

// Met reports whether actual meets value under c. Values are compared as
// computed, not as rounded for display.
func (c Comparison) Met(actual, value float64) bool {
	if c == AtMost {
		return actual <= value
	}
	return actual >= value
}

// Target is one commitment of an MoU on a KPI.
type Target struct {
	KPI        KPI
	Comparison Comparison
	Value      float64
}

// MoU is a customs–post Memorandum of Understanding of one destination
// country. It is in force on the days in [EffectiveFrom, EffectiveTo); a nil
// EffectiveTo means open-ended. Dates are midnight UTC.
type MoU struct {
	ID                    string
	Country               string
	CustomsAdministration string
	PostalOperator        string
	SignedOn              time.Time
	EffectiveFrom         time.Time
	EffectiveTo           *time.Time
	Targets               []Target
	// TimeZone is the IANA zone its quarters and dates are taken in
	// ("UTC" unless set).
	TimeZone string
	Archived bool
	// UpdatedAt is when this version was written.
	UpdatedAt time.Time
}

// MoUInput is what a caller gives to create or replace an MoU.
type MoUInput struct {
	Country               string
	CustomsAdministration string
	PostalOperator        string
	SignedOn              time.Time
	EffectiveFrom         time.Time
	EffectiveTo           *time.Time
	Targets               []Target
	// TimeZone is an IANA zone name; "" means UTC.
	TimeZone string
}

// Bounds of MoU fields.
const (
	MaxAgencyNameLen = 200
	MaxTargets       = 50
)

// Target returns the target m sets on k, if any.
func (m *MoU) Target(k KPI) (Target, bool) {
	for _, t := range m.Targets {
		if t.KPI == k {
			return t, true
		}
	}
	return Target{}, false
}

// Overlaps reports whether the periods in force of m and o share a day.
func (m *MoU) Overlaps(o *MoU) bool {
	return before(m.EffectiveFrom, o.EffectiveTo) && before(o.EffectiveFrom, m.EffectiveTo)
}

// before reports whether t < end, a nil end being infinitely far.
func before(t time.Time, end *time.Time) bool { return end == nil || t.Before(*end) }

// Validate checks in and returns the first problem as an *Error with code
// EInvalid, naming the argument at fault as a GraphQL user wrote it.
// Uniqueness across MoUs (overlap) is the store's business.
func (in *MoUInput) Validate() error {
	bad := func(format string, args ...any) error { return Errorf(EInvalid, format, args...) }
	switch {
	case in.Country == "":
		return bad("country: required")
	case countryRule(in.Country) != "":
		return bad("country: %s", countryRule(in.Country))
	}
	for _, f := range []struct{ name, v string }{
		{"customsAdministration", in.CustomsAdministration}, {"postalOperator", in.PostalOperator},
	} {
		switch s := strings.TrimSpace(f.v); {
		case s == "":
			return bad("%s is required", f.name)
		case s != f.v:
			return bad("%s: remove the leading or trailing spaces of %q", f.name, f.v)
		case len(s) > MaxAgencyNameLen:
			return bad("%s: at most %d characters", f.name, MaxAgencyNameLen)
		}
	}
	for _, d := range []struct {
		name string
		t    time.Time
	}{{"signedOn", in.SignedOn}, {"effectiveFrom", in.EffectiveFrom}} {
		if err := checkDate(d.name, d.t); err != nil {
			return err
		}
	}
	if in.EffectiveTo != nil {
		if err := checkDate("effectiveTo", *in.EffectiveTo); err != nil {
			return err
		}
		if !in.EffectiveFrom.Before(*in.EffectiveTo) {
			return bad("effectiveTo (%s) must be after effectiveFrom (%s)", day(*in.EffectiveTo), day(in.EffectiveFrom))
		}
	}
	if in.EffectiveFrom.Before(in.SignedOn) {
		return bad("effectiveFrom (%s) must not be before signedOn (%s)", day(in.EffectiveFrom), day(in.SignedOn))
	}
	if _, err := Location(in.TimeZone); err != nil {
		return err
	}
	if len(in.Targets) > MaxTargets {
		return bad("targets: at most %d", MaxTargets)
	}
	seen := map[KPI]int{}
	for i, t := range in.Targets {
		where := fmt.Sprintf("targets[%d]", i)
		switch {
		case !t.KPI.Valid():
			return bad("%s.kpi: unknown KPI %q", where, t.KPI)
		case t.Comparison != AtMost && t.Comparison != AtLeast:
			return bad("%s.comparison: unknown comparison %q (AT_MOST or AT_LEAST)", where, t.Comparison)
		case math.IsNaN(t.Value) || math.IsInf(t.Value, 0):
			return bad("%s.value must be a finite number", where)
		case t.KPI.IsRate() && (t.Value < 0 || t.Value > 1):
			return bad("%s.value: %s is a rate, a fraction in [0, 1] (0.8 for 80 %%), not %g", where, t.KPI, t.Value)
		case t.Value < 0:
			return bad("%s.value: %s must not be negative, got %g", where, t.KPI, t.Value)
		}
		if j, dup := seen[t.KPI]; dup {
			return bad("%s: %s already has a target in targets[%d]; give each KPI at most one target", where, t.KPI, j)
		}
		seen[t.KPI] = i
	}
	return nil
}

// checkDate requires a date (midnight UTC) from MinTimestampYear on.
func checkDate(name string, t time.Time) error {
	switch {
	case t.IsZero():
		return Errorf(EInvalid, "%s is required", name)
	case !t.Equal(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)):
		return Errorf(EInvalid, "%s must be a date (midnight UTC)", name)
	case t.Year() < MinTimestampYear || t.Year() > 2099:
		return Errorf(EInvalid, "%s (%s) must be between %d and 2099", name, day(t), MinTimestampYear)
	}
	return nil
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

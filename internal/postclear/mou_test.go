package postclear

import (
	"strings"
	"testing"
	"time"
)

func TestParseQuarter(t *testing.T) {
	for _, tt := range []struct {
		in, prev   string
		start, end string
		months     string
	}{
		{"2025-Q3", "2025-Q2", "2025-07-01", "2025-10-01", "2025-07-01 2025-08-01 2025-09-01"},
		{"2025-Q1", "2024-Q4", "2025-01-01", "2025-04-01", "2025-01-01 2025-02-01 2025-03-01"},
		{"2024-Q4", "2024-Q3", "2024-10-01", "2025-01-01", "2024-10-01 2024-11-01 2024-12-01"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			q, err := ParseQuarter(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var months []string
			for _, m := range q.Months() {
				months = append(months, day(m))
			}
			got := []string{q.String(), q.Prev().String(), day(q.Start()), day(q.End()), strings.Join(months, " ")}
			want := []string{tt.in, tt.prev, tt.start, tt.end, tt.months}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("got %q, want %q", got, want)
					break
				}
			}
			if QuarterOf(q.End().Add(-time.Second)) != q {
				t.Errorf("QuarterOf(last second) = %v", QuarterOf(q.End().Add(-time.Second)))
			}
		})
	}
	for _, bad := range []string{"", "2025-q3", "2025Q3", "2025-Q0", "2025-Q5", "2025-Q03", "25-Q3", "1999-Q4", "2025-Q3 "} {
		if _, err := ParseQuarter(bad); ErrorCode(err) != EInvalid {
			t.Errorf("ParseQuarter(%q) = %v, want a BAD_USER_INPUT error", bad, err)
		}
	}
}

func TestMoUInputValidate(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	end := d("2025-01-01")
	valid := func() MoUInput {
		return MoUInput{Country: "KE", CustomsAdministration: "KRA", PostalOperator: "Posta Kenya",
			SignedOn: d("2024-11-18"), EffectiveFrom: d("2024-11-18"),
			Targets: []Target{{KPIEadCoverage, AtLeast, 0.8}, {KPIClearanceP90Hours, AtMost, 48}}}
	}
	for _, tt := range []struct {
		name   string
		change func(*MoUInput)
		want   string // substring of the message; "" for valid
	}{
		{"valid", func(*MoUInput) {}, ""},
		{"no targets", func(m *MoUInput) { m.Targets = nil }, ""},
		{"unknown country", func(m *MoUInput) { m.Country = "XX" }, `country: "XX" is not an ISO 3166-1`},
		{"lower-case country", func(m *MoUInput) { m.Country = "ke" }, "upper case"},
		{"no customs", func(m *MoUInput) { m.CustomsAdministration = "" }, "customsAdministration is required"},
		{"end before start", func(m *MoUInput) { m.EffectiveTo = &m.SignedOn }, "must be after effectiveFrom"},
		{"effective before signed", func(m *MoUInput) { m.EffectiveFrom = d("2024-01-01"); m.EffectiveTo = &end }, "must not be before signedOn"},
		{"rate above 1", func(m *MoUInput) { m.Targets[0].Value = 80 }, "targets[0].value: EAD_COVERAGE is a rate, a fraction in [0, 1]"},
		{"negative hours", func(m *MoUInput) { m.Targets[1].Value = -1 }, "must not be negative"},
		{"twice", func(m *MoUInput) { m.Targets = append(m.Targets, Target{KPIEadCoverage, AtMost, 0.9}) }, "targets[2]: EAD_COVERAGE already has a target in targets[0]"},
		{"unknown kpi", func(m *MoUInput) { m.Targets[0].KPI = "SPEED" }, `unknown KPI "SPEED"`},
		{"unknown comparison", func(m *MoUInput) { m.Targets[0].Comparison = "EQUAL" }, "unknown comparison"},
		{"time zone", func(m *MoUInput) { m.TimeZone = "Africa/Nairobi" }, ""},
		{"UTC", func(m *MoUInput) { m.TimeZone = "UTC" }, ""},
		{"unknown time zone", func(m *MoUInput) { m.TimeZone = "Africa/Atlantis" }, `timeZone: unknown time zone "Africa/Atlantis"`},
		{"server's zone", func(m *MoUInput) { m.TimeZone = "Local" }, `timeZone: "Local" is not an IANA time zone name`},
		{"a path", func(m *MoUInput) { m.TimeZone = "../etc/passwd" }, "timeZone:"},
		{"later KPI", func(m *MoUInput) {
			m.Targets = append(m.Targets, Target{KPIBacklogInCustomsOver72H, AtMost, 25}, Target{KPITargetedHitRate, AtLeast, 0.12})
		}, ""},
		{"count target negative", func(m *MoUInput) { m.Targets = append(m.Targets, Target{KPIBacklogInCustomsOver72H, AtMost, -1}) }, "must not be negative"},
		{"later rate above 1", func(m *MoUInput) { m.Targets = append(m.Targets, Target{KPIEadLeadTimeRate, AtLeast, 85}) }, "EAD_LEAD_TIME_RATE is a rate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := valid()
			tt.change(&in)
			err := in.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || ErrorCode(err) != EInvalid):
				t.Fatalf("Validate() = %v, want a BAD_USER_INPUT error containing %q", err, tt.want)
			}
		})
	}
}

func TestOverlaps(t *testing.T) {
	d := func(s string) *time.Time { t, _ := time.Parse(time.DateOnly, s); return &t }
	a := MoU{EffectiveFrom: *d("2024-01-01"), EffectiveTo: d("2025-01-01")}
	for _, tt := range []struct {
		from string
		to   *time.Time
		want bool
	}{
		{"2025-01-01", nil, false}, // [from, to): the end day is free
		{"2024-12-31", nil, true},
		{"2023-01-01", d("2024-01-01"), false},
		{"2023-01-01", d("2024-01-02"), true},
	} {
		b := MoU{EffectiveFrom: *d(tt.from), EffectiveTo: tt.to}
		if got := a.Overlaps(&b); got != tt.want || b.Overlaps(&a) != tt.want {
			t.Errorf("overlap with [%s, %v) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestDisputeValidate(t *testing.T) {
	now := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	opened := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	before := opened.AddDate(0, 0, -1)
	for _, tt := range []struct {
		name string
		d    Dispute
		want string
	}{
		{"open", Dispute{MoUID: "mou-ke-2024", OpenedOn: opened, Subject: "x"}, ""},
		{"resolved without resolution", Dispute{MoUID: "mou-ke-2024", OpenedOn: opened, Subject: "x", ResolvedOn: &now}, "resolution: required"},
		{"resolution while open", Dispute{MoUID: "mou-ke-2024", OpenedOn: opened, Subject: "x", Resolution: "MEDIATION"}, "resolution: must be empty"},
		{"resolved before opened", Dispute{MoUID: "mou-ke-2024", OpenedOn: opened, Subject: "x", ResolvedOn: &before, Resolution: "AGREEMENT"}, "is before opened_on"},
		{"bad id", Dispute{MoUID: "MOU KE", OpenedOn: opened, Subject: "x"}, "is not an MoU id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range tt.d.Validate(now) {
				got = append(got, e.Field+": "+e.Message)
			}
			all := strings.Join(got, "; ")
			if (tt.want == "") != (all == "") || !strings.Contains(all, tt.want) {
				t.Errorf("Validate() = %q, want %q", all, tt.want)
			}
		})
	}
}

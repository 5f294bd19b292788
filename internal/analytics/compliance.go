package analytics

import (
	"context"
	"fmt"
	"strings"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// The compliance branches, told apart by a kind column after UNION ALL.
const (
	kindArrived      = 1
	kindDeclaration  = 2
	kindPresented    = 3
	complianceIgnore = "toUInt8(0) AS c, toUInt8(0) AS d"
)

// ComplianceRates returns the compliance KPIs (docs/domain.md KPI 3) of q.
// Declarations are grouped and filtered by their own origin, destination,
// mail class and category; they have no office, so grouping by OFFICE
// puts them in the office-null group and filtering by office leaves them
// out.
func (s *Service) ComplianceRates(ctx context.Context, q postclear.KPIQuery) ([]postclear.ComplianceStat, error) {
	return compliance.run(ctx, s, q, struct{}{})
}

// ComplianceSQL returns the SQL and parameters of ComplianceRates.
func (s *Service) ComplianceSQL(q postclear.KPIQuery) (string, warehouse.Params, error) {
	return compliance.SQL(context.Background(), s, q, struct{}{})
}

// compliance: its four sub-populations have their own attribution dates,
// so it is a UNION ALL of the items (a row per item arrived in the range,
// one per item presented in it: complianceItems) and the declarations
// (from declaration_facts), with two to four flags each, grouped together:
// a group appears when any branch has rows in it.
//
// Columns after the keys: arrived, arrived excluding DOCUMENTS, of those
// covered by EAD in time; declarations, complete ones; presented,
// inspected, inspected and seized, presented and released, released
// without intervention.
var compliance = &family[struct{}, postclear.ComplianceStat]{
	name: "compliance rates",
	api:  "complianceRates",
	sql: func(b *builder, _ struct{}) string {
		// The refresh evaluated each declaration's completeness rules
		// once (declaration_facts); complete means failing none.
		fails := make([]string, len(postclear.DeclarationRules))
		for i, r := range postclear.DeclarationRules {
			fails[i] = ruleColumn(r)
		}
		declarations := b.declarationFacts([]string{
			fmt.Sprintf("toUInt8(%d) AS kind", kindDeclaration),
			"toUInt8(NOT (" + strings.Join(fails, " OR ") + ")) AS a",
			"toUInt8(0) AS b", complianceIgnore,
		})
		items := complianceItems(b)
		b.eager = true // comparisons and flags, which fail on no row
		return b.aggregate(nil, []string{
			fmt.Sprintf("countIf(kind = %d) AS n_arrived", kindArrived),
			fmt.Sprintf("countIf(kind = %d AND a) AS n_ead_population", kindArrived),
			fmt.Sprintf("countIf(kind = %d AND a AND b) AS n_ead_covered", kindArrived),
			fmt.Sprintf("countIf(kind = %d) AS n_declarations", kindDeclaration),
			fmt.Sprintf("countIf(kind = %d AND a) AS n_complete", kindDeclaration),
			fmt.Sprintf("countIf(kind = %d) AS n_presented", kindPresented),
			fmt.Sprintf("countIf(kind = %d AND a) AS n_inspected", kindPresented),
			fmt.Sprintf("countIf(kind = %d AND b) AS n_hits", kindPresented),
			fmt.Sprintf("countIf(kind = %d AND c) AS n_released", kindPresented),
			fmt.Sprintf("countIf(kind = %d AND d) AS n_released_clean", kindPresented),
		}, append(items, declarations)...)
	},
	scan: func(sc *scanner) (postclear.ComplianceStat, error) {
		var arrived, eadPop, covered, decls, complete, presented, inspected, hits, released, clean uint64
		key, err := sc.scan(&arrived, &eadPop, &covered, &decls, &complete, &presented, &inspected, &hits, &released, &clean)
		if err != nil {
			return postclear.ComplianceStat{}, err
		}
		return postclear.ComplianceStat{
			Key:                            key,
			ItemsArrived:                   int64(arrived),
			EadCoverage:                    rate(covered, eadPop),
			Declarations:                   int64(decls),
			DeclarationCompleteness:        rate(complete, decls),
			ItemsPresented:                 int64(presented),
			InspectionRate:                 rate(inspected, presented),
			HitRate:                        rate(hits, inspected),
			ReleaseWithoutInterventionRate: rate(clean, released),
		}, nil
	},
	key: func(r *postclear.ComplianceStat) *postclear.GroupKey { return &r.Key },
	fields: []field[postclear.ComplianceStat]{
		count("ITEMS_ARRIVED", func(r *postclear.ComplianceStat) int64 { return r.ItemsArrived }),
		number("EAD_COVERAGE", func(r *postclear.ComplianceStat) *float64 { return r.EadCoverage }),
		count("DECLARATIONS", func(r *postclear.ComplianceStat) int64 { return r.Declarations }),
		number("DECLARATION_COMPLETENESS", func(r *postclear.ComplianceStat) *float64 { return r.DeclarationCompleteness }),
		count("ITEMS_PRESENTED", func(r *postclear.ComplianceStat) int64 { return r.ItemsPresented }),
		number("INSPECTION_RATE", func(r *postclear.ComplianceStat) *float64 { return r.InspectionRate }),
		number("HIT_RATE", func(r *postclear.ComplianceStat) *float64 { return r.HitRate }),
		number("RELEASE_WITHOUT_INTERVENTION_RATE", func(r *postclear.ComplianceStat) *float64 { return r.ReleaseWithoutInterventionRate }),
	},
}

// complianceItems are the items' branches of compliance: a row of kind
// kindArrived for each item arrived in the range, attributed to its
// arrival, and one of kind kindPresented for each item presented in it,
// attributed to its presentation. Each branch reads the destination's
// items whose lives overlap the range (item_facts is sorted by them) and
// keeps those whose own date is in it: at 20 M items two plain scans cost
// 20 % less CPU than one scan that gave each item a row per kind with
// ARRAY JOIN (docs/benchmarks.md, "Compliance: two scans again").
//
// Arrived: a, the item is in the EAD coverage population (an item without
// a declaration has no category: not DOCUMENTS, so it is, and is not
// covered); b, it is covered. Presented: a, inspected; b, inspected and
// seized; c, released; d, released without intervention.
func complianceItems(b *builder) []string {
	branch := func(kind int, date string, flags ...string) string {
		cols := append(b.keySelect("assumeNotNull("+date+")", fromItems), fmt.Sprintf("toUInt8(%d) AS kind", kind))
		return selectSQL(append(cols, flags...), itemFacts, append(b.attributed(), "ifNull("+inRange(date)+", 0)"))
	}
	return []string{
		branch(kindArrived, "arrived_at",
			"toUInt8(ifNull(category, '') != 'DOCUMENTS') AS a",
			"toUInt8(ifNull(ead_at <= arrived_at, 0)) AS b", complianceIgnore),
		branch(kindPresented, "presented_at",
			"toUInt8(inspected) AS a",
			"toUInt8(inspected AND seized) AS b",
			"toUInt8(released_at IS NOT NULL) AS c",
			"toUInt8(released_at IS NOT NULL AND NOT intervened) AS d"),
	}
}

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

// unicodeSpace is the set of characters Go's strings.TrimSpace removes
// (unicode.IsSpace), as an RE2 class: DOMAIN.md says "trimmed", and the
// tests' oracle (postclear.Declaration.Complete) trims with TrimSpace.
const unicodeSpace = `[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]`

// completeSQL is DOMAIN.md's complete declaration. The description test
// matches strings.EqualFold against the ASCII vague words exactly: besides
// ASCII case, EqualFold folds only U+017F (long s) to s and U+212A (Kelvin
// sign) to k among letters that could spell one of them, so those two are
// mapped first and the rest compared with lower(), which changes ASCII
// only (lowerUTF8 would also turn U+0130 into i, which EqualFold does not).
var completeSQL = func() string {
	vague := make([]string, len(postclear.VagueDescriptions))
	for i, v := range postclear.VagueDescriptions {
		vague[i] = "'" + v + "'"
	}
	hs := make([]string, len(postclear.HSRequiredCategories))
	for i, c := range postclear.HSRequiredCategories {
		hs[i] = "'" + c + "'"
	}
	trimmed := fmt.Sprintf("replaceRegexpAll(description, '^%s+|%s+$', '')", unicodeSpace, unicodeSpace)
	return fmt.Sprintf(`%s != ''
            AND lower(replaceAll(replaceAll(%s, 'ſ', 's'), 'K', 'k')) NOT IN (%s)
            AND declared_value > 0 AND currency != '' AND gross_weight_kg > 0
            AND (category NOT IN (%s) OR hs_code != '')`,
		trimmed, trimmed, strings.Join(vague, ", "), strings.Join(hs, ", "))
}()

// ComplianceSQL returns the SQL and parameters of a compliance query
// (DOMAIN.md KPI 3). Its four sub-populations have their own attribution
// dates, so it is a UNION ALL of three branches (arrived items,
// declarations, presented items) with two to four flags each, grouped
// together: a group appears when any branch has rows in it.
//
// Columns: the keys, then arrived, arrived excluding DOCUMENTS, of those
// covered by EAD in time; declarations, complete ones; presented,
// inspected, inspected and seized, presented and released, released
// without intervention.
func (s *Service) ComplianceSQL(q postclear.KPIQuery) (string, warehouse.Params, error) {
	b, sqlText, err := s.complianceSQL(q)
	if err != nil {
		return "", nil, err
	}
	return sqlText, b.params, nil
}

func (s *Service) complianceSQL(q postclear.KPIQuery) (*builder, string, error) {
	b, err := s.newBuilder(q)
	if err != nil {
		return nil, "", err
	}
	arrived := b.milestones("arrived_at", []string{
		fmt.Sprintf("toUInt8(%d) AS kind", kindArrived),
		// An item without a declaration has no category: not DOCUMENTS,
		// so it is in the coverage population, and not covered.
		"toUInt8(ifNull(category, '') != 'DOCUMENTS') AS a",
		"toUInt8(ifNull(ead_at <= arrived_at, 0)) AS b",
		complianceIgnore,
	})
	// FINAL: each stored declaration counts once even before the merge
	// that removes a re-ingested duplicate. The date range is a PREWHERE,
	// applied before FINAL merges the copies of a key, which is exact
	// because received_at is part of the key (every copy has the same),
	// and spares reading the other columns of declarations out of range;
	// the other filters must see the copy FINAL keeps, so they stay in
	// WHERE.
	declarations := selectSQL(append(b.keySelect("received_at", declarationDim),
		fmt.Sprintf("toUInt8(%d) AS kind", kindDeclaration),
		"toUInt8("+completeSQL+") AS a",
		"toUInt8(0) AS b", complianceIgnore,
	), "{db:Identifier}.declarations FINAL\n    PREWHERE "+inRange("received_at"), b.dimFilters(declarationDim))
	presented := b.milestones("presented_at", []string{
		fmt.Sprintf("toUInt8(%d) AS kind", kindPresented),
		"inspected AS a",
		"toUInt8(inspected AND seized) AS b",
		"toUInt8(released_at IS NOT NULL) AS c",
		"toUInt8(released_at IS NOT NULL AND NOT intervened) AS d",
	})
	sqlText := b.aggregate(nil, []string{
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
	}, MaxRows+1, arrived, declarations, presented)
	return b, sqlText, nil
}

// ComplianceRates returns the compliance KPIs of q. Declarations are
// grouped by their own origin, destination, mail class and category; they
// have no office, so grouping by OFFICE puts them in the office-null group
// and filtering by office leaves them out.
func (s *Service) ComplianceRates(ctx context.Context, q postclear.KPIQuery) ([]postclear.ComplianceStat, error) {
	return cached(ctx, s, "compliance", q, nil, func(ctx context.Context) ([]postclear.ComplianceStat, error) { return s.complianceRates(ctx, q) })
}

func (s *Service) complianceRates(ctx context.Context, q postclear.KPIQuery) (out []postclear.ComplianceStat, err error) {
	defer wrap(&err, "compliance rates")
	q.Scope = postclear.ScopeFrom(ctx)
	b, sqlText, err := s.complianceSQL(q)
	if err != nil {
		return nil, err
	}
	ks := newKeyScan(b.q)
	err = s.query(ctx, sqlText, b.params, func(rows warehouse.Rows) error {
		var arrived, eadPop, covered, decls, complete, presented, inspected, hits, released, clean uint64
		key, err := ks.scan(rows, &arrived, &eadPop, &covered, &decls, &complete, &presented, &inspected, &hits, &released, &clean)
		if err != nil {
			return err
		}
		if len(out) == MaxRows {
			return tooManyRows(-1)
		}
		out = append(out, postclear.ComplianceStat{
			Key:                            key,
			ItemsArrived:                   int64(arrived),
			EadCoverage:                    rate(covered, eadPop),
			Declarations:                   int64(decls),
			DeclarationCompleteness:        rate(complete, decls),
			ItemsPresented:                 int64(presented),
			InspectionRate:                 rate(inspected, presented),
			HitRate:                        rate(hits, inspected),
			ReleaseWithoutInterventionRate: rate(clean, released),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return finish(b.q, out,
		func(r *postclear.ComplianceStat) postclear.GroupKey { return r.Key },
		func(*postclear.ComplianceStat) string { return "" },
		func(k postclear.GroupKey, _ string) postclear.ComplianceStat { return postclear.ComplianceStat{Key: k} })
}

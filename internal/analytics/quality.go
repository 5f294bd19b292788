package analytics

import (
	"context"
	"fmt"
	"strings"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// DeclarationQuality returns the declaration quality KPI (docs/domain.md
// KPI 8): per group, bucket and rule of a complete declaration, the
// declarations received and how many fail the rule.
func (s *Service) DeclarationQuality(ctx context.Context, q postclear.KPIQuery) ([]postclear.DeclarationRuleStat, error) {
	return quality.run(ctx, s, q, struct{}{})
}

// QualitySQL returns the SQL and parameters of DeclarationQuality.
func (s *Service) QualitySQL(q postclear.KPIQuery) (string, warehouse.Params, error) {
	return quality.SQL(context.Background(), s, q, struct{}{})
}

// ruleColumn is the declaration_facts column holding whether a declaration
// fails rule (1 when it does): fails_description, fails_value,
// fails_currency, fails_weight, fails_hs_code (migration 0006).
func ruleColumn(rule string) string { return "fails_" + strings.ToLower(rule) }

// quality: declarations by received_at, grouped by their own attributes
// (OFFICE is null), as declarationCompleteness; the refresh evaluated each
// declaration's rules once, in declaration_facts. Every group and bucket
// is counted once and then spread over the five rules (ARRAY JOIN), so
// each has a row for every rule, all over the same declarations.
//
// Columns after the keys: rule, declarations, failing.
var quality = &family[struct{}, postclear.DeclarationRuleStat]{
	name: "declaration quality",
	api:  "declarationQuality",
	sql: func(b *builder, _ struct{}) string {
		metrics := []string{"count() AS n_declarations"}
		var cols, rules, failing []string
		for _, r := range postclear.DeclarationRules {
			c := ruleColumn(r)
			cols = append(cols, c)
			metrics = append(metrics, fmt.Sprintf("sum(%s) AS n_%s", c, c))
			rules = append(rules, "'"+r+"'")
			failing = append(failing, "n_"+c)
		}
		groups := b.aggregate(nil, metrics, b.declarationFacts(cols))
		return fmt.Sprintf("SELECT\n    %s\nFROM (\n    %s\n)\nARRAY JOIN\n    [%s] AS rule,\n    [%s] AS n_failing\nLIMIT %d",
			strings.Join(append(b.keyColumns(), "rule", "n_declarations", "n_failing"), ",\n    "),
			strings.ReplaceAll(groups, "\n", "\n    "), strings.Join(rules, ", "), strings.Join(failing, ", "), b.rowLimit)
	},
	scan: func(sc *scanner) (postclear.DeclarationRuleStat, error) {
		var rule string
		var n, failing uint64
		key, err := sc.scan(&rule, &n, &failing)
		return postclear.DeclarationRuleStat{Key: key, Rule: rule, Declarations: int64(n), Failing: int64(failing),
			FailureRate: rate(failing, n)}, err
	},
	key: func(r *postclear.DeclarationRuleStat) *postclear.GroupKey { return &r.Key },
	refuses: map[postclear.Dimension]string{
		postclear.DimRiskChannel: "declarations have no inspection",
	},
	extra: &extraKey[postclear.DeclarationRuleStat]{
		name:  "RULE",
		get:   func(r *postclear.DeclarationRuleStat) string { return r.Rule },
		set:   func(r *postclear.DeclarationRuleStat, rule string) { r.Rule = rule },
		order: postclear.DeclarationRules,
	},
	fields: []field[postclear.DeclarationRuleStat]{
		count("DECLARATIONS", func(r *postclear.DeclarationRuleStat) int64 { return r.Declarations }),
		count("FAILING", func(r *postclear.DeclarationRuleStat) int64 { return r.Failing }),
		number("FAILURE_RATE", func(r *postclear.DeclarationRuleStat) *float64 { return r.FailureRate }),
	},
}

package bench

import (
	"fmt"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// The PostgreSQL side of the benchmark: the stack most teams would pick
// instead. PostgreSQL gets what postclear's queries read, already computed
// (per-item milestones, first seizures per category, declarations),
// exported from the engine, so it is measured on the same work and not
// handicapped by regrouping events; its indexes lead with the destination
// country and the attribution dates the queries filter on.

// PGSchema creates the tables the PostgreSQL queries read.
const PGSchema = `
DROP TABLE IF EXISTS milestones, seizures, declarations;
CREATE TABLE milestones (
    item_id text PRIMARY KEY,
    origin_country text, destination_country text, mail_class text, office text, category text,
    posted_at timestamp, arrived_at timestamp, presented_at timestamp, released_at timestamp,
    delivered_at timestamp, ead_at timestamp,
    inspected boolean NOT NULL, seized boolean NOT NULL, intervened boolean NOT NULL
);
CREATE TABLE seizures (item_id text NOT NULL, seizure_category text NOT NULL, seized_at timestamp NOT NULL);
CREATE TABLE declarations (
    item_id text NOT NULL, received_at timestamp NOT NULL,
    origin_country text, destination_country text, mail_class text, category text,
    description text, hs_code text, declared_value numeric, currency text, gross_weight_kg numeric
);`

// PGIndexes are created after loading, as anyone loading a bulk file
// would: one per attribution date, led by the destination country so that
// a one-country query reads only its range, and one on the date alone for
// all-destination queries.
const PGIndexes = `
CREATE INDEX ON milestones (destination_country, released_at);
CREATE INDEX ON milestones (destination_country, posted_at);
CREATE INDEX ON milestones (destination_country, arrived_at);
CREATE INDEX ON milestones (destination_country, presented_at);
CREATE INDEX ON milestones (released_at);
CREATE INDEX ON milestones (posted_at);
CREATE INDEX ON milestones (arrived_at);
CREATE INDEX ON milestones (presented_at);
CREATE INDEX ON seizures (seized_at);
CREATE INDEX ON seizures (item_id);
CREATE INDEX ON declarations (destination_country, received_at);
CREATE INDEX ON declarations (received_at);
ANALYZE;`

// PGExport maps each PostgreSQL table to the engine query that exports
// it, in the table's column order. Nulls come out as \N, which COPY is
// told to read as NULL.
func PGExport(db string) map[string]string {
	return map[string]string{
		"milestones": `SELECT item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened FROM ` + db + `.item_milestones`,
		"seizures": `SELECT item_id, seizure_category, min(first_seized_at) FROM ` + db + `.seizure_state GROUP BY item_id, seizure_category`,
		"declarations": `SELECT item_id, received_at, origin_country, destination_country, mail_class, category,
    description, hs_code, declared_value, currency, gross_weight_kg FROM ` + db + `.declarations FINAL`,
	}
}

// PGSQL returns c in PostgreSQL's dialect, with percentile_cont (linear
// interpolation between closest ranks, as DOMAIN.md asks) for the
// percentiles. Its columns are those of the server's SQL, so the results
// can be compared. params are the server SQL's parameters for c (the
// benchmark's own constants, written into the text as literals).
func PGSQL(c Case, params warehouse.Params) (string, error) {
	p := pg{q: c.Query, params: params}
	switch c.Family {
	case Clearance:
		return p.clearance(), nil
	case Delivery:
		return p.delivery(), nil
	case Compliance:
		return p.compliance(), nil
	case Seizures:
		return p.seizures(), nil
	}
	return "", fmt.Errorf("bench: no PostgreSQL SQL for %q", c.Family)
}

type pg struct {
	q      postclear.KPIQuery
	params warehouse.Params
}

func (p pg) ts(name string) string {
	t, _ := p.params[name].(time.Time)
	return "TIMESTAMP '" + t.UTC().Format(time.DateTime) + "'"
}

func (p pg) inRange(col string) string {
	return fmt.Sprintf("%s >= %s AND %s < %s", col, p.ts("from"), col, p.ts("to"))
}

var pgTrunc = map[postclear.Granularity]string{
	postclear.Day: "day", postclear.Week: "week", postclear.Month: "month",
	postclear.Quarter: "quarter", postclear.Year: "year",
}

// keys returns the key columns for attribution column attr with item
// attributes from alias e ("" or "m.").
func (p pg) keys(attr, e string) []string {
	var cols []string
	if g := p.q.Granularity; g != nil {
		cols = append(cols, fmt.Sprintf("date_trunc('%s', %s)::date AS period", pgTrunc[*g], attr))
	}
	for _, d := range p.q.GroupBy {
		cols = append(cols, e+declarationDim[d]+" AS k_"+naiveAlias[d])
	}
	return cols
}

func (p pg) keyNames(extra ...string) []string {
	var keys []string
	if p.q.Granularity != nil {
		keys = append(keys, "period")
	}
	for _, d := range p.q.GroupBy {
		keys = append(keys, "k_"+naiveAlias[d])
	}
	return append(keys, extra...)
}

func (p pg) dest(e string) string {
	if len(p.q.Filter.DestinationCountries) == 0 {
		return ""
	}
	return " AND " + e + "destination_country = '" + p.q.Filter.DestinationCountries[0] + "'"
}

// outer wraps an inner SELECT in the grouping query.
func (p pg) outer(metrics []string, inner string, extra ...string) string {
	keys := p.keyNames(extra...)
	sel := append(append([]string{}, keys...), metrics...)
	s := "SELECT " + strings.Join(sel, ",\n    ") + "\nFROM (\n" + inner + "\n) t"
	if len(keys) > 0 {
		s += "\nGROUP BY " + strings.Join(keys, ", ")
	}
	return s
}

func (p pg) clearance() string {
	inner := "SELECT " + strings.Join(append(p.keys("released_at", ""),
		"extract(epoch FROM released_at - presented_at)::bigint AS secs",
		"extract(epoch FROM released_at - presented_at)::float8 / 3600 AS hours"), ", ") + `
FROM milestones
WHERE presented_at IS NOT NULL AND released_at >= presented_at AND ` + p.inRange("released_at") + p.dest("")
	return p.outer([]string{
		"count(*) AS n_items",
		"sum(secs) AS total_secs",
		"percentile_cont(ARRAY[0.5, 0.9, 0.95]) WITHIN GROUP (ORDER BY secs) AS q_secs",
		fmt.Sprintf("count(*) FILTER (WHERE hours <= %v) AS n_within", p.params["target_hours"]),
	}, inner)
}

func (p pg) delivery() string {
	inner := "SELECT " + strings.Join(append(p.keys("posted_at", ""),
		"delivered_at IS NOT NULL AS is_delivered",
		"extract(epoch FROM delivered_at - posted_at)::bigint AS secs",
		fmt.Sprintf("(posted_at::date - DATE '1970-01-01') + %v AS due_day", p.params["standard_days"]),
		"(delivered_at::date - DATE '1970-01-01') AS delivered_day"), ", ") + `
FROM milestones
WHERE ` + p.inRange("posted_at") + p.dest("")
	today := p.params["today"]
	return p.outer([]string{
		"count(*) AS n_items",
		"count(*) FILTER (WHERE is_delivered) AS n_delivered",
		"coalesce(sum(secs) FILTER (WHERE is_delivered), 0) AS total_secs",
		"percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY secs) FILTER (WHERE is_delivered) AS q_secs",
		fmt.Sprintf("count(*) FILTER (WHERE due_day < %v) AS n_judged", today),
		fmt.Sprintf("count(*) FILTER (WHERE due_day < %v AND is_delivered AND delivered_day <= due_day) AS n_on_time", today),
		fmt.Sprintf("count(*) FILTER (WHERE due_day < %v AND is_delivered AND delivered_day - due_day = 1) AS n_late_1", today),
		fmt.Sprintf("count(*) FILTER (WHERE due_day < %v AND is_delivered AND delivered_day - due_day >= 2) AS n_late_2", today),
		fmt.Sprintf("count(*) FILTER (WHERE due_day < %v AND NOT is_delivered) AS n_not_delivered", today),
	}, inner)
}

func (p pg) compliance() string {
	vague := make([]string, len(postclear.VagueDescriptions))
	for i, v := range postclear.VagueDescriptions {
		vague[i] = "'" + v + "'"
	}
	hs := make([]string, len(postclear.HSRequiredCategories))
	for i, c := range postclear.HSRequiredCategories {
		hs[i] = "'" + c + "'"
	}
	complete := fmt.Sprintf(`btrim(description) <> '' AND lower(btrim(description)) NOT IN (%s)
        AND declared_value > 0 AND currency <> '' AND gross_weight_kg > 0
        AND (category NOT IN (%s) OR hs_code <> '')`, strings.Join(vague, ", "), strings.Join(hs, ", "))
	inner := "SELECT " + strings.Join(append(p.keys("arrived_at", ""),
		"1 AS kind", "coalesce(category, '') <> 'DOCUMENTS' AS a", "coalesce(ead_at <= arrived_at, false) AS b",
		"false AS c", "false AS d"), ", ") + `
FROM milestones WHERE ` + p.inRange("arrived_at") + p.dest("") + `
UNION ALL
SELECT ` + strings.Join(append(p.keys("received_at", ""),
		"2", "("+complete+")", "false", "false", "false"), ", ") + `
FROM declarations WHERE ` + p.inRange("received_at") + p.dest("") + `
UNION ALL
SELECT ` + strings.Join(append(p.keys("presented_at", ""),
		"3", "inspected", "inspected AND seized", "released_at IS NOT NULL",
		"released_at IS NOT NULL AND NOT intervened"), ", ") + `
FROM milestones WHERE ` + p.inRange("presented_at") + p.dest("")
	return p.outer([]string{
		"count(*) FILTER (WHERE kind = 1) AS n_arrived",
		"count(*) FILTER (WHERE kind = 1 AND a) AS n_ead_population",
		"count(*) FILTER (WHERE kind = 1 AND a AND b) AS n_ead_covered",
		"count(*) FILTER (WHERE kind = 2) AS n_declarations",
		"count(*) FILTER (WHERE kind = 2 AND a) AS n_complete",
		"count(*) FILTER (WHERE kind = 3) AS n_presented",
		"count(*) FILTER (WHERE kind = 3 AND a) AS n_inspected",
		"count(*) FILTER (WHERE kind = 3 AND b) AS n_hits",
		"count(*) FILTER (WHERE kind = 3 AND c) AS n_released",
		"count(*) FILTER (WHERE kind = 3 AND d) AS n_released_clean",
	}, inner)
}

func (p pg) seizures() string {
	inner := "SELECT " + strings.Join(append(p.keys("s.seized_at", "m."),
		"s.seizure_category", fmt.Sprintf("s.seized_at >= %s AS in_range", p.ts("from")), "true AS is_seizure"), ", ") + `
FROM seizures s JOIN milestones m ON m.item_id = s.item_id
WHERE s.seized_at >= ` + p.ts("seized_from") + " AND s.seized_at < " + p.ts("to") + p.dest("m.") + `
UNION ALL
SELECT ` + strings.Join(append(p.keys("presented_at", ""), "''", "true", "false"), ", ") + `
FROM milestones WHERE ` + p.inRange("presented_at") + p.dest("")
	return p.outer([]string{
		"count(*) FILTER (WHERE is_seizure AND in_range) AS n_seizures",
		"count(*) FILTER (WHERE is_seizure) AS n_bucket_seizures",
		"count(*) FILTER (WHERE NOT is_seizure) AS n_presented",
	}, inner, "seizure_category")
}

package bench

import (
	"context"
	"fmt"
	"strings"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// NaiveSQL returns c written the way a user without postclear's
// milestones would write it: every request groups the raw events,
// declarations and decisions into items, then computes the KPI. It returns
// the same columns, in the same order and types, as the server's SQL for
// c, and takes the same parameters (params are those SQL returned for c),
// so that the two results can be compared row for row.
//
// It filters raw events by destination before grouping, as such a user
// would; an item's events share its destination in every real feed, and
// the correctness test checks that the results agree.
func NaiveSQL(c Case) (string, error) {
	n := naive{q: c.Query}
	switch c.Family {
	case Clearance:
		return n.clearance(), nil
	case Delivery:
		return n.delivery(), nil
	case Compliance:
		return n.compliance(), nil
	case Seizures:
		return n.seizures(), nil
	}
	return "", fmt.Errorf("bench: no naive SQL for %q", c.Family)
}

type naive struct{ q postclear.KPIQuery }

const naiveRange = "%[1]s >= {from:DateTime('UTC')} AND %[1]s < {to:DateTime('UTC')}"

// itemEvents groups raw events into one row per item: the attributes of
// its earliest event (ties: smallest event code) and the first time of
// each milestone event.
func (n naive) itemEvents() string {
	where := ""
	if len(n.q.Filter.DestinationCountries) > 0 {
		where = "\n        WHERE destination_country IN {f_destination:Array(String)}"
	}
	return `(
        SELECT item_id,
            toString(argMin(origin_country, (event_time, event_code))) AS first_origin,
            toString(argMin(destination_country, (event_time, event_code))) AS first_destination,
            minIf(toNullable(event_time), event_code = 'EMA') AS posted_at,
            minIf(toNullable(event_time), event_code = 'EMD') AS arrived_at,
            minIf(toNullable(event_time), event_code = 'EDB') AS presented_at,
            minIf(toNullable(event_time), event_code = 'EDC') AS returned_at,
            minIf(toNullable(event_time), event_code = 'EMI') AS delivered_at
        FROM {db:Identifier}.events` + where + `
        GROUP BY item_id
    )`
}

// itemDecisions groups raw decisions into one row per item.
func itemDecisions() string {
	return `(
        SELECT item_id,
            minIf(toNullable(decided_at), decision = 'RELEASE') AS release_at,
            toUInt8(max(decision = 'INSPECT')) AS inspected,
            toUInt8(max(decision = 'SEIZE')) AS seized,
            toUInt8(max(decision IN ('HOLD', 'INSPECT', 'SEIZE', 'RETURN', 'DO_NOT_LOAD', 'REQUEST_INFO'))) AS intervened
        FROM {db:Identifier}.decisions
        GROUP BY item_id
    )`
}

// itemDeclarations groups raw declarations into one row per item: the
// earliest received_at and the category of that earliest declaration.
func itemDeclarations() string {
	return `(
        SELECT item_id,
            min(received_at) AS ead_at,
            toString(argMin(category, (received_at, category))) AS category
        FROM {db:Identifier}.declarations
        GROUP BY item_id
    )`
}

// keys returns the key columns for attribution expression attr, with the
// item attributes read from alias e.
func (n naive) keys(attr, e string) []string {
	var cols []string
	if g := n.q.Granularity; g != nil {
		cols = append(cols, fmt.Sprintf(naiveBucket[*g], attr)+" AS period")
	}
	for _, d := range n.q.GroupBy {
		cols = append(cols, e+naiveDim[d]+" AS k_"+naiveAlias[d])
	}
	return cols
}

// keyAliases are the key columns' aliases: the period, the grouped
// dimensions, then extra.
func (n naive) keyAliases(extra ...string) []string {
	var keys []string
	if n.q.Granularity != nil {
		keys = append(keys, "period")
	}
	for _, d := range n.q.GroupBy {
		keys = append(keys, "k_"+naiveAlias[d])
	}
	return append(keys, extra...)
}

func (n naive) groupBy(extra ...string) string {
	keys := n.keyAliases(extra...)
	if len(keys) == 0 {
		return ""
	}
	return "\nGROUP BY " + strings.Join(keys, ", ")
}

func (n naive) keyList(extra ...string) string {
	keys := n.keyAliases(extra...)
	if len(keys) == 0 {
		return ""
	}
	return strings.Join(keys, ", ") + ", "
}

var naiveBucket = map[postclear.Granularity]string{
	postclear.Day:     "toDate(%s)",
	postclear.Week:    "toMonday(%s)",
	postclear.Month:   "toStartOfMonth(%s)",
	postclear.Quarter: "toStartOfQuarter(%s)",
	postclear.Year:    "toStartOfYear(%s)",
}

// Only the event attributes: the naive queries group by what raw events
// carry. (OFFICE and CATEGORY would need more joins and the benchmark does
// not ask for them.)
var (
	naiveDim = map[postclear.Dimension]string{
		postclear.DimOriginCountry:      "first_origin",
		postclear.DimDestinationCountry: "first_destination",
	}
	naiveAlias = map[postclear.Dimension]string{
		postclear.DimOriginCountry:      "origin",
		postclear.DimDestinationCountry: "destination",
	}
)

// declarationDim is a declaration's own attribute columns.
var declarationDim = map[postclear.Dimension]string{
	postclear.DimOriginCountry:      "origin_country",
	postclear.DimDestinationCountry: "destination_country",
}

// destFilter is the exact destination condition on a grouped item.
func (n naive) destFilter(e string) string {
	if len(n.q.Filter.DestinationCountries) == 0 {
		return ""
	}
	return " AND " + e + "first_destination IN {f_destination:Array(String)}"
}

func (n naive) clearance() string {
	return `SELECT ` + n.keyList() + `count() AS n_items,
    sum(secs) AS total_secs,
    quantilesExactInclusive(0.5, 0.9, 0.95)(secs) AS q_secs,
    countIf(hours <= {target_hours:Float64}) AS n_within
FROM (
    SELECT ` + strings.Join(append(n.keys("released_at", ""),
		"toInt64(assumeNotNull(released_at)) - toInt64(assumeNotNull(presented_at)) AS secs",
		"secs / 3600 AS hours"), ",\n        ") + `
    FROM (
        SELECT e.*, coalesce(d.release_at, e.returned_at) AS released_at
        FROM ` + n.itemEvents() + ` AS e
        LEFT JOIN ` + itemDecisions() + ` AS d ON d.item_id = e.item_id
    )
    WHERE presented_at IS NOT NULL AND released_at IS NOT NULL AND released_at >= presented_at
      AND ` + fmt.Sprintf(naiveRange, "released_at") + n.destFilter("") + `
)` + n.groupBy() + `
HAVING count() > 0
SETTINGS join_use_nulls = 1`
}

func (n naive) delivery() string {
	return `SELECT ` + n.keyList() + `count() AS n_items,
    countIf(is_delivered) AS n_delivered,
    sumIf(secs, is_delivered) AS total_secs,
    quantilesExactInclusiveIf(0.5, 0.9)(secs, is_delivered) AS q_secs,
    countIf(due_day < {today:Int64}) AS n_judged,
    countIf(due_day < {today:Int64} AND is_delivered AND delivered_day <= due_day) AS n_on_time,
    countIf(due_day < {today:Int64} AND is_delivered AND delivered_day - due_day = 1) AS n_late_1,
    countIf(due_day < {today:Int64} AND is_delivered AND delivered_day - due_day >= 2) AS n_late_2,
    countIf(due_day < {today:Int64} AND NOT is_delivered) AS n_not_delivered
FROM (
    SELECT ` + strings.Join(append(n.keys("posted_at", ""),
		"delivered_at IS NOT NULL AS is_delivered",
		"toInt64(assumeNotNull(delivered_at)) - toInt64(assumeNotNull(posted_at)) AS secs",
		"intDiv(toInt64(assumeNotNull(posted_at)), 86400) + {standard_days:Int64} AS due_day",
		"intDiv(toInt64(assumeNotNull(delivered_at)), 86400) AS delivered_day"), ",\n        ") + `
    FROM ` + n.itemEvents() + `
    WHERE posted_at IS NOT NULL AND ` + fmt.Sprintf(naiveRange, "posted_at") + n.destFilter("") + `
)` + n.groupBy() + `
HAVING count() > 0`
}

// naiveComplete is DOMAIN.md's complete declaration as a user would write
// it: trimmed description not empty and not a vague word, value, currency,
// weight, and an HS code where the category needs one.
func naiveComplete() string {
	vague := make([]string, len(postclear.VagueDescriptions))
	for i, v := range postclear.VagueDescriptions {
		vague[i] = "'" + v + "'"
	}
	hs := make([]string, len(postclear.HSRequiredCategories))
	for i, c := range postclear.HSRequiredCategories {
		hs[i] = "'" + c + "'"
	}
	return fmt.Sprintf(`trimBoth(description) != '' AND lower(trimBoth(description)) NOT IN (%s)
            AND declared_value > 0 AND currency != '' AND gross_weight_kg > 0
            AND (category NOT IN (%s) OR hs_code != '')`, strings.Join(vague, ", "), strings.Join(hs, ", "))
}

func (n naive) compliance() string {
	declKeys := n.keys("received_at", "")
	for i, d := range n.q.GroupBy {
		off := 0
		if n.q.Granularity != nil {
			off = 1
		}
		declKeys[off+i] = "toString(" + declarationDim[d] + ") AS k_" + naiveAlias[d]
	}
	declWhere := fmt.Sprintf(naiveRange, "received_at")
	if len(n.q.Filter.DestinationCountries) > 0 {
		declWhere += " AND destination_country IN {f_destination:Array(String)}"
	}
	return `SELECT ` + n.keyList() + `countIf(kind = 1) AS n_arrived,
    countIf(kind = 1 AND a) AS n_ead_population,
    countIf(kind = 1 AND a AND b) AS n_ead_covered,
    countIf(kind = 2) AS n_declarations,
    countIf(kind = 2 AND a) AS n_complete,
    countIf(kind = 3) AS n_presented,
    countIf(kind = 3 AND a) AS n_inspected,
    countIf(kind = 3 AND b) AS n_hits,
    countIf(kind = 3 AND c) AS n_released,
    countIf(kind = 3 AND d) AS n_released_clean
FROM (
    SELECT ` + strings.Join(append(n.keys("e.arrived_at", "e."),
		"toUInt8(1) AS kind",
		"toUInt8(ifNull(x.category, '') != 'DOCUMENTS') AS a",
		"toUInt8(ifNull(x.ead_at <= e.arrived_at, 0)) AS b",
		"toUInt8(0) AS c", "toUInt8(0) AS d"), ",\n        ") + `
    FROM ` + n.itemEvents() + ` AS e
    LEFT JOIN ` + itemDeclarations() + ` AS x ON x.item_id = e.item_id
    WHERE e.arrived_at IS NOT NULL AND ` + fmt.Sprintf(naiveRange, "e.arrived_at") + n.destFilter("e.") + `
    UNION ALL
    SELECT ` + strings.Join(append(declKeys,
		"toUInt8(2) AS kind",
		"toUInt8("+naiveComplete()+") AS a",
		"toUInt8(0) AS b", "toUInt8(0) AS c", "toUInt8(0) AS d"), ",\n        ") + `
    FROM {db:Identifier}.declarations FINAL
    WHERE ` + declWhere + `
    UNION ALL
    SELECT ` + strings.Join(append(n.keys("e.presented_at", "e."),
		"toUInt8(3) AS kind",
		"toUInt8(ifNull(d.inspected, 0)) AS a",
		"toUInt8(ifNull(d.inspected AND d.seized, 0)) AS b",
		"toUInt8(coalesce(d.release_at, e.returned_at) IS NOT NULL) AS c",
		"toUInt8(coalesce(d.release_at, e.returned_at) IS NOT NULL AND NOT ifNull(d.intervened, 0)) AS d"), ",\n        ") + `
    FROM ` + n.itemEvents() + ` AS e
    LEFT JOIN ` + itemDecisions() + ` AS d ON d.item_id = e.item_id
    WHERE e.presented_at IS NOT NULL AND ` + fmt.Sprintf(naiveRange, "e.presented_at") + n.destFilter("e.") + `
)` + n.groupBy() + `
HAVING count() > 0
SETTINGS join_use_nulls = 1`
}

func (n naive) seizures() string {
	return `SELECT ` + n.keyList("seizure_category") + `countIf(is_seizure AND in_range) AS n_seizures,
    countIf(is_seizure) AS n_bucket_seizures,
    countIf(NOT is_seizure) AS n_presented
FROM (
    SELECT ` + strings.Join(append(n.keys("s.seized_at", "e."),
		"s.seizure_category AS seizure_category",
		"toUInt8(s.seized_at >= {from:DateTime('UTC')}) AS in_range",
		"toUInt8(1) AS is_seizure"), ",\n        ") + `
    FROM (
        SELECT item_id, toString(seizure_category) AS seizure_category, min(decided_at) AS seized_at
        FROM {db:Identifier}.decisions
        WHERE decision = 'SEIZE'
        GROUP BY item_id, seizure_category
        HAVING seized_at >= {seized_from:DateTime('UTC')} AND seized_at < {to:DateTime('UTC')}
    ) AS s
    LEFT JOIN ` + n.itemEvents() + ` AS e ON e.item_id = s.item_id
    WHERE 1` + n.destFilter("e.") + `
    UNION ALL
    SELECT ` + strings.Join(append(n.keys("presented_at", ""),
		"'' AS seizure_category",
		"toUInt8(1) AS in_range",
		"toUInt8(0) AS is_seizure"), ",\n        ") + `
    FROM ` + n.itemEvents() + `
    WHERE presented_at IS NOT NULL AND ` + fmt.Sprintf(naiveRange, "presented_at") + n.destFilter("") + `
)` + n.groupBy("seizure_category") + `
HAVING count() > 0
SETTINGS join_use_nulls = 1`
}

// Canonical wraps a query so that its result is one TSV line per row,
// sorted: two queries with the same numbers give the same lines whatever
// their column names or row order.
func Canonical(sqlText string) string {
	return "SELECT formatRow('TSV', *) AS r FROM (\n" + sqlText + "\n) ORDER BY r"
}

// Lines runs Canonical(sqlText) and returns its rows.
func Lines(ctx context.Context, e warehouse.Engine, sqlText string, params warehouse.Params) ([]string, error) {
	rows, err := e.Query(ctx, Canonical(sqlText), params)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, strings.TrimRight(s, "\n"))
	}
	return out, rows.Err()
}

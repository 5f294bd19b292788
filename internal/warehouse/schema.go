package warehouse

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Layout says where postclear's tables live: a database, and for cluster
// mode the ClickHouse cluster whose shards and replicas hold them.
type Layout struct {
	// Database holds every postclear table.
	Database string
	// Cluster, when set, makes every statement ON CLUSTER, stores data in
	// Replicated* tables named *_local on each shard, and puts a
	// Distributed table under the plain name, sharded by item_id so that
	// all records of one item meet on one shard (the milestones need that).
	Cluster string
}

// In returns the operator for "x IN (subquery)" in a query of this
// layout. On a cluster both sides read Distributed tables, and ClickHouse
// refuses a subquery over a Distributed table inside a distributed query
// under its default distributed_product_mode = 'deny'; GLOBAL IN runs the
// subquery once, on the initiator, and sends its result to every shard.
// (IN on the shards' local tables would do here, since every table is
// sharded by item_id, but it would tie each query to that layout.)
func (l Layout) In() string {
	if l.Cluster != "" {
		return "GLOBAL IN"
	}
	return "IN"
}

// NotIn is In for NOT IN.
func (l Layout) NotIn() string {
	if l.Cluster != "" {
		return "GLOBAL NOT IN"
	}
	return "NOT IN"
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate checks that the names can be spliced into DDL safely.
func (l Layout) Validate() error {
	if !identRE.MatchString(l.Database) {
		return fmt.Errorf("database name %q: use letters, digits and underscores", l.Database)
	}
	if l.Cluster != "" && !identRE.MatchString(l.Cluster) {
		return fmt.Errorf("cluster name %q: use letters, digits and underscores", l.Cluster)
	}
	return nil
}

// Migration is one versioned step of the schema.
type Migration struct {
	Version int
	Name    string
	// Statements are the rendered DDL statements, in order.
	Statements []string
}

// Checksum identifies the migration's rendered text, so that a database
// migrated by a build whose migration differed is recognised.
func (m Migration) Checksum() string {
	h := sha256.Sum256([]byte(strings.Join(m.Statements, ";\n")))
	return hex.EncodeToString(h[:])
}

// Migrations renders the embedded migrations for layout, in version order.
func Migrations(layout Layout) ([]Migration, error) {
	if err := layout.Validate(); err != nil {
		return nil, err
	}
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Migration
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
		num, label, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_label.sql", name)
		}
		src, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		stmts, err := render(string(src), layout)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: version, Name: label, Statements: stmts})
	}
	return out, nil
}

// render expands the template helpers of a migration file and splits it
// into statements (a statement ends with ";" at the end of a line).
func render(src string, l Layout) ([]string, error) {
	local := func(name string) string {
		if l.Cluster != "" {
			return name + "_local"
		}
		return name
	}
	funcs := template.FuncMap{
		"db": func() string { return l.Database },
		"table": func(name string) string {
			return l.Database + "." + local(name)
		},
		"onCluster": func() string {
			if l.Cluster == "" {
				return ""
			}
			return " ON CLUSTER " + l.Cluster
		},
		// engine names a MergeTree-family engine such as
		// "ReplacingMergeTree(version)"; in cluster mode it becomes the
		// Replicated variant with a ZooKeeper/Keeper path per shard.
		"engine": func(engine, table string) string {
			if l.Cluster == "" {
				return engine
			}
			name, args, _ := strings.Cut(engine, "(")
			args = strings.TrimSuffix(args, ")")
			path := fmt.Sprintf("'/clickhouse/tables/{shard}/%s/%s', '{replica}'", l.Database, local(table))
			if args != "" {
				path += ", " + args
			}
			return "Replicated" + name + "(" + path + ")"
		},
		// distributed shards by item_id, or by the column given as the
		// second argument for tables without items (mous by id).
		"distributed": func(table string, key ...string) string {
			if l.Cluster == "" {
				return ""
			}
			column := "item_id"
			if len(key) > 0 {
				column = key[0]
			}
			return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.%s ON CLUSTER %s AS %s.%s\nENGINE = Distributed(%s, %s, %s, cityHash64(%s));",
				l.Database, table, l.Cluster, l.Database, local(table), l.Cluster, l.Database, local(table), column)
		},
		// dropDistributed drops the Distributed table of a table that
		// is dropped; a single node has none.
		"dropDistributed": func(table string) string {
			if l.Cluster == "" {
				return ""
			}
			return fmt.Sprintf("DROP TABLE IF EXISTS %s.%s ON CLUSTER %s SYNC;", l.Database, table, l.Cluster)
		},
		// alter alters the columns of a table and, on a cluster, of its
		// Distributed table too, whose columns must follow the local
		// table's: two statements there, one on a single node.
		"alter": func(table, alter string) string {
			stmt := "ALTER TABLE " + l.Database + "." + local(table)
			if l.Cluster == "" {
				return stmt + alter + ";"
			}
			return fmt.Sprintf("%s ON CLUSTER %s%s;\n\nALTER TABLE %s.%s ON CLUSTER %s%s;", stmt, l.Cluster, alter, l.Database, table, l.Cluster, alter)
		},
	}
	t, err := template.New("migration").Funcs(funcs).Parse(src)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, nil); err != nil {
		return nil, err
	}
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(buf.String(), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "--")) {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		return nil, fmt.Errorf("statement without a closing semicolon: %.60q", cur.String())
	}
	return stmts, nil
}

// Migrate creates the database and applies every migration newer than the
// recorded version, recording each one as it completes. Statements are
// idempotent (IF NOT EXISTS), so a run interrupted midway is completed by
// the next one. It returns the schema version now in force.
func Migrate(ctx context.Context, e Engine, layout Layout) (version int, err error) {
	return migrateTo(ctx, e, layout, math.MaxInt)
}

// migrateTo is Migrate up to the migration numbered target (tests of
// upgrades use it to build a database as an older build left it).
func migrateTo(ctx context.Context, e Engine, layout Layout, target int) (version int, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("migrate %s: %w", layout.Database, err)
		}
	}()
	migrations, err := Migrations(layout)
	if err != nil {
		return 0, err
	}
	onCluster := ""
	if layout.Cluster != "" {
		onCluster = " ON CLUSTER " + layout.Cluster
	}
	if err := e.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+layout.Database+onCluster, nil); err != nil {
		return 0, err
	}
	ledger := layout.Database + ".schema_migrations"
	engine := "ReplacingMergeTree"
	if layout.Cluster != "" {
		engine = fmt.Sprintf("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/%s/schema_migrations', '{replica}')", layout.Database)
	}
	if err := e.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+ledger+onCluster+
		" (version UInt32, name String, checksum String, applied_at DateTime('UTC')) ENGINE = "+engine+" ORDER BY version", nil); err != nil {
		return 0, err
	}
	current, err := AppliedVersion(ctx, e, layout.Database)
	if err != nil {
		return 0, err
	}
	if err := checkApplied(ctx, e, layout.Database, migrations); err != nil {
		return current, err
	}
	for _, m := range migrations {
		if m.Version <= current || m.Version > target {
			continue
		}
		for _, stmt := range m.Statements {
			if err := e.Exec(ctx, stmt, nil); err != nil {
				return current, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
		}
		row := []any{uint32(m.Version), m.Name, m.Checksum(), time.Now().UTC()}
		if err := e.Insert(ctx, ledger, []string{"version", "name", "checksum", "applied_at"}, [][]any{row}); err != nil {
			return current, fmt.Errorf("record migration %04d: %w", m.Version, err)
		}
		current = m.Version
	}
	return current, nil
}

// checkApplied refuses a database whose applied migrations differ from
// this build's: tables shaped by other DDL would make the KPIs wrong in
// ways no error shows.
func checkApplied(ctx context.Context, e Engine, db string, migrations []Migration) error {
	rows, err := e.Query(ctx, "SELECT version, name, checksum FROM {db:Identifier}.schema_migrations FINAL", Params{"db": db})
	if err != nil {
		return mismatch(db, "its migration ledger predates checksums", err)
	}
	defer rows.Close()
	ours := map[int]Migration{}
	for _, m := range migrations {
		ours[m.Version] = m
	}
	for rows.Next() {
		var v uint32
		var name, sum string
		if err := rows.Scan(&v, &name, &sum); err != nil {
			return err
		}
		m, ok := ours[int(v)]
		switch {
		case !ok:
			return mismatch(db, fmt.Sprintf("it has migration %04d_%s, which this build does not know (a newer build?)", v, name), nil)
		case m.Checksum() != sum:
			return mismatch(db, fmt.Sprintf("its migration %04d_%s was applied from other DDL than this build's", v, name), nil)
		}
	}
	return rows.Err()
}

func mismatch(db, why string, cause error) error {
	return &postclear.Error{Code: postclear.EConflict, Err: cause, Message: "database " + db + " was created by a different build of postclear: " + why +
		"; its tables cannot be upgraded in place: load the data into a new data directory or --database"}
}

// AppliedVersion returns the newest migration recorded in db, 0 for none.
func AppliedVersion(ctx context.Context, e Engine, db string) (int, error) {
	rows, err := e.Query(ctx, "SELECT toUInt32(max(version)) FROM {db:Identifier}.schema_migrations", Params{"db": db})
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var v uint32
	for rows.Next() {
		if err := rows.Scan(&v); err != nil {
			return 0, err
		}
	}
	return int(v), rows.Err()
}

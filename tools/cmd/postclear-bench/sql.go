package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/postclear/postclear/internal/warehouse"
	"github.com/postclear/postclear/tools/internal/bench"
)

// runSQL runs statements from files (or standard input, "-") on a data
// directory and prints each query's rows as TSV, sorted, then the rows
// and bytes the engine read (other statements are only run): to try
// another version of a statement by hand. With -case, the statements get
// that case's parameters ({db}, {from}, …).
//
//	postclear-bench sql -data-dir DIR -case openItems/one try.sql
func runSQL(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("sql", flag.ContinueOnError)
	ef := addEngineFlags(fs, "chDB data directory (a copy: it is migrated)")
	name := fs.String("case", "", "take the parameters of this case")
	show := fs.Bool("print", false, "print the case's statements and parameters first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e, svc, err := ef.open(ctx, true)
	if err != nil {
		return err
	}
	defer e.Close()
	params := warehouse.Params{"db": *ef.db}
	if *name != "" {
		c, err := caseNamed(*name)
		if err != nil {
			return err
		}
		var stmts []string
		if stmts, params, err = bench.SQL(ctx, svc, c); err != nil {
			return err
		}
		if *show {
			for k, v := range params {
				fmt.Fprintf(stdout, "-- {%s} = %v\n", k, v)
			}
			fmt.Fprintln(stdout, strings.Join(stmts, ";\n\n"))
		}
	}
	for _, f := range fs.Args() {
		var b []byte
		if f == "-" {
			b, err = io.ReadAll(os.Stdin)
		} else {
			b, err = os.ReadFile(f)
		}
		if err != nil {
			return err
		}
		for _, stmt := range strings.Split(string(b), ";\n") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if !isQuery(stmt) {
				if err := e.Exec(ctx, stmt, params); err != nil {
					return fmt.Errorf("%s: %w", f, err)
				}
				fmt.Fprintln(stdout, "-- done")
				continue
			}
			lines, err := bench.Lines(ctx, e, stmt, params)
			if err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			for _, l := range lines {
				fmt.Fprintln(stdout, l)
			}
			read, bytes, err := drain(ctx, e, stmt, params)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "-- %d rows, %d rows read, %.2f MB read\n", len(lines), read, float64(bytes)/1e6)
		}
	}
	return nil
}

// isQuery tells a statement that returns rows (SELECT, WITH, EXPLAIN)
// from one run for its effect.
func isQuery(stmt string) bool {
	w, _, _ := strings.Cut(strings.TrimSpace(stmt), " ")
	switch strings.ToUpper(strings.TrimSpace(w)) {
	case "SELECT", "WITH", "EXPLAIN", "(SELECT":
		return true
	}
	return false
}

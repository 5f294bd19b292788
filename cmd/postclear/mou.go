package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/postclear/postclear/graph/scalar"
	"github.com/postclear/postclear/internal/postclear"
)

// runMoU lists, creates and archives MoUs (docs/mou.md) in the database,
// so that an operator can go from `seed --out` and `ingest` to `report`
// without writing GraphQL.
func runMoU(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("mou", "mou list [--archived] [--json] | create [MoU flags] | archive ID", stdout)
	cfg.engineFlags(fs)
	archived := fs.Bool("archived", false, "list: include archived MoUs")
	asJSON := fs.Bool("json", false, "list, create, archive: print the MoUs as JSON")
	var in postclear.MoUInput
	fs.StringVar(&in.Country, "country", "", "create: the destination country (ISO 3166-1 alpha-2)")
	fs.StringVar(&in.CustomsAdministration, "customs-administration", "", "create: name of the customs administration")
	fs.StringVar(&in.PostalOperator, "postal-operator", "", "create: name of the designated postal operator")
	fs.Func("signed-on", "create: date signed, YYYY-MM-DD", dateFlag(&in.SignedOn))
	fs.Func("effective-from", "create: first day in force, YYYY-MM-DD", dateFlag(&in.EffectiveFrom))
	fs.Func("effective-to", "create: day it ends, YYYY-MM-DD (default: open-ended)", func(s string) error {
		var t time.Time
		if err := dateFlag(&t)(s); err != nil {
			return err
		}
		in.EffectiveTo = &t
		return nil
	})
	fs.Func("target", "create: a KPI target KPI:AT_MOST|AT_LEAST:VALUE, e.g. CLEARANCE_P90_HOURS:AT_MOST:48 (repeatable)", func(s string) error {
		t, err := parseTarget(s)
		in.Targets = append(in.Targets, t)
		return err
	})
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usagef("name what to do: list, create or archive")
	}
	action, rest := rest[0], rest[1:]
	switch {
	case action != "list" && action != "create" && action != "archive":
		return usagef("unknown action %q: use list, create or archive", action)
	case action == "archive" && len(rest) != 1:
		return usagef("archive takes one MoU id (postclear mou list shows them)")
	case action != "archive" && len(rest) > 0:
		return usagef("unexpected argument %q", rest[0])
	}
	if action == "create" {
		// Check the input before the database is opened, with the
		// flag names the user typed.
		if err := in.Validate(); err != nil {
			return usagef("%s", flagNames.Replace(postclear.ErrorMessage(err)))
		}
	}

	e, store, err := openStore(ctx, cfg, newLogger(cfg.LogFormat, stderr))
	if err != nil {
		return err
	}
	defer e.Close()
	var mous []postclear.MoU
	switch action {
	case "list":
		mous, err = store.MoUs(ctx, *archived)
	case "create":
		var m postclear.MoU
		m, err = store.CreateMoU(ctx, in)
		mous = []postclear.MoU{m}
	case "archive":
		var m postclear.MoU
		m, err = store.ArchiveMoU(ctx, rest[0])
		mous = []postclear.MoU{m}
	}
	if err != nil {
		return fmt.Errorf("%s", postclear.ErrorMessage(err))
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(mous)
	}
	return printMoUs(stdout, mous)
}

// flagNames turns the GraphQL argument names of MoUInput.Validate's
// messages into the flags of `postclear mou create`.
var flagNames = strings.NewReplacer(
	"customsAdministration", "--customs-administration", "postalOperator", "--postal-operator",
	"signedOn", "--signed-on", "effectiveFrom", "--effective-from", "effectiveTo", "--effective-to",
	"targets[", "--target[", "country", "--country")

func printMoUs(w io.Writer, mous []postclear.MoU) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOUNTRY\tIN FORCE\tTARGETS\tARCHIVED\tCUSTOMS / POST")
	for _, m := range mous {
		to := "open-ended"
		if m.EffectiveTo != nil {
			to = "to " + m.EffectiveTo.Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%s\tfrom %s %s\t%d\t%t\t%s / %s\n", m.ID, m.Country, m.EffectiveFrom.Format(time.DateOnly), to,
			len(m.Targets), m.Archived, m.CustomsAdministration, m.PostalOperator)
	}
	return tw.Flush()
}

func dateFlag(dst *time.Time) func(string) error {
	return func(s string) error {
		t, err := scalar.ParseDate(s)
		if err != nil {
			return err
		}
		*dst = t
		return nil
	}
}

// parseTarget reads KPI:COMPARISON:VALUE.
func parseTarget(s string) (postclear.Target, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return postclear.Target{}, fmt.Errorf("write a target as KPI:AT_MOST|AT_LEAST:VALUE, e.g. CLEARANCE_P90_HOURS:AT_MOST:48")
	}
	v, err := strconv.ParseFloat(parts[2], 64)
	if err != nil {
		return postclear.Target{}, fmt.Errorf("value %q is not a number", parts[2])
	}
	return postclear.Target{KPI: postclear.KPI(strings.ToUpper(parts[0])), Comparison: postclear.Comparison(strings.ToUpper(parts[1])), Value: v}, nil
}

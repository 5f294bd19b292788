package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"time"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/report"
	"github.com/postclear/postclear/internal/warehouse"
)

// runReport writes the quarterly evaluation of an MoU as PDF, CSV or JSON:
// the same evaluation as the mouEvaluation query and the downloads. With
// --server it asks a running server for it (the embedded engine's data
// directory belongs to one process, and that may be the server).
func runReport(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("report", "report --mou ID --quarter YYYY-Qn [--format pdf|csv|json] [--bom] [-o FILE] [--server URL [--token TOKEN]]", stdout)
	cfg.engineFlags(fs)
	mouID := fs.String("mou", "", "id of the MoU, e.g. mou-ke-2024 (postclear mou list)")
	quarter := fs.String("quarter", "", "the quarter to evaluate, e.g. 2025-Q3")
	format := fs.String("format", "", "pdf, csv or json (default: from the -o file name's extension, else json)")
	bom := fs.Bool("bom", false, "start a CSV with a UTF-8 byte order mark, so that Excel reads its accents and scripts")
	out := fs.String("o", "-", "output file; - for standard output")
	server := fs.String("server", "", "ask the postclear server at this URL (e.g. http://127.0.0.1:8080) instead of opening the database")
	token := fs.String("token", "", "bearer token or API key for --server, when it requires authentication (postclear token)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *mouID == "" || *quarter == "" {
		return usagef("--mou and --quarter are required")
	}
	f := *format
	if f == "" {
		f = formatOf(*out)
	}
	write, ok := reportWriters[f]
	if !ok {
		return usagef("--format %q: use pdf, csv or json", f)
	}
	if *bom && f != "csv" {
		return usagef("--bom is for --format csv, not %s", f)
	}
	var doc []byte
	if *server != "" {
		var err error
		if doc, err = fetchReport(ctx, *server, *token, *mouID, *quarter, f); err != nil {
			return err
		}
	} else {
		logger := newLogger(cfg.LogFormat, stderr)
		e, store, err := openStore(ctx, cfg, logger)
		if err != nil {
			// The embedded engine refuses a directory another process
			// has locked (package chdb).
			if cfg.ClickHouseURL == "" && errors.Is(err, syscall.EWOULDBLOCK) {
				return fmt.Errorf("%s\nIf a postclear server holds it, ask that server: postclear report --server http://ADDRESS --mou %s --quarter %s (add --token when it requires authentication), or stop it first",
					postclear.ErrorMessage(err), *mouID, *quarter)
			}
			return err
		}
		defer e.Close()
		if doc, err = localReport(ctx, evaluator(e, store, cfg), store, write, *mouID, *quarter); err != nil {
			return err
		}
	}
	if *bom {
		doc = append([]byte(report.BOM), doc...)
	}
	if *out == "-" {
		_, err := stdout.Write(doc)
		return err
	}
	return os.WriteFile(*out, doc, 0o644)
}

// fetchReport gets an evaluation document from a running server's
// downloads, /reports/mous/{id}/{quarter}.{format}: the same computation
// and rendering as a local report.
func fetchReport(ctx context.Context, server, token, id, quarter, format string) ([]byte, error) {
	base, err := url.Parse(server)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, usagef("--server %q: give the server's URL, e.g. http://127.0.0.1:8080", server)
	}
	u := base.JoinPath("reports", "mous", id, quarter+"."+format)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("server %s: %w", base.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("server %s: %w", base.Redacted(), err)
	}
	if resp.StatusCode != http.StatusOK {
		// Errors come shaped like GraphQL errors (graph/reports.go).
		var e struct {
			Errors []struct{ Message string } `json:"errors"`
		}
		if json.Unmarshal(body, &e) == nil && len(e.Errors) > 0 {
			return nil, fmt.Errorf("server %s: %s (HTTP %d)", base.Redacted(), e.Errors[0].Message, resp.StatusCode)
		}
		return nil, fmt.Errorf("server %s: HTTP %s", base.Redacted(), resp.Status)
	}
	return body, nil
}

// localReport renders the evaluation of mouID for quarter as a local
// administrator: JSON (write nil) as the mouEvaluation field answers it,
// the other formats with write.
func localReport(ctx context.Context, ev *report.Evaluator, store *warehouse.Store, write func(io.Writer, *postclear.Evaluation) error, mouID, quarter string) ([]byte, error) {
	if write == nil {
		doc, err := graph.EvaluationJSON(auth.WithPrincipal(ctx, auth.LocalPrincipal), &graph.Resolver{MoUs: store, Evaluations: ev}, mouID, quarter)
		if err != nil {
			return nil, fmt.Errorf("%s", postclear.ErrorMessage(err))
		}
		return doc, nil
	}
	evaluation, err := ev.Evaluate(ctx, mouID, quarter)
	if err != nil {
		return nil, fmt.Errorf("%s", postclear.ErrorMessage(err))
	}
	var buf bytes.Buffer
	if err := write(&buf, &evaluation); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// reportWriters render an evaluation in each format; JSON, nil here, is
// the mouEvaluation field's answer (localReport).
var reportWriters = map[string]func(io.Writer, *postclear.Evaluation) error{
	"json": nil,
	"csv":  report.WriteCSV,
	"pdf": func(w io.Writer, ev *postclear.Evaluation) error {
		return report.WritePDF(w, ev, report.PDFOptions{Generated: time.Now()})
	},
}

func formatOf(name string) string {
	for _, f := range []string{"pdf", "csv", "json"} {
		if len(name) > len(f) && name[len(name)-len(f)-1:] == "."+f {
			return f
		}
	}
	return "json"
}

// evaluator computes evaluations over the KPI service of the engine.
func evaluator(e warehouse.Engine, store *warehouse.Store, cfg Config) *report.Evaluator {
	return &report.Evaluator{
		KPIs: &analytics.Service{Engine: e, Layout: cfg.layout(), Facts: store.Facts(), Now: time.Now},
		MoUs: store,
		Data: store,
	}
}

// seedMoUs stores the demo MoUs with their activities, disputes and actions unless
// an MoU exists already, so that a second seed does not duplicate them.
func seedMoUs(ctx context.Context, store *warehouse.Store) (int, error) {
	existing, err := store.MoUs(ctx, true)
	if err != nil || len(existing) > 0 {
		return 0, err
	}
	seeds := demo.MoUs()
	for _, s := range seeds {
		m, err := store.CreateMoU(ctx, s.MoU)
		if err != nil {
			return 0, fmt.Errorf("demo MoU %s: %w", s.MoU.Country, err)
		}
		for i := range s.Activities {
			s.Activities[i].MoUID = m.ID
		}
		for i := range s.Disputes {
			s.Disputes[i].MoUID = m.ID
		}
		if err := store.InsertActivities(ctx, s.Activities); err != nil {
			return 0, err
		}
		if err := store.InsertDisputes(ctx, s.Disputes); err != nil {
			return 0, err
		}
		for i := range s.Actions {
			s.Actions[i].MoUID = m.ID
		}
		if err := store.InsertActions(ctx, s.Actions); err != nil {
			return 0, err
		}
	}
	return len(seeds), nil
}

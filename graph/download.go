package graph

import (
	"context"
	"encoding/csv"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// DefaultMaxExportRows bounds the open-items download when
// Config.MaxExportRows is 0.
const DefaultMaxExportRows = 100_000

// openItemsColumns are the columns of the open-items download.
var openItemsColumns = []string{"item_id", "stage", "entered_at", "age_hours", "origin_country", "destination_country", "mail_class", "office", "category"}

// openItemsDownload serves GET /reports/open-items.csv: every item
// openItems pages through for the same arguments, in the same order, as
// one CSV file for the operations desk that works in a spreadsheet. The
// arguments are query parameters named as openItems' (asOf, stage,
// olderThanHours, timeZone) and the filter's fields (from, to,
// originCountries, destinationCountries, mailClasses, offices,
// categories; a list repeated or comma-separated).
//
// The file is bounded: a list longer than maxRows is refused (413
// TOO_LARGE) before a row is sent, saying how to narrow it. Rows are
// written as the engine returns them, never held whole, and so this
// handler is not behind the request timeout's buffer: it bounds its own
// work with the same deadline, and a failure after the first row (the
// deadline, the list growing past maxRows meanwhile) aborts the response,
// so that a client never takes a cut file for a whole one.
func openItemsDownload(r *Resolver, logger *slog.Logger, maxRows int, timeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !downloadAllowed(w, logger, req) {
			return
		}
		if r.Operations == nil {
			reportError(w, logger, req, errNoBacklog)
			return
		}
		oq, err := openItemsParams(req.URL.Query())
		if err != nil {
			reportError(w, logger, req, err)
			return
		}
		ctx, cancel := context.WithTimeout(req.Context(), timeout)
		defer cancel()
		out := csv.NewWriter(w)
		rows := 0
		start := func() {
			h := w.Header()
			h.Set("Content-Type", "text/csv; charset=utf-8")
			h.Set("Content-Disposition", `attachment; filename="open-items-`+string(oq.Stage)+"-"+oq.AsOf.UTC().Format("20060102T150405Z")+`.csv"`)
			out.Write(openItemsColumns)
		}
		err = r.Operations.ExportOpenItems(ctx, oq, maxRows, func(it postclear.OpenItem) error {
			if rows == 0 {
				start()
			}
			rows++
			out.Write([]string{it.ItemID, string(oq.Stage), it.EnteredAt.UTC().Format(time.RFC3339), strconv.FormatFloat(it.AgeHours, 'f', -1, 64),
				text(it.OriginCountry), text(it.DestinationCountry), text(it.MailClass), text(it.Office), text(it.Category)})
			if rows%1000 == 0 {
				out.Flush()
				http.NewResponseController(w).Flush()
			}
			return out.Error()
		})
		switch {
		case err != nil && rows == 0:
			reportError(w, logger, req, r.fail(ctx, "open items download", err))
		case err != nil:
			logger.WarnContext(ctx, "open items download aborted", "rows", rows, "err", err)
			panic(http.ErrAbortHandler)
		default:
			if rows == 0 {
				start()
			}
			out.Flush()
		}
	})
}

// text is a nullable attribute in a CSV cell: empty when null.
func text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// openItemsParams reads the download's query parameters into the query
// openItems takes. Each names what is wrong; a parameter the download
// does not know is refused, so that a misspelt filter is not silently
// ignored.
func openItemsParams(v url.Values) (postclear.OpenItemsQuery, error) {
	lists := map[string]*[]string{}
	var oq postclear.OpenItemsQuery
	f := &oq.Query.Filter
	for name, list := range map[string]*[]string{"originCountries": &f.OriginCountries, "destinationCountries": &f.DestinationCountries,
		"mailClasses": &f.MailClasses, "offices": &f.Offices, "categories": &f.Categories} {
		lists[name] = list
	}
	single := []string{"asOf", "stage", "from", "to", "olderThanHours", "timeZone"}
	for name, values := range v {
		if list, ok := lists[name]; ok {
			for _, s := range values {
				for _, part := range strings.Split(s, ",") {
					if part = strings.TrimSpace(part); part != "" {
						*list = append(*list, part)
					}
				}
			}
			continue
		}
		if !slices.Contains(single, name) {
			return oq, postclear.Errorf(postclear.EInvalid, "unknown parameter %q: the download takes %s, and the lists originCountries, destinationCountries, mailClasses, offices and categories",
				postclear.Cut(name, 40), strings.Join(single, ", "))
		}
		if len(values) > 1 {
			return oq, postclear.Errorf(postclear.EInvalid, "%s is given %d times; give it once", name, len(values))
		}
	}
	var err error
	if oq.AsOf, err = time.Parse(time.RFC3339, v.Get("asOf")); err != nil {
		return oq, postclear.Errorf(postclear.EInvalid, "asOf: %q is not an RFC 3339 time with an offset, such as 2025-11-30T18:00:00Z", postclear.Cut(v.Get("asOf"), 40))
	}
	oq.Stage = postclear.BacklogStage(v.Get("stage"))
	for _, d := range []struct {
		name string
		t    *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if *d.t, err = time.Parse(time.DateOnly, v.Get(d.name)); err != nil {
			return oq, postclear.Errorf(postclear.EInvalid, "%s: %q is not a date YYYY-MM-DD (the range of the entry into the stage is [from, to))", d.name, postclear.Cut(v.Get(d.name), 40))
		}
	}
	if s := v.Get("olderThanHours"); s != "" {
		h, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return oq, postclear.Errorf(postclear.EInvalid, "olderThanHours: %q is not a number", postclear.Cut(s, 40))
		}
		oq.OlderThanHours = &h
	}
	oq.Query.TimeZone = "UTC"
	if v.Has("timeZone") {
		oq.Query.TimeZone = v.Get("timeZone")
	}
	return oq, nil
}

package graph

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"

	"github.com/postclear/postclear/graph/model"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/report"
)

// reportsHandler serves GET /reports/mous/{id}/{quarter}.csv (?bom=1), .pdf and .json: the
// evaluation the mouEvaluation query returns, rendered as a file. The
// document is rendered into memory first, so that a failure is an error
// response rather than half a file.
func reportsHandler(r *Resolver, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !downloadAllowed(w, logger, req) {
			return
		}
		id, file := req.PathValue("id"), req.PathValue("file")
		quarter, ext, _ := strings.Cut(file, ".")
		var contentType string
		var write func(*bytes.Buffer, *postclear.Evaluation) error
		switch ext {
		case "csv":
			contentType = "text/csv; charset=utf-8"
			// ?bom=1 starts the file with a byte order mark, for Excel.
			var bom bool
			switch v := req.URL.Query().Get("bom"); v {
			case "1", "true":
				bom = true
			case "", "0", "false":
			default:
				reportError(w, logger, req, postclear.Errorf(postclear.EInvalid, "bom: %q must be 1 (a UTF-8 byte order mark, for Excel) or 0", v))
				return
			}
			write = func(b *bytes.Buffer, ev *postclear.Evaluation) error {
				if bom {
					b.WriteString(report.BOM)
				}
				return report.WriteCSV(b, ev)
			}
		case "pdf":
			contentType = "application/pdf"
			write = func(b *bytes.Buffer, ev *postclear.Evaluation) error {
				return report.WritePDF(b, ev, report.PDFOptions{Generated: r.now()})
			}
		case "json":
			// What `postclear report --format json` writes, so that it can
			// ask a running server (--server) for the same document: the
			// mouEvaluation field's answer.
			// It runs the query itself: write stays nil.
			contentType = "application/json"
		default:
			reportError(w, logger, req, postclear.Errorf(postclear.ENotFound, "unknown report format %q: use .csv, .pdf or .json", ext))
			return
		}
		if r.Evaluations == nil {
			reportError(w, logger, req, postclear.Errorf(postclear.EUnavailable, "MoU evaluations are not configured"))
			return
		}
		var doc []byte
		if write == nil {
			var err error
			if doc, err = EvaluationJSON(req.Context(), r, id, quarter); err != nil {
				reportError(w, logger, req, err)
				return
			}
		} else {
			ev, err := r.Evaluations.Evaluate(req.Context(), id, quarter)
			if err != nil {
				reportError(w, logger, req, err)
				return
			}
			var buf bytes.Buffer
			if err := write(&buf, &ev); err != nil {
				reportError(w, logger, req, err)
				return
			}
			doc = buf.Bytes()
		}
		// The id and quarter are the evaluation's: it found the MoU by
		// its id, and parsed the quarter strictly.
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+id+"-"+quarter+"."+ext+`"`)
		w.Write(doc)
	})
}

// downloadAllowed answers a download request itself, and returns false,
// when it is not a GET or HEAD or the caller may not read.
func downloadAllowed(w http.ResponseWriter, logger *slog.Logger, req *http.Request) bool {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		reportError(w, logger, req, postclear.Errorf(EMethodNotAllowed, "%s is not allowed: reports are downloaded with GET", req.Method))
		return false
	}
	if err := permitted(req.Context(), model.PermissionRead); err != nil {
		reportError(w, logger, req, err)
		return false
	}
	return true
}

// httpStatus maps error codes to HTTP statuses for the downloads.
var httpStatus = map[string]int{
	postclear.EInvalid:     http.StatusBadRequest,
	postclear.ENotFound:    http.StatusNotFound,
	postclear.EConflict:    http.StatusConflict,
	postclear.EUnavailable: http.StatusServiceUnavailable,
	postclear.ETooLarge:    http.StatusRequestEntityTooLarge,
	postclear.EForbidden:   http.StatusForbidden,
	postclear.ETimeout:     http.StatusGatewayTimeout,
	auth.EUnauthenticated:  http.StatusUnauthorized,
	EMethodNotAllowed:      http.StatusMethodNotAllowed,
}

// EMethodNotAllowed is the code of a download asked for with a method
// other than GET or HEAD.
const EMethodNotAllowed = "METHOD_NOT_ALLOWED"

// reportError answers with the error's message and code as JSON, shaped
// like a GraphQL error; internal causes go to the log only.
func reportError(w http.ResponseWriter, logger *slog.Logger, req *http.Request, err error) {
	code := postclear.ErrorCode(err)
	status, ok := httpStatus[code]
	if !ok {
		status = http.StatusInternalServerError
		logger.ErrorContext(req.Context(), "report failed", "path", req.URL.Path, "err", err)
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{
		"message": postclear.ErrorMessage(err), "extensions": map[string]string{"code": code},
	}}})
}

package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
)

// errorBody is the GraphQL error shape both middlewares answer with.
type errorBody struct {
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

func decodeError(t *testing.T, rec *httptest.ResponseRecorder) (message, code string) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var b errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	if len(b.Errors) != 1 {
		t.Fatalf("body %q: want exactly one error", rec.Body)
	}
	return b.Errors[0].Message, b.Errors[0].Extensions.Code
}

// echoPrincipal answers with the principal the middleware stored.
var echoPrincipal = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, ok := FromContext(r.Context())
	if !ok {
		http.Error(w, "no principal", http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(p)
})

func TestMiddleware(t *testing.T) {
	a := mustNew(t, Config{HS256Secret: secret})
	h := a.Middleware(echoPrincipal)
	tok, err := MintHS256(secret, Principal{Subject: "ana", Role: RoleAnalyst, TokenID: "j1"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expired := "Bearer " + sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("ADMIN", "exp", time.Now().Add(-time.Hour).Unix()))

	t.Run("valid", func(t *testing.T) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/query", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var got Principal
		json.Unmarshal(rec.Body.Bytes(), &got)
		if diff := cmp.Diff(Principal{Subject: "ana", Role: RoleAnalyst, TokenID: "j1"}, expiryRead(t, got)); diff != "" {
			t.Errorf("principal (-want +got):\n%s", diff)
		}
	})
	for _, tt := range []struct{ name, header, msg string }{
		{"missing", "", "missing bearer token"},
		{"expired", expired, "token expired"},
		{"unknown API key", "Bearer not-a-key", "invalid API key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("POST", "/query", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401", rec.Code)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != "Bearer" {
				t.Errorf("WWW-Authenticate = %q, want Bearer", got)
			}
			msg, code := decodeError(t, rec)
			if code != EUnauthenticated {
				t.Errorf("code = %q, want %q", code, EUnauthenticated)
			}
			if msg != tt.msg {
				t.Errorf("message = %q, want %q", msg, tt.msg)
			}
			if tok := strings.TrimPrefix(tt.header, "Bearer "); tok != "" && strings.Contains(rec.Body.String(), tok) {
				t.Errorf("body %q echoes the token", rec.Body)
			}
		})
	}

	t.Run("disabled runs as local admin", func(t *testing.T) {
		open := mustNew(t, Config{}).Middleware(echoPrincipal)
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/query", nil)
		req.Header.Set("Authorization", "Bearer whatever")
		open.ServeHTTP(rec, req)
		var got Principal
		json.Unmarshal(rec.Body.Bytes(), &got)
		if diff := cmp.Diff(LocalPrincipal, got); diff != "" {
			t.Errorf("principal (-want +got):\n%s", diff)
		}
	})
}

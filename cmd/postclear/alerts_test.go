package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/alert"
)

// The server with --alert-webhook: ingesting records that put a target in
// breach posts a signed breach message to the webhook; more records that
// bring it back post a recovery; a restarted server announces nothing
// again.
func TestAlertWebhookEndToEnd(t *testing.T) {
	// Keeps the process's embedded engine open while the server under
	// test restarts.
	startServer(t, "e2e_alerts_keep")

	secret := "an-alert-secret-0123456789"
	secretFile := filepath.Join(t.TempDir(), "alert.secret")
	os.WriteFile(secretFile, []byte(secret+"\n"), 0o600)
	var mu sync.Mutex
	var got []alert.Message
	var refused int
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if !alert.Verify([]byte(secret), r.Header.Get(alert.HeaderTimestamp), r.Header.Get(alert.HeaderSignature), body, time.Now(), time.Minute) {
			refused++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var m alert.Message
		json.Unmarshal(body, &m)
		got = append(got, m)
	}))
	defer hook.Close()
	messages := func() []alert.Message {
		mu.Lock()
		defer mu.Unlock()
		return append([]alert.Message(nil), got...)
	}
	waitFor := func(n int) []alert.Message {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); len(messages()) < n; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d messages after 20 s, want %d: %+v", len(messages()), n, messages())
			}
		}
		return messages()
	}
	configure := func(c *Config) {
		c.AlertWebhook, c.AlertWebhookSecretFile = hook.URL+"/postclear", secretFile
		c.AlertInterval, c.AlertMinPopulation = time.Second, 1
	}
	s := startServerWith(t, "e2e_alerts", configure)

	r := post(t, s, `mutation($in: MoUInput!) { createMou(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"country": "KE", "customsAdministration": "KRA", "postalOperator": "Posta Kenya", "signedOn": "2024-01-02", "effectiveFrom": "2024-01-02",
		"targets": []map[string]any{{"kpi": "CLEARANCE_P90_HOURS", "comparison": "AT_MOST", "value": 2}}}})
	if len(r.Errors) > 0 {
		t.Fatalf("createMou: %+v", r.Errors)
	}
	var created struct{ CreateMou struct{ ID string } }
	json.Unmarshal(r.Data, &created)

	// Items presented 8 h (one) and 1 h (nine) before their release,
	// released a minute ago: today's quarter to date.
	released := time.Now().UTC().Add(-time.Minute).Truncate(time.Second)
	ids := []string{"CP123456785CN", "CP000000014CN", "CP000000028CN", "CP000000031CN", "CP000000045CN",
		"CP000000059CN", "CP000000062CN", "CP000000076CN", "CP000000080CN", "CP000000093CN"}
	ingest := func(id string, hours int) {
		t.Helper()
		r := post(t, s, ingestEvents, map[string]any{"r": []map[string]any{event(id, "EDB", released.Add(-time.Duration(hours)*time.Hour).Format(time.RFC3339))}})
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"accepted":1`) {
			t.Fatalf("ingest %s: %s %+v", id, r.Data, r.Errors)
		}
		r = post(t, s, `mutation($r: [DecisionInput!]!) { ingestDecisions(records: $r) { accepted errors { field message } } }`,
			map[string]any{"r": []map[string]any{{"itemId": id, "decidedAt": released.Format(time.RFC3339), "decision": "RELEASE"}}})
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"accepted":1`) {
			t.Fatalf("ingest decision %s: %s %+v", id, r.Data, r.Errors)
		}
	}
	ingest(ids[0], 8)
	ms := waitFor(1)
	b := ms[0]
	today := released.Format(time.DateOnly)
	if b.Event != "breach" || b.MoUID != created.CreateMou.ID || b.KPI != "CLEARANCE_P90_HOURS" || b.Actual == nil || *b.Actual != 8 ||
		b.Population != 1 || b.Since == nil || *b.Since != today || b.AsOf != time.Now().UTC().Format(time.DateOnly) {
		t.Errorf("breach message: %+v", b)
	}
	for _, id := range ids[1:] {
		ingest(id, 1)
	}
	ms = waitFor(2)
	if rec := ms[1]; rec.Event != "recovery" || rec.KPI != "CLEARANCE_P90_HOURS" || rec.Actual == nil || *rec.Actual > 2 || rec.Population != 10 {
		t.Errorf("recovery message: %+v", rec)
	}

	// A restart checks again at once and finds nothing new to announce.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = startServerWith(t, "e2e_alerts", configure)
	time.Sleep(2500 * time.Millisecond)
	if ms := messages(); len(ms) != 2 || refused > 0 {
		t.Errorf("after a restart: %d messages (%d refused), want the 2 sent before: %+v", len(ms), refused, ms)
	}
}

// The alert flags are checked before the server starts, each refusal
// naming its flag.
func TestAlertFlags(t *testing.T) {
	for _, tt := range []struct {
		set  func(*Config)
		want string
	}{
		{func(c *Config) { c.AlertWebhook = "ftp://example.org/x" }, "--alert-webhook"},
		{func(c *Config) { c.AlertWebhook = "/relative" }, "--alert-webhook"},
		{func(c *Config) { c.AlertWebhookSecretFile = "/tmp/s" }, "--alert-webhook-secret-file without --alert-webhook"},
		{func(c *Config) { c.AlertInterval = time.Millisecond }, "--alert-interval"},
		{func(c *Config) { c.AlertMinPopulation = -1 }, "--alert-min-population"},
	} {
		c := DefaultConfig()
		tt.set(&c)
		if err := c.validateServe(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want an error naming %s", c, err, tt.want)
		}
	}
	c := DefaultConfig()
	c.AlertWebhook = "https://hooks.example.org/postclear?token=x"
	if err := c.validateServe(); err != nil {
		t.Errorf("a good webhook URL: %v", err)
	}
	if got := redactURL(c.AlertWebhook); got != "https://hooks.example.org/postclear" {
		t.Errorf("redactURL = %q", got)
	}
}

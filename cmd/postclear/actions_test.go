package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/postclear/postclear/internal/auth"
)

// Agreed actions over the API: an ADMIN records and updates them (each
// write a version in the history), bad input is refused by index and
// field, and an AGENCY sees the actions, and the target checks, of its
// countries' MoUs only — asked as ADMIN, then as each agency.
func TestActionsAndBreachesOverTheAPI(t *testing.T) {
	s, mint := authServer(t, "e2e_actions")
	admin := mint(auth.Principal{Subject: "admin", Role: auth.RoleAdmin})
	kenya := mint(auth.Principal{Subject: "ke-customs", Role: auth.RoleAgency, Countries: []string{"KE"}})
	morocco := mint(auth.Principal{Subject: "ma-customs", Role: auth.RoleAgency, Countries: []string{"MA"}})
	ids := map[string]string{}
	for _, c := range []string{"KE", "MA"} {
		_, r := postAs(t, s, admin, `mutation($in: MoUInput!) { createMou(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"country": c, "customsAdministration": "Customs " + c, "postalOperator": "Post " + c,
			"signedOn": "2025-01-10", "effectiveFrom": "2025-02-01",
			"targets": []map[string]any{{"kpi": "EAD_COVERAGE", "comparison": "AT_LEAST", "value": 0.8}}}})
		var out struct{ CreateMou struct{ ID string } }
		if err := json.Unmarshal(r.Data, &out); err != nil || len(r.Errors) > 0 {
			t.Fatalf("create %s MoU: %s %+v", c, r.Data, r.Errors)
		}
		ids[c] = out.CreateMou.ID
	}

	const record = `mutation($r: [ActionInput!]!) { recordActions(records: $r) { accepted rejected errors { index field message } } }`
	records := []map[string]any{
		{"mouId": ids["KE"], "id": "2025-Q2-01", "raisedOn": "2025-04-10", "text": "Send the release file daily", "owner": "CUSTOMS",
			"dueOn": "2025-06-30", "status": "OPEN", "kpi": "CLEARANCE_P90_HOURS"},
		{"mouId": ids["MA"], "id": "2025-Q2-01", "raisedOn": "2025-04-12", "text": "Réunion mensuelle du comité", "owner": "JOINT",
			"dueOn": "2025-05-31", "status": "OPEN"},
		{"mouId": ids["KE"], "id": "2025-Q2-02", "raisedOn": "2025-04-10", "text": "Closed without a date", "owner": "POST",
			"dueOn": "2025-04-01", "status": "DONE", "kpi": "NOT_A_KPI"},
	}
	_, r := postAs(t, s, admin, record, map[string]any{"r": records})
	want := `{"recordActions":{"accepted":2,"rejected":1,"errors":[` +
		`{"index":2,"field":"dueOn","message":"2025-04-01 is before raised_on 2025-04-10"},` +
		`{"index":2,"field":"closedOn","message":"required when status is DONE (the day it was closed)"},` +
		`{"index":2,"field":"kpi","message":"unknown KPI \"NOT_A_KPI\" (allowed: `
	if len(r.Errors) > 0 || !strings.HasPrefix(string(r.Data), want) {
		t.Fatalf("recordActions: %s %+v\nwant %s…", r.Data, r.Errors, want)
	}
	if _, r := postAs(t, s, kenya, record, map[string]any{"r": records[:1]}); firstCode(r) != "FORBIDDEN" {
		t.Errorf("an agency recording actions: %s %+v, want FORBIDDEN", r.Data, r.Errors)
	}
	for _, q := range []string{`{ targetBreaches(asOf: "2025-05-15", minPopulation: -1) { kpi } }`, `{ targetBreaches(asOf: "1999-05-15") { kpi } }`} {
		if _, r := postAs(t, s, admin, q, nil); firstCode(r) != "BAD_USER_INPUT" {
			t.Errorf("%s: %s %+v, want BAD_USER_INPUT", q, r.Data, r.Errors)
		}
	}

	const update = `mutation($m: ID!, $id: ID!, $c: ActionChanges!) { updateAction(mouId: $m, id: $id, changes: $c) { status closedOn kpi history { status dueOn } } }`
	for _, tt := range []struct {
		name, id string
		changes  map[string]any
		code     string
		data     string
	}{
		{"done without a date", "2025-Q2-01", map[string]any{"status": "DONE"}, "BAD_USER_INPUT", ""},
		{"unknown action", "2025-Q9-99", map[string]any{"status": "OPEN"}, "NOT_FOUND", ""},
		{"due date moved", "2025-Q2-01", map[string]any{"dueOn": "2025-07-31"}, "",
			`{"updateAction":{"status":"OPEN","closedOn":null,"kpi":"CLEARANCE_P90_HOURS","history":[{"status":"OPEN","dueOn":"2025-07-31"},{"status":"OPEN","dueOn":"2025-06-30"}]}}`},
		{"done, KPI cleared", "2025-Q2-01", map[string]any{"status": "DONE", "closedOn": "2025-07-15", "kpi": ""}, "",
			`{"updateAction":{"status":"DONE","closedOn":"2025-07-15","kpi":null,"history":[{"status":"DONE","dueOn":"2025-07-31"},{"status":"OPEN","dueOn":"2025-07-31"},{"status":"OPEN","dueOn":"2025-06-30"}]}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, r := postAs(t, s, admin, update, map[string]any{"m": ids["KE"], "id": tt.id, "c": tt.changes})
			if got := firstCode(r); got != tt.code {
				t.Errorf("code %q, want %q (%+v)", got, tt.code, r.Errors)
			}
			if tt.code == "BAD_USER_INPUT" && !strings.Contains(r.Errors[0].Message, "changes.closedOn: required when status is DONE") {
				t.Errorf("message %q does not name changes.closedOn", r.Errors[0].Message)
			}
			if tt.data != "" && string(r.Data) != tt.data {
				t.Errorf("data %s\nwant %s", r.Data, tt.data)
			}
		})
	}

	for _, tt := range []struct {
		name, token, query, want string
	}{
		{"admin sees every MoU's", admin, `{ actions { mouId id status } }`,
			`{"actions":[{"mouId":"` + ids["KE"] + `","id":"2025-Q2-01","status":"DONE"},{"mouId":"` + ids["MA"] + `","id":"2025-Q2-01","status":"OPEN"}]}`},
		{"admin, by status", admin, `{ actions(status: OPEN) { mouId } }`, `{"actions":[{"mouId":"` + ids["MA"] + `"}]}`},
		{"KE agency sees KE's", kenya, `{ actions { mouId text } }`, `{"actions":[{"mouId":"` + ids["KE"] + `","text":"Send the release file daily"}]}`},
		{"KE agency naming the MA MoU learns nothing", kenya, `{ actions(mouId: "` + ids["MA"] + `") { id } }`, `{"actions":[]}`},
		{"KE agency, through its MoU", kenya, `{ mous { id actions { id history { status } } } }`,
			`{"mous":[{"id":"` + ids["KE"] + `","actions":[{"id":"2025-Q2-01","history":[{"status":"DONE"},{"status":"OPEN"},{"status":"OPEN"}]}]}]}`},
		{"MA agency sees MA's", morocco, `{ actions { mouId text } }`, `{"actions":[{"mouId":"` + ids["MA"] + `","text":"Réunion mensuelle du comité"}]}`},
		{"MA agency naming the KE MoU learns nothing", morocco, `{ actions(mouId: "` + ids["KE"] + `") { id } }`, `{"actions":[]}`},
		{"admin checks every MoU's targets", admin, `{ targetBreaches(asOf: "2025-05-15") { mou { country } kpi quarter from judged breached since } }`,
			`{"targetBreaches":[{"mou":{"country":"KE"},"kpi":"EAD_COVERAGE","quarter":"2025-Q2","from":"2025-04-01","judged":false,"breached":false,"since":null},` +
				`{"mou":{"country":"MA"},"kpi":"EAD_COVERAGE","quarter":"2025-Q2","from":"2025-04-01","judged":false,"breached":false,"since":null}]}`},
		{"KE agency checks KE's", kenya, `{ targetBreaches(asOf: "2025-05-15") { mou { country } } }`, `{"targetBreaches":[{"mou":{"country":"KE"}}]}`},
		{"MA agency checks MA's", morocco, `{ targetBreaches(asOf: "2025-05-15", minPopulation: 0) { mou { country } } }`, `{"targetBreaches":[{"mou":{"country":"MA"}}]}`},
		{"before the MoUs took effect", admin, `{ targetBreaches(asOf: "2025-01-31") { kpi } }`, `{"targetBreaches":[]}`},
		{"MA agency evaluating its MoU", morocco, `{ mouEvaluation(mouId: "` + ids["MA"] + `", quarter: "2025-Q2") { actions { raised openAtEnd overdue actions { action { id } statusAtEnd overdue } } } }`,
			`{"mouEvaluation":{"actions":{"raised":1,"openAtEnd":1,"overdue":1,"actions":[{"action":{"id":"2025-Q2-01"},"statusAtEnd":"OPEN","overdue":true}]}}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, r := postAs(t, s, tt.token, tt.query, nil)
			if len(r.Errors) > 0 || string(r.Data) != tt.want {
				t.Errorf("got %s %+v\nwant %s", r.Data, r.Errors, tt.want)
			}
		})
	}
}

package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/postclear"
)

// inputFields describes a record schema as its GraphQL input type should
// be: each field's input name and whether it is required (String!).
func inputFields[T postclear.Record]() (names []string, required []bool) {
	sc := postclear.SchemaOf[T]()
	for i := range sc.Fields {
		names = append(names, sc.Fields[i].InputName())
		required = append(required, !sc.Fields[i].Optional)
	}
	return names, required
}

// The record inputs of schema.graphqls are the record schemas of
// internal/postclear, field for field: same names (camelCase), same order,
// String! exactly for the required fields. Adding a field to a kind is one
// line in its schema, and this test names the line schema.graphqls lacks.
func TestRecordInputsMatchSchemas(t *testing.T) {
	src, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(src)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	for input, fields := range map[string]func() ([]string, []bool){
		"EventInput":       inputFields[postclear.Event],
		"DeclarationInput": inputFields[postclear.Declaration],
		"DecisionInput":    inputFields[postclear.Decision],
		"ActivityInput":    inputFields[postclear.Activity],
		"DisputeInput":     inputFields[postclear.Dispute],
		"HolidayInput":     inputFields[postclear.Holiday],
		"ActionInput":      inputFields[postclear.Action],
		// The changes of updateAction: every field but the key, each
		// optional (absent keeps the stored value).
		"ActionChanges": func() ([]string, []bool) {
			names, _ := inputFields[postclear.Action]()
			names = names[2:] // mouId, id
			return names, make([]bool, len(names))
		},
	} {
		def := schema.Types[input]
		if def == nil {
			t.Errorf("schema.graphqls has no input %s", input)
			continue
		}
		names, required := fields()
		var got []string
		for _, f := range def.Fields {
			got = append(got, f.Name)
		}
		if strings.Join(got, ",") != strings.Join(names, ",") {
			t.Errorf("%s has fields %v, its record schema %v", input, got, names)
			continue
		}
		for i, f := range def.Fields {
			if f.Type.Name() != "String" || f.Type.NonNull != required[i] {
				t.Errorf("%s.%s is %s; want String, non-null exactly when required (%t)", input, f.Name, f.Type, required[i])
			}
		}
	}
}

// A record of an ingest mutation is bounded like a file row
// (--max-record-bytes), and rejected alone, with the field that is too
// long, before anything is stored.
func TestIngestRecordSizeLimit(t *testing.T) {
	h := graph.NewHandler(&graph.Resolver{Records: noRecords{}, MaxRecordBytes: 1000}, nil, graph.Config{Logger: slog.New(slog.DiscardHandler)})
	_, out := postQuery(t, h, `mutation { ingestEvents(records: [{itemId: "RR123456785FR", eventCode: "EMD",
		eventTime: "2025-03-01T10:15:00Z", office: "`+strings.Repeat("A", 2000)+`", originCountry: "FR",
		destinationCountry: "KE", mailClass: "PACKET"}]) { accepted rejected errors { index field message } } }`)
	var res struct {
		Accepted, Rejected int
		Errors             []struct {
			Index          int
			Field, Message string
		}
	}
	data, _ := out["data"].(map[string]any)
	b, _ := json.Marshal(data["ingestEvents"])
	json.Unmarshal(b, &res)
	if res.Rejected != 1 || len(res.Errors) != 1 || res.Errors[0].Field != "office" ||
		!strings.HasPrefix(res.Errors[0].Message, "the record is longer than 1000 bytes") {
		t.Errorf("result %+v (%v): want the record rejected on office for its size", res, out["errors"])
	}
}

// noRecords refuses to store: the test's records must never reach it.
type noRecords struct{}

var errStored = errors.New("a rejected record was stored")

func (noRecords) InsertEvents(context.Context, []postclear.Event) error { return errStored }
func (noRecords) InsertDeclarations(context.Context, []postclear.Declaration) error {
	return errStored
}
func (noRecords) InsertDecisions(context.Context, []postclear.Decision) error { return errStored }
func (noRecords) DataStatus(context.Context) (postclear.DataStatus, error) {
	return postclear.DataStatus{}, errStored
}
func (noRecords) Refresh(context.Context) error { return errStored }
func (noRecords) DataVersion(context.Context) (string, error) {
	return "", errStored
}

// decisionsKept keeps the decisions it is given; everything else fails.
type decisionsKept struct {
	noRecords
	got []postclear.Decision
}

func (k *decisionsKept) InsertDecisions(_ context.Context, ds []postclear.Decision) error {
	k.got = append(k.got, ds...)
	return nil
}
func (*decisionsKept) Refresh(context.Context) error { return nil }

// Optional input fields (nullable Strings, which gqlgen hands over as
// *string) reach the record as given, absent or null ones as empty.
func TestIngestOptionalInputFields(t *testing.T) {
	kept := &decisionsKept{}
	h := graph.NewHandler(&graph.Resolver{Records: kept}, nil, graph.Config{Logger: slog.New(slog.DiscardHandler)})
	_, out := postQuery(t, h, `mutation { ingestDecisions(records: [
		{itemId: "RR123456785FR", decidedAt: "2025-03-01T10:15:00Z", decision: "INSPECT", riskChannel: "TARGETED", dutyAmount: "12.5"},
		{itemId: "RR123456785FR", decidedAt: "2025-03-01T11:15:00Z", decision: "RELEASE", riskChannel: null}
	]) { accepted rejected } }`)
	if out["errors"] != nil || len(kept.got) != 2 {
		t.Fatalf("%v; kept %+v", out, kept.got)
	}
	if d := kept.got[0]; d.RiskChannel != "TARGETED" || d.DutyAmount.String() != "12.5" {
		t.Errorf("first decision %+v: the optional fields were lost", d)
	}
	if d := kept.got[1]; d.RiskChannel != "" || d.DutyAmount.Sign() != 0 {
		t.Errorf("second decision %+v: absent and null are empty", d)
	}
}

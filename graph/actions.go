package graph

import (
	"context"
	"strings"

	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
)

// updateAction applies changes (ActionChanges: GraphQL field name → string
// or *string, null or absent meaning "keep") to the latest version of the
// action (mouID, id) and stores the result as its new version. The changed
// action is judged as a whole, by the rules a file row of actions meets
// (ingest.ParseFields), and refused with every broken rule named as
// changes.<field>.
func updateAction(ctx context.Context, r *Resolver, mouID, id string, changes map[string]any) (postclear.Action, error) {
	q := postclear.ActionQuery{MoUID: mouID, ID: id}
	cur, err := r.MoUs.Actions(ctx, q)
	if err != nil {
		return postclear.Action{}, err
	}
	if len(cur) == 0 {
		return postclear.Action{}, postclear.Errorf(postclear.ENotFound, "no action %s under MoU %s", postclear.Quote(id), postclear.Quote(mouID))
	}
	sc := postclear.ActionSchema
	values := make(map[string]string, len(sc.Fields))
	for i := range sc.Fields {
		f := &sc.Fields[i]
		values[f.Name] = f.Format(&cur[0])
		switch v := changes[f.InputName()].(type) {
		case string:
			values[f.Name] = v
		case *string:
			if v != nil {
				values[f.Name] = *v
			}
		}
	}
	a, errs := ingest.ParseFields[postclear.Action](values, 0, ingest.Options{Now: r.now(), MaxRecordBytes: r.MaxRecordBytes})
	if len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = "changes." + postclear.CamelCase(e.Field) + ": " + e.Message
		}
		return postclear.Action{}, postclear.Errorf(postclear.EInvalid, "%s", strings.Join(msgs, "; "))
	}
	if err := r.MoUs.InsertActions(ctx, []postclear.Action{a}); err != nil {
		return postclear.Action{}, err
	}
	stored, err := r.MoUs.Actions(ctx, q)
	if err != nil || len(stored) == 0 {
		return a, err
	}
	return stored[0], nil
}

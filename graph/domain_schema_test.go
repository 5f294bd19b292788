package graph_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/graph/generated"
	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/postclear"
)

// The API names what the code declares once: the Dimension enum is the
// dimensions table of package analytics, in its order, each KPI field's
// orderable fields are its family's, and the default arguments of the KPI
// fields are the domain's defaults.
func TestSchemaMatchesTheDomain(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	var enum []postclear.Dimension
	for _, v := range schema.Types["Dimension"].EnumValues {
		enum = append(enum, postclear.Dimension(v.Name))
	}
	if diff := cmp.Diff(analytics.Dimensions(), enum); diff != "" {
		t.Errorf("enum Dimension against analytics' dimensions table (-table +schema):\n%s", diff)
	}
	// The enums of the risk families' row keys are the domain's lists.
	for enum, want := range map[string][]string{
		"RiskChannel":     append(slices.Clone(postclear.RiskChannels), postclear.NotInspected),
		"DeclarationRule": postclear.DeclarationRules,
	} {
		var got []string
		for _, v := range schema.Types[enum].EnumValues {
			got = append(got, v.Name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("enum %s against the domain (-domain +schema):\n%s", enum, diff)
		}
	}
	// Each KPI field's orderBy names exactly the fields its family
	// declares (the key fields, then its own), in that order.
	for api, want := range analytics.OrderFields() {
		field := schema.Query.Fields.ForName(api)
		if field == nil {
			t.Errorf("the schema has no query field %s", api)
			continue
		}
		order := schema.Types[field.Arguments.ForName("orderBy").Type.Elem.NamedType]
		var got []string
		for _, v := range schema.Types[order.Fields.ForName("field").Type.NamedType].EnumValues {
			got = append(got, v.Name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s(orderBy) fields (-family +schema):\n%s", api, diff)
		}
		if arg := field.Arguments.ForName("timeZone"); arg == nil || arg.DefaultValue.Raw != "UTC" {
			t.Errorf("%s has no timeZone argument defaulting to UTC", api)
		}
	}
	defaults := map[string]struct {
		arg  string
		want float64
	}{
		"clearanceTimes": {"targetHours", postclear.DefaultTargetHours},
		"deliveryTimes":  {"standardDays", postclear.DefaultStandardDays},
		"holdFulfilment": {"withinHours", postclear.DefaultWithinHours},
		"eadTimeliness":  {"minLeadHours", postclear.DefaultMinLeadHours},
	}
	for field, d := range defaults {
		arg := schema.Query.Fields.ForName(field).Arguments.ForName(d.arg)
		if arg == nil || arg.DefaultValue == nil {
			t.Errorf("%s(%s) has no default", field, d.arg)
			continue
		}
		if got, err := strconv.ParseFloat(arg.DefaultValue.Raw, 64); err != nil || got != d.want {
			t.Errorf("%s(%s) defaults to %q, the domain's default is %v", field, d.arg, arg.DefaultValue.Raw, d.want)
		}
	}
}

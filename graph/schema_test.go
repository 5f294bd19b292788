package graph_test

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/graph/generated"
	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/postclear"
)

// The API names what the code declares once: the Dimension enum is the
// dimensions table of package analytics, in its order, and the default
// arguments of the KPI fields are the domain's defaults.
func TestSchemaMatchesTheDomain(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	var enum []postclear.Dimension
	for _, v := range schema.Types["Dimension"].EnumValues {
		enum = append(enum, postclear.Dimension(v.Name))
	}
	if diff := cmp.Diff(analytics.Dimensions(), enum); diff != "" {
		t.Errorf("enum Dimension against analytics' dimensions table (-table +schema):\n%s", diff)
	}
	defaults := map[string]struct {
		arg  string
		want float64
	}{
		"clearanceTimes": {"targetHours", postclear.DefaultTargetHours},
		"deliveryTimes":  {"standardDays", postclear.DefaultStandardDays},
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

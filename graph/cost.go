package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// DefaultMaxStatements bounds the engine statements one request may need:
// 30 KPI fields, or one MoU evaluation. The embedded engine runs one
// statement at a time, so this is what keeps one request (400 aliased KPI
// fields, say) from holding the engine for its whole time limit.
const DefaultMaxStatements = 30

// EStatementLimit is the code of a request refused because it needs more
// engine statements than the limit allows.
const EStatementLimit = "STATEMENT_LIMIT_EXCEEDED"

// statements is what a field costs the engine, in statements, where that
// is not the default: one for every Query and Mutation field, none for a
// field of a result. An MoU evaluation reads the time the records were
// loaded, the MoU, computes every KPI family by quarter, by month and by
// origin, the backlog at the end of each of the five quarters of its
// trends, the data-quality counts, and reads the activities of the trends, the disputes and actions (report.Evaluator); it is
// computed again when an ingest lands meanwhile, which the count leaves out
// (one attempt in the common case; at most report.MaxAttempts). MoU.activities, MoU.disputes and MoU.actions
// read the engine once per MoU they are asked on, Action.history once per action; they are counted once.
// An openItems page reads the page and the list's watermark; an item its
// facts and its three kinds of records. deliveryTimes in working days reads
// the calendars before its query (counted for every deliveryTimes); the
// evaluations' working-day delivery adds that statement to theirs.
// TestStatementCostsMatchTheEngine holds these against the statements the
// fields really send.
var statements = map[string]int{
	"Query.dataStatus":    2,
	"Query.viewer":        0,
	"Query.mouEvaluation": 29,
	// targetBreaches reads the load time, the MoUs, one running query per
	// KPI family for all MoUs of a time zone together and the backlog at
	// asOf (report.TargetBreaches); counted for one zone (each further
	// zone among the active MoUs adds eleven).
	"Query.targetBreaches": 13,
	"MoU.activities":       1,
	"MoU.disputes":         1,
	"MoU.actions":          1,
	"Action.history":       1,
	// updateAction reads the action, the MoUs (that it exists) and the
	// latest versions, writes, and reads the new version back.
	"Mutation.updateAction": 5,
	"Query.openItems":       2,
	"Query.deliveryTimes":   2,
	"Query.item":            4,
}

// statementCost is what a field costs the engine in statements.
func statementCost(typeName, field string) int {
	if n, ok := statements[typeName+"."+field]; ok {
		return n
	}
	if (typeName == "Query" || typeName == "Mutation") && field != "__typename" && field != "__schema" && field != "__type" {
		return 1
	}
	return 0
}

// complexityPerStatement is the query complexity one engine statement
// adds, so that the complexity limit too reflects engine work rather than
// the number of fields: with the default limit of 1,000, a request holds
// at most about thirty KPI fields, however they are aliased.
const complexityPerStatement = 20

// costedSchema is the executable schema with each field's complexity
// raised by what it costs the engine.
type costedSchema struct{ graphql.ExecutableSchema }

func (s costedSchema) Complexity(ctx context.Context, typeName, field string, childComplexity int, args map[string]any) (int, bool) {
	if n := statementCost(typeName, field); n > 0 {
		return n*complexityPerStatement + childComplexity, true
	}
	return s.ExecutableSchema.Complexity(ctx, typeName, field, childComplexity, args)
}

// statementLimit refuses, before anything runs, an operation that needs
// more engine statements than max: every field counts as often as it
// appears, aliases included.
type statementLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = statementLimit{}

func (statementLimit) ExtensionName() string                   { return "StatementLimit" }
func (statementLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (l statementLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if n := countStatements(oc.Operation.SelectionSet, map[string]bool{}); n > l.max {
		err := gqlerror.Errorf("the request needs %d engine statements (a KPI field needs one, deliveryTimes two, an MoU evaluation %d); the limit is %d: split it into several requests",
			n, statements["Query.mouEvaluation"], l.max)
		err.Extensions = map[string]any{"code": EStatementLimit}
		return err
	}
	return nil
}

// countStatements adds up statementCost over every field below set.
// Fragment spreads are followed once per path, as in selectionDepth.
func countStatements(set ast.SelectionSet, visiting map[string]bool) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil {
				n += statementCost(s.ObjectDefinition.Name, s.Name)
			}
			n += countStatements(s.SelectionSet, visiting)
		case *ast.InlineFragment:
			n += countStatements(s.SelectionSet, visiting)
		case *ast.FragmentSpread:
			if s.Definition == nil || visiting[s.Name] {
				continue
			}
			visiting[s.Name] = true
			n += countStatements(s.Definition.SelectionSet, visiting)
			delete(visiting, s.Name)
		default:
			panic(fmt.Sprintf("unknown selection %T", sel))
		}
	}
	return n
}

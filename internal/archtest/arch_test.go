// Package archtest holds the module's architecture to what docs/architecture.md
// shows: the picture of the packages and their imports there is drawn from
// `go list` by this test (`go test ./internal/archtest -update` redraws it),
// and the rules the picture stands for are checked on every run.
package archtest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "redraw the package picture in docs/architecture.md")

const module = "github.com/postclear/postclear"

// pkg is what `go list -json` says of one package of the module.
type pkg struct {
	ImportPath string
	Imports    []string
}

// packages lists the module's packages (tests excluded) with their imports
// of other packages of the module, by path relative to the module.
func packages(t *testing.T) (root string, deps map[string][]string) {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Skipf("skipping: no go command: %v", err)
	}
	root = filepath.Dir(strings.TrimSpace(string(out)))
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = root
	out, err = cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps = map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, module+"/")
		deps[name] = nil
		for _, imp := range p.Imports {
			if rel, ok := strings.CutPrefix(imp, module+"/"); ok {
				deps[name] = append(deps[name], rel)
			}
		}
	}
	return root, deps
}

// picture draws the import graph as a Mermaid flowchart, one edge a line,
// in a stable order; generated code and test helpers are left out, since
// they say nothing about the layers.
func picture(deps map[string][]string) string {
	skip := func(p string) bool {
		return strings.HasPrefix(p, "graph/generated") || strings.HasPrefix(p, "graph/model") ||
			strings.HasSuffix(p, "test") || strings.HasPrefix(p, "internal/testenv") || strings.HasPrefix(p, "internal/archtest")
	}
	id := func(p string) string { return strings.NewReplacer("/", "_", "-", "_").Replace(p) }
	var lines []string
	for p, ds := range deps {
		if skip(p) {
			continue
		}
		lines = append(lines, fmt.Sprintf("    %s[%s]", id(p), p))
		for _, d := range ds {
			if !skip(d) {
				lines = append(lines, fmt.Sprintf("    %s --> %s", id(p), id(d)))
			}
		}
	}
	slices.Sort(lines)
	return "```mermaid\nflowchart LR\n" + strings.Join(lines, "\n") + "\n```\n"
}

const begin, end = "<!-- packages:begin (drawn by go test ./internal/archtest -update) -->\n", "<!-- packages:end -->"

func TestPictureIsCurrent(t *testing.T) {
	root, deps := packages(t)
	path := filepath.Join(root, "docs", "architecture.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(doc, []byte(begin)), bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s has no %q … %q section", path, begin, end)
	}
	want := picture(deps)
	if got := string(doc[i+len(begin) : j]); got != want {
		if !*update {
			t.Fatalf("the package picture in docs/architecture.md is not what go list says; run go test ./internal/archtest -update.\nwant:\n%s", want)
		}
		doc = slices.Concat(doc[:i+len(begin)], []byte(want), doc[j:])
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLayers checks the rules of docs/architecture.md: imports point
// inward, to the domain package.
func TestLayers(t *testing.T) {
	_, deps := packages(t)
	engines := []string{"internal/warehouse/chdb", "internal/warehouse/clickhouse"}
	for p, ds := range deps {
		has := func(d string) bool { return slices.Contains(ds, d) }
		switch {
		case p == "internal/postclear":
			if len(ds) > 0 {
				t.Errorf("the domain package imports %v; it must import only the standard library", ds)
			}
		case strings.HasPrefix(p, "cmd/"), p == "internal/testenv", strings.HasSuffix(p, "test"):
			continue // the wiring and the test helpers may import anything
		}
		for _, e := range engines {
			if has(e) && !strings.HasPrefix(p, "internal/warehouse/") {
				t.Errorf("%s imports the engine package %s; only cmd and test helpers choose an engine", p, e)
			}
		}
		if (p == "graph" || p == "internal/ingest") && has("internal/demo") {
			t.Errorf("%s imports internal/demo; demo data is seeded by internal/seed", p)
		}
		if p == "internal/analytics" && slices.ContainsFunc(ds, func(d string) bool { return strings.HasPrefix(d, "graph") }) {
			t.Errorf("internal/analytics imports the GraphQL adapter")
		}
		for _, d := range ds {
			if strings.HasPrefix(d, "cmd/") {
				t.Errorf("%s imports the command %s", p, d)
			}
		}
	}
}

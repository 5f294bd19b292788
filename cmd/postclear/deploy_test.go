package main

import (
	"flag"
	"os"
	"regexp"
	"testing"
)

// Docker does not run on the development machines, so the deployment
// files are checked for what can be checked here: every POSTCLEAR_*
// variable they set names a flag of `postclear serve`.
func TestDeploymentFilesUseRealSettings(t *testing.T) {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.engineFlags(fs)
	cfg.serveFlags(fs)
	known := map[string]bool{"POSTCLEAR_CHDB_LIB": true} // also read by package chdb itself
	fs.VisitAll(func(f *flag.Flag) { known[envVar(f.Name)] = true })
	envRE := regexp.MustCompile(`POSTCLEAR_[A-Z0-9_]+`)
	for _, name := range []string{"../../Dockerfile", "../../deploy/Dockerfile.server", "../../deploy/compose.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range envRE.FindAllString(string(b), -1) {
			if !known[v] {
				t.Errorf("%s sets %s, which no flag reads", name, v)
			}
		}
	}
}

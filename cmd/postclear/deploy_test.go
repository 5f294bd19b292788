package main

import (
	"context"
	"flag"
	"net"
	"os"
	"regexp"
	"strings"
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

// Every image's health check asks the server whether it is ready
// (postclear healthcheck → /readyz), and that command tells a ready
// server from one that does not answer.
func TestHealthCheckProbesReadiness(t *testing.T) {
	for _, name := range []string{"../../Dockerfile", "../../deploy/Dockerfile.server", "../../deploy/compose.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(?m)^\s*(HEALTHCHECK .*CMD|test:) .*"healthcheck"`).Match(b) {
			t.Errorf("%s has no health check running postclear healthcheck", name)
		}
	}
	s := startServer(t, "e2e_healthcheck")
	var stdout, stderr strings.Builder
	if code := run(context.Background(), []string{"healthcheck", "--addr", s.Addr()}, nil, &stdout, &stderr); code != 0 {
		t.Errorf("healthcheck of a ready server: exit %d: %s", code, stderr.String())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	if code := run(context.Background(), []string{"healthcheck", "--addr", closed}, nil, &stdout, &stderr); code != 1 {
		t.Errorf("healthcheck of nothing listening: exit %d, want 1", code)
	}
}

package main

import (
	"context"
	"fmt"
	"io"
)

func runMigrate(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("migrate", "migrate [flags]", stdout)
	cfg.engineFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	logger := newLogger(cfg.LogFormat, stderr)
	e, _, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer e.Close()
	fmt.Fprintf(stdout, "schema of %s is up to date\n", cfg.Database)
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// runHealthcheck asks the server at --addr whether it is ready (GET
// /readyz): exit status 0 when it is, 1 when not. It is the container
// health check, which must probe what serving needs (the engine
// answering), not merely that the binary runs.
func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("healthcheck", "healthcheck [--addr HOST:PORT]", stdout)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address the server listens on")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	url := "http://" + probeAddr(cfg.Addr) + "/readyz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return usageError{fmt.Errorf("--addr %s: %v", cfg.Addr, err)}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	fmt.Fprintln(stdout, "ready")
	return nil
}

// probeAddr is where to reach a server listening on addr from the same
// machine: an unspecified host (":8080", "0.0.0.0:8080", "[::]:8080")
// listens on loopback too.
func probeAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/auth"
)

// runToken mints an HS256 JWT for a role (and, for AGENCY, its countries)
// with the secret the server is configured with, for operators handing
// out access (docs/auth.md). It reads the same flags and environment
// variables as `postclear serve`, so that a token minted on the server's
// machine is accepted by it.
func runToken(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("token", "token --role ADMIN|ANALYST|AGENCY|INGEST [--countries KE,TH] [--subject NAME] [--ttl 720h] [flags]", stdout)
	fs.StringVar(&cfg.AuthHS256SecretFile, "auth-hs256-secret-file", "", "file holding the server's HS256 secret (as for postclear serve)")
	fs.StringVar(&cfg.AuthIssuer, "auth-issuer", "", "issuer (iss) the server requires, if any")
	fs.StringVar(&cfg.AuthAudience, "auth-audience", "", "audience (aud) the server requires, if any")
	role := fs.String("role", "", "ADMIN, ANALYST, AGENCY (needs --countries) or INGEST")
	countries := fs.String("countries", "", "AGENCY: comma-separated ISO 3166-1 alpha-2 countries it may see, e.g. KE,TH")
	subject := fs.String("subject", "", "who the token is for, as it appears in the server's logs (default: the role in lower case)")
	ttl := fs.Duration("ttl", 30*24*time.Hour, "how long the token is valid")
	if err := parse(fs, args); err != nil {
		return err
	}
	r, ok := auth.ParseRole(*role)
	if !ok {
		return usagef("--role %q: use ADMIN, ANALYST, AGENCY or INGEST", *role)
	}
	if cfg.AuthHS256SecretFile == "" {
		return usagef("--auth-hs256-secret-file (or POSTCLEAR_AUTH_HS256_SECRET_FILE) is required: the secret the server verifies tokens with")
	}
	p := auth.Principal{Subject: *subject, Role: r, Countries: splitList(strings.ToUpper(*countries))}
	if p.Subject == "" {
		p.Subject = strings.ToLower(string(r))
	}
	b, err := os.ReadFile(cfg.AuthHS256SecretFile)
	if err != nil {
		return err
	}
	var opts []auth.MintOption
	if cfg.AuthIssuer != "" {
		opts = append(opts, auth.MintIssuer(cfg.AuthIssuer))
	}
	if cfg.AuthAudience != "" {
		opts = append(opts, auth.MintAudience(cfg.AuthAudience))
	}
	tok, err := auth.MintHS256([]byte(strings.TrimSpace(string(b))), p, *ttl, opts...)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}

package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/report"
	"github.com/postclear/postclear/internal/seed"
)

// runCLI runs a command line in this process, as main would.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// Issue 15: every subcommand's --help goes to standard output and exits 0.
func TestHelpGoesToStdout(t *testing.T) {
	for name := range commands {
		for _, flag := range []string{"--help", "-h"} {
			t.Run(name+flag, func(t *testing.T) {
				code, out, errOut := runCLI(name, flag)
				if code != 0 || !strings.Contains(out, "Usage: postclear "+name) || errOut != "" {
					t.Errorf("exit %d, stdout %q, stderr %q; want 0, the usage on stdout, nothing on stderr", code, out, errOut)
				}
			})
		}
	}
	// Help after other arguments, as flags may be anywhere.
	if code, out, _ := runCLI("ingest", "events", "a.csv", "--help"); code != 0 || !strings.Contains(out, "-max-record-bytes") {
		t.Errorf("ingest events a.csv --help: exit %d, stdout %q", code, out)
	}
	if code, out, _ := runCLI("--help"); code != 0 || !strings.Contains(out, "postclear mou") {
		t.Errorf("postclear --help: exit %d, stdout %q", code, out)
	}
}

// Issue 15: a mistake on the command line exits 2 with one line on
// standard error, before anything is opened (none of these touch the
// engine, or the test would need one).
func TestMisuseExitsTwoWithOneLine(t *testing.T) {
	tests := [][]string{
		{},
		{"frobnicate"},
		{"ingest"},
		{"ingest", "parcels", "a.csv"},
		{"ingest", "events"},
		{"ingest", "events", "a.csv", "--no-such-flag"},
		{"ingest", "events", "a.csv", "--batch-size", "many"},
		{"ingest", "events", "a.csv", "--max-record-bytes", "0"},
		{"ingest", "events", "a.csv", "--data-dir"},
		{"serve", "--no-such-flag"},
		{"serve", "extra"},
		{"seed", "extra"},
		{"migrate", "--port", "1"},
		{"report"},
		{"report", "--mou", "mou-ke-2024"},
		{"report", "--mou", "mou-ke-2024", "--quarter", "2025-Q1", "--format", "docx"},
		{"report", "--mou", "mou-ke-2024", "--quarter", "2025-Q1", "--server", "localhost:8080"},
		{"mou"},
		{"mou", "delete"},
		{"mou", "archive"},
		{"mou", "list", "extra"},
		{"mou", "create", "--country", "KE"},
		{"mou", "create", "--target", "P90"},
		{"token"},
		{"token", "--role", "KING"},
		{"token", "--role", "ADMIN"},
		{"version", "--verbose"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(args...)
			if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, one line", code, out, errOut)
			}
		})
	}
}

// childIn runs this test binary as postclear with a home of its own, so
// that the default data directory is a place the test can look at.
func childIn(t *testing.T, home string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := child(t, "run", args...)
	cmd.Env = append(cmd.Env, "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"))
	if os.Getenv("XDG_CACHE_HOME") == "" {
		// libchdb stays where `make chdb` put it.
		if real, err := os.UserHomeDir(); err == nil {
			cmd.Env = append(cmd.Env, "XDG_CACHE_HOME="+filepath.Join(real, ".cache"))
		}
	}
	return cmd
}

func runCmd(t *testing.T, cmd *exec.Cmd) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatal(err)
		}
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// Issue 9: `postclear ingest events FILE --data-dir DIR` took the flag for a
// file, stored the rows in the default data directory and exited 2. Flags
// go anywhere, "--" ends them, and nothing is written to a database the
// user did not name.
func TestFlagsAfterArguments(t *testing.T) {
	requireEngine(t)
	home, dir, files := t.TempDir(), t.TempDir(), t.TempDir()
	st, err := seed.Files(context.Background(), files, demo.Config{Items: 50, Seed: 3}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// A file whose name looks like a flag, loaded after "--".
	if err := os.Rename(filepath.Join(files, "events.csv"), filepath.Join(files, "-events.csv")); err != nil {
		t.Fatal(err)
	}
	cmd := childIn(t, home, "ingest", "events", "--", "-events.csv", "--data-dir", dir)
	cmd.Dir = files
	if code, _, errOut := runCmd(t, cmd); code != 1 || !strings.Contains(errOut, "--data-dir: no such file") {
		// After "--", "--data-dir" is a file name; it does not exist.
		t.Errorf("after --: exit %d, stderr %q; want 1 and --data-dir taken as a missing file", code, errOut)
	}
	os.RemoveAll(filepath.Join(home, "data"))

	cmd = childIn(t, home, "ingest", "events", "-events.csv", "--data-dir", dir, "--quiet")
	cmd.Dir = files
	if code, out, errOut := runCmd(t, cmd); code == 0 || !strings.Contains(errOut, "flag provided but not defined: -events.csv") || out != "" {
		t.Errorf("a file named like a flag without --: exit %d, stdout %q, stderr %q; want a usage error", code, out, errOut)
	}
	cmd = childIn(t, home, "ingest", "events", "--", "-events.csv")
	cmd.Env = append(cmd.Env, "POSTCLEAR_DATA_DIR="+dir)
	cmd.Dir = files
	if code, out, errOut := runCmd(t, cmd); code != 0 || !strings.Contains(out, fmt.Sprintf("%d accepted", st.Events)) {
		t.Fatalf("ingest -- -events.csv: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	cmd = childIn(t, home, "ingest", "decisions", filepath.Join(files, "decisions.csv"), "--data-dir", dir, "--quiet")
	if code, out, errOut := runCmd(t, cmd); code != 0 || !strings.Contains(out, fmt.Sprintf("%d accepted", st.Decisions)) {
		t.Fatalf("ingest decisions FILE --data-dir DIR: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	got := childReport(t, dir).Status
	if got.Events != st.Events || got.Decisions != st.Decisions {
		t.Errorf("%s holds %d events and %d decisions, want %d and %d", dir, got.Events, got.Decisions, st.Events, st.Decisions)
	}
	if _, err := os.Stat(filepath.Join(home, "data", "postclear")); !os.IsNotExist(err) {
		t.Errorf("the default data directory was created (%v): a database the user did not name", err)
	}
}

// Issue 9: `postclear ingest events /dev/zero` grew to 4.6 GB and ignored
// SIGTERM. An endless line is now a bounded rejection, and SIGTERM stops
// the run promptly with exit 2, saying what was stored.
func TestIngestEndlessInput(t *testing.T) {
	requireEngine(t)
	if testing.Short() {
		t.Skip("skipping: starts engines in child processes")
	}
	home, dir := t.TempDir(), t.TempDir()

	// /dev/zero has no header row: a file error, at once.
	cmd := childIn(t, home, "ingest", "events", "/dev/zero", "--data-dir", dir, "--quiet")
	code, _, errOut := runCmd(t, cmd)
	if code != 1 || !strings.Contains(errOut, "/dev/zero: header row: longer than 65536 bytes") {
		t.Errorf("ingest /dev/zero: exit %d, stderr %q", code, errOut)
	}

	// A header, a row, then zeros without end, through a pipe.
	fifo := filepath.Join(t.TempDir(), "endless.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	cmd = childIn(t, home, "ingest", "events", fifo, "--data-dir", dir, "--quiet")
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Opening a pipe to write waits for its reader: the child, once its
	// engine is open. Should the child end first, unblock the open.
	opened := make(chan *os.File, 1)
	go func() {
		w, _ := os.OpenFile(fifo, os.O_WRONLY, 0)
		opened <- w
	}()
	var w *os.File
	select {
	case w = <-opened:
	case <-done:
		if r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			(<-opened).Close()
			r.Close()
		}
		t.Fatalf("ingest ended before reading the pipe: %s", errBuf.String())
	}
	written := make(chan int64, 1)
	go func() {
		n, _ := io.Copy(w, io.MultiReader(strings.NewReader(eventsHeader+"CP123456785CN,EMA,2025-03-01T10:00:00Z,CNPEKA,CN,KE,PARCEL\n"), zeros{}))
		written <- n
	}()
	// Let it read a good deal of the endless line.
	time.Sleep(3 * time.Second)
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("ingest still running 15 s after SIGTERM")
	}
	w.Close()
	n := <-written
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(errBuf.String(), "stopped after storing") {
		t.Errorf("after SIGTERM: exit %d, stderr %q; want 2 and what was stored", code, errBuf.String())
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // kB
	t.Logf("read %d MB of one line; peak RSS %d MB", n>>20, rss>>20)
	// The engine alone takes about 400 MB; the line must add little.
	if n > 64<<20 && rss > 1<<30 {
		t.Errorf("peak RSS %d MB after %d MB of one line: the line was held in memory", rss>>20, n>>20)
	}
}

const eventsHeader = "item_id,event_code,event_time,office,origin_country,destination_country,mail_class\n"

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// Issue 9: a truncated .gz is reported with the line where it broke off,
// and the other files are loaded; exit 1.
func TestIngestTruncatedGzipThenGoodFile(t *testing.T) {
	requireEngine(t)
	home, dir, files := t.TempDir(), t.TempDir(), t.TempDir()
	st, err := seed.Files(context.Background(), files, demo.Config{Items: 200, Seed: 5}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	events, _ := os.ReadFile(filepath.Join(files, "events.csv"))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(events)
	zw.Close()
	trunc := filepath.Join(files, "trunc.csv.gz")
	os.WriteFile(trunc, gz.Bytes()[:gz.Len()/2], 0o644)
	cmd := childIn(t, home, "ingest", "events", trunc, filepath.Join(files, "events.csv"), "--data-dir", dir, "--quiet", "--errors", filepath.Join(files, "errors.csv"))
	code, out, errOut := runCmd(t, cmd)
	if code != 1 || !strings.Contains(errOut, "trunc.csv.gz: line ") || !strings.Contains(errOut, "unexpected EOF") {
		t.Errorf("exit %d, stderr %q; want 1 and the broken file with its line", code, errOut)
	}
	if !strings.Contains(out, "1 files") {
		t.Errorf("stdout %q: want the good file read to its end", out)
	}
	if got := childReport(t, dir).Status.Events; got != st.Events {
		t.Errorf("stored %d events, want all %d of the good file", got, st.Events)
	}
	report, _ := os.ReadFile(filepath.Join(files, "errors.csv"))
	if !strings.Contains(string(report), "trunc.csv.gz") {
		t.Errorf("--errors file %q does not name the broken file", report)
	}
}

// Issue 15: `postclear version` prints the version the Makefile stamps.
func TestVersionStampedByMake(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: builds the binary")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make here")
	}
	bin := filepath.Join(t.TempDir(), "postclear")
	out, err := exec.Command("make", "-s", "-C", "../..", "build", "BIN="+bin, "VERSION=v9.8.7-test").CombinedOutput()
	if err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "version").Output()
	if err != nil || string(out) != "postclear v9.8.7-test\n" {
		t.Errorf("version printed %q (%v), want %q", out, err, "postclear v9.8.7-test\n")
	}
	// Docker does not run here: check that its build stamps the version too.
	df, _ := os.ReadFile("../../Dockerfile")
	if !bytes.Contains(df, []byte("-X main.version=${VERSION}")) {
		t.Error("the Dockerfile does not stamp the version")
	}
}

// Issue 15: from `seed --out` and `ingest` to a report without GraphQL:
// mou create, list and archive, and token for operators.
func TestMoUAndTokenCommands(t *testing.T) {
	requireEngine(t)
	if testing.Short() {
		t.Skip("skipping: starts engines in child processes")
	}
	home, dir, files := t.TempDir(), t.TempDir(), t.TempDir()
	mustRun := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCmd(t, childIn(t, home, append(args, "--data-dir", dir)...))
		if code != 0 {
			t.Fatalf("postclear %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
		}
		return out
	}
	mustRun("seed", "--out", files, "--items", "400")
	for _, kind := range []string{"events", "declarations", "decisions", "holidays"} {
		mustRun("ingest", kind, filepath.Join(files, kind+".csv"), "--quiet")
	}
	var created []struct{ ID, Country string }
	out := mustRun("mou", "create", "--country", "KE", "--customs-administration", "Kenya Revenue Authority",
		"--postal-operator", "Posta Kenya", "--signed-on", "2024-05-01", "--effective-from", "2024-06-01",
		"--target", "CLEARANCE_P90_HOURS:AT_MOST:48", "--target", "EAD_COVERAGE:AT_LEAST:0.9", "--json")
	if err := json.Unmarshal([]byte(out), &created); err != nil || len(created) != 1 || created[0].ID != "mou-ke-2024" {
		t.Fatalf("mou create printed %q (%v)", out, err)
	}
	if out := mustRun("mou", "list"); !strings.Contains(out, "mou-ke-2024") || !strings.Contains(out, "Posta Kenya") {
		t.Errorf("mou list: %q", out)
	}
	// Agreed actions load like every kind: a bad row is rejected with its
	// line and field (exit 1), the good one stored.
	actions := filepath.Join(files, "actions.csv")
	os.WriteFile(actions, []byte(`mou_id,id,raised_on,text,owner,due_on,status,closed_on,kpi
mou-ke-2024,2025-Q1-01,2025-01-15,Send the release file daily,CUSTOMS,2025-03-31,OPEN,,CLEARANCE_P90_HOURS
mou-ke-2024,2025-Q1-02,2025-01-15,Train counter staff,NOBODY,2025-03-31,OPEN,,
`), 0o644)
	code, out, errOut := runCmd(t, childIn(t, home, "ingest", "actions", actions, "--quiet", "--data-dir", dir))
	if code != 1 || !strings.Contains(errOut, `actions.csv:3: owner: unknown value "NOBODY"`) || !strings.Contains(out, "2 rows read, 1 accepted, 1 rejected") {
		t.Errorf("ingest actions: exit %d\n%s%s", code, out, errOut)
	}
	out = mustRun("report", "--mou", "mou-ke-2024", "--quarter", "2025-Q1", "--format", "json")
	var ev struct {
		Quarter string
		KPIs    []struct{ KPI string } `json:"kpis"`
		Actions struct{ Raised, Overdue int }
	}
	if err := json.Unmarshal([]byte(out), &ev); err != nil || len(ev.KPIs) == 0 || ev.Actions.Raised != 1 || ev.Actions.Overdue != 1 {
		t.Errorf("report: %v %+v\n%.300s", err, ev.Actions, out)
	}
	mustRun("mou", "archive", "mou-ke-2024")
	if out := mustRun("mou", "list"); strings.Contains(out, "mou-ke-2024") {
		t.Errorf("mou list shows an archived MoU: %q", out)
	}
	if out := mustRun("mou", "list", "--archived"); !strings.Contains(out, "mou-ke-2024") {
		t.Errorf("mou list --archived: %q", out)
	}

	secret := filepath.Join(files, "secret")
	os.WriteFile(secret, []byte("0123456789abcdef0123456789abcdef-secret\n"), 0o600)
	code, tok, errOut := runCLI("token", "--role", "agency", "--countries", "ke,th", "--auth-hs256-secret-file", secret, "--subject", "kra")
	if code != 0 {
		t.Fatalf("token: exit %d: %s", code, errOut)
	}
	a, err := auth.New(auth.Config{HS256Secret: []byte("0123456789abcdef0123456789abcdef-secret")})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Authenticate(context.Background(), "Bearer "+strings.TrimSpace(tok))
	if err != nil || p.Role != auth.RoleAgency || strings.Join(p.Countries, ",") != "KE,TH" || p.Subject != "kra" {
		t.Errorf("minted token authenticates as %+v (%v), want AGENCY kra for KE,TH", p, err)
	}
}

// Issue 15: `report` works while a server holds the data directory: it
// says how to ask the server, and --server does.
func TestReportWhileServerRuns(t *testing.T) {
	s := startServer(t, "report_server")
	got := post(t, s, `mutation { createMou(input: {country: "KE", customsAdministration: "KRA", postalOperator: "Posta Kenya",
		signedOn: "2024-05-01", effectiveFrom: "2024-06-01", targets: []}) { id } }`, nil)
	if len(got.Errors) > 0 {
		t.Fatalf("createMou: %+v", got.Errors)
	}
	code, _, errOut := runCmd(t, childIn(t, t.TempDir(), "report", "--data-dir", testDataDir, "--database", "report_server",
		"--mou", "mou-ke-2024", "--quarter", "2025-Q1"))
	if code != 1 || !strings.Contains(errOut, "in use") || !strings.Contains(errOut, "postclear report --server http://") {
		t.Errorf("report on a held data directory: exit %d, stderr %q; want 1 and how to ask the server", code, errOut)
	}
	code, out, errOut := runCLI("report", "--server", "http://"+s.Addr(), "--mou", "mou-ke-2024", "--quarter", "2025-Q1", "--format", "csv")
	if code != 0 {
		t.Fatalf("report --server: exit %d: %s", code, errOut)
	}
	resp, err := http.Get("http://" + s.Addr() + "/reports/mous/mou-ke-2024/2025-Q1.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	want, _ := io.ReadAll(resp.Body)
	if out != string(want) {
		t.Errorf("report --server printed\n%s\nthe download is\n%s", out, want)
	}
	// --bom starts the same CSV with a UTF-8 byte order mark, for Excel;
	// it is for CSV only.
	if code, bomOut, errOut := runCLI("report", "--server", "http://"+s.Addr(), "--mou", "mou-ke-2024", "--quarter", "2025-Q1", "--format", "csv", "--bom"); code != 0 || bomOut != report.BOM+string(want) {
		t.Errorf("report --bom: exit %d (%s), output starts %q", code, errOut, bomOut[:min(len(bomOut), 20)])
	}
	if code, _, errOut := runCLI("report", "--server", "http://"+s.Addr(), "--mou", "mou-ke-2024", "--quarter", "2025-Q1", "--format", "pdf", "--bom"); code != 2 || !strings.Contains(errOut, "--bom is for --format csv") {
		t.Errorf("report --format pdf --bom: exit %d, stderr %q; want a usage error", code, errOut)
	}
	code, _, errOut = runCLI("report", "--server", "http://"+s.Addr(), "--mou", "mou-xx-1999", "--quarter", "2025-Q1")
	if code != 1 || !strings.Contains(errOut, "no MoU with id") {
		t.Errorf("report --server for a missing MoU: exit %d, stderr %q", code, errOut)
	}
}

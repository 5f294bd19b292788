package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/seed"
)

// childMain runs this test binary as a postclear process when the parent
// test asks for one: POSTCLEAR_TEST_CHILD=run executes the command line in
// POSTCLEAR_TEST_ARGS; =report prints what a data directory holds. It
// reports whether it ran (and then the process exits).
func childMain() bool {
	mode := os.Getenv("POSTCLEAR_TEST_CHILD")
	if mode == "" {
		return false
	}
	var args []string
	json.Unmarshal([]byte(os.Getenv("POSTCLEAR_TEST_ARGS")), &args)
	ctx := context.Background()
	switch mode {
	case "run":
		os.Exit(runMain(args, os.Stdin, os.Stdout, os.Stderr))
	case "serve-runaway":
		os.Exit(serveWithRunaway(args))
	case "report":
		if err := printReport(ctx, args[0]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	return false
}

// crashReport is what must not differ between an interrupted-then-repeated
// load and a clean one.
type crashReport struct {
	Status    postclear.DataStatus
	Clearance []postclear.ClearanceStat
	Delivery  []postclear.DeliveryStat
}

func printReport(ctx context.Context, dataDir string) error {
	cfg := DefaultConfig()
	cfg.DataDir = dataDir
	e, store, err := openStore(ctx, cfg, newLogger("text", os.Stderr))
	if err != nil {
		return err
	}
	defer e.Close()
	var r crashReport
	if r.Status, err = store.DataStatus(ctx); err != nil {
		return err
	}
	svc := &analytics.Service{Engine: e, Layout: cfg.layout(), Facts: store.Facts(), Now: func() time.Time { return demo.DefaultNow }}
	g := postclear.Month
	q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: demo.DefaultNow.AddDate(-2, 0, 0), To: demo.DefaultNow}, GroupBy: []postclear.Dimension{postclear.DimDestinationCountry}, Granularity: &g}
	if r.Clearance, err = svc.ClearanceTimes(ctx, q, 24); err != nil {
		return err
	}
	if r.Delivery, err = svc.DeliveryTimes(ctx, q, postclear.StandardDelivery(5)); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

func child(t *testing.T, mode string, args ...string) *exec.Cmd {
	t.Helper()
	b, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "POSTCLEAR_TEST_CHILD="+mode, "POSTCLEAR_TEST_ARGS="+string(b))
	return cmd
}

func childReport(t *testing.T, dataDir string) crashReport {
	t.Helper()
	out, err := child(t, "report", dataDir).Output()
	if err != nil {
		t.Fatalf("report on %s: %v", dataDir, err)
	}
	var r crashReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("report: %v: %s", err, out)
	}
	return r
}

// A load killed with SIGKILL midway leaves a database that opens; loading
// the same file again completes it, and nothing counts twice: the result
// equals a clean single load.
func TestIngestKilledMidwayThenRepeated(t *testing.T) {
	requireEngine(t)
	if testing.Short() {
		t.Skip("skipping the crash test in -short mode")
	}
	dir := t.TempDir()
	if _, err := seed.Files(context.Background(), dir, demo.Config{Items: 60_000, Seed: 7}, time.Now()); err != nil {
		t.Fatal(err)
	}
	events := filepath.Join(dir, "events.csv")
	crashed, clean := filepath.Join(dir, "crashed"), filepath.Join(dir, "clean")

	cmd := child(t, "run", "ingest", "events", "--data-dir", crashed, "--batch-size", "20000", "--quiet", events)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once the first batches are stored: the status file appears when
	// the engine opens, and the load takes seconds after that.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(crashed, "status")); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(700 * time.Millisecond)
	cmd.Process.Kill()
	err := cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		t.Fatalf("the load ended before it could be killed (%v); the test needs a larger file", err)
	}
	partial := childReport(t, crashed)
	t.Logf("killed after %d of the events were stored", partial.Status.Events)

	if out, err := child(t, "run", "ingest", "events", "--data-dir", crashed, "--quiet", events).CombinedOutput(); err != nil {
		t.Fatalf("repeating the load: %v\n%s", err, out)
	}
	if out, err := child(t, "run", "ingest", "events", "--data-dir", clean, "--quiet", events).CombinedOutput(); err != nil {
		t.Fatalf("clean load: %v\n%s", err, out)
	}
	got, want := childReport(t, crashed), childReport(t, clean)
	if got.Status.Events <= partial.Status.Events && partial.Status.Events == want.Status.Events {
		t.Fatal("the kill came after the load had finished; nothing was interrupted")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("interrupted + repeated load differs from a clean load (-want +got):\n%s", diff)
	}
}

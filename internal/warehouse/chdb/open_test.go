package chdb

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

func TestOpenShares(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, Options{})
	b := openTest(t, Options{})
	if a.s != b.s {
		t.Fatal("second Open did not share the connection")
	}
	if err := b.Exec(ctx, "CREATE TABLE IF NOT EXISTS default.shared (a Int64) ENGINE = Memory", nil); err != nil {
		t.Fatal(err)
	}
	defer a.Exec(ctx, "DROP TABLE IF EXISTS default.shared", nil)
	// Closing one handle leaves the other working; closing twice is fine.
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Ping(ctx); err == nil {
		t.Error("Ping on a closed handle: no error")
	}
	if err := a.Exec(ctx, "INSERT INTO default.shared VALUES (1)", nil); err != nil {
		t.Fatalf("other handle after Close: %v", err)
	}

	_, err := Open(ctx, Options{DataDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "already open on memory") {
		t.Errorf("Open on another directory: got %v, want an already-open error", err)
	}
	_, err = Open(ctx, Options{Settings: map[string]string{"max_threads": "1"}})
	if err == nil {
		t.Error("Open with other settings: no error")
	}
}

func TestOpenSettings(t *testing.T) {
	// Settings can only differ once every handle is closed.
	if current != nil {
		t.Skip("engine open in this process")
	}
	e := openTest(t, Options{Settings: map[string]string{"max_execution_time": "17", "max_threads": "1"}})
	rows, err := e.Query(context.Background(), "SELECT toFloat64(getSetting('max_execution_time')), toUInt64(getSetting('max_threads'))", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var met float64
	var mt uint64
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	if err := rows.Scan(&met, &mt); err != nil {
		t.Fatal(err)
	}
	if met != 17 || mt != 1 {
		t.Errorf("settings: max_execution_time %v, max_threads %v; want 17, 1", met, mt)
	}
}

func TestOpenBadSetting(t *testing.T) {
	if current != nil {
		t.Skip("engine open in this process")
	}
	openTest(t, Options{}).Close() // skip unless the library is there
	if _, err := Open(context.Background(), Options{Settings: map[string]string{"no_such_setting": "1"}}); err == nil {
		t.Error("unknown setting: no error")
	}
	if _, err := Open(context.Background(), Options{Settings: map[string]string{"max_threads; DROP": "1"}}); err == nil {
		t.Error("invalid setting name: no error")
	}
}

func TestOpenMissingLibrary(t *testing.T) {
	if current != nil {
		t.Skip("engine open in this process")
	}
	_, err := Open(context.Background(), Options{LibPath: filepath.Join(t.TempDir(), "libchdb.so")})
	if got := postclear.ErrorCode(err); got != postclear.EUnavailable {
		t.Fatalf("error code %q (%v), want %s", got, err, postclear.EUnavailable)
	}
	if msg := postclear.ErrorMessage(err); !strings.Contains(msg, "make chdb") || !strings.Contains(msg, "POSTCLEAR_CHDB_LIB") {
		t.Errorf("message %q does not say how to get the library", msg)
	}
}

func TestDefaultLibPath(t *testing.T) {
	t.Setenv("POSTCLEAR_CHDB_LIB", "")
	t.Setenv("CHDB_LIB_PATH", "")
	t.Setenv("XDG_CACHE_HOME", "/cache")
	if got, want := defaultLibPath(), "/cache/postclear/chdb/"+Version+"/libchdb.so"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	t.Setenv("CHDB_LIB_PATH", "/b.so")
	if got := defaultLibPath(); got != "/b.so" {
		t.Errorf("CHDB_LIB_PATH: got %s", got)
	}
	t.Setenv("POSTCLEAR_CHDB_LIB", "/a.so")
	if got := defaultLibPath(); got != "/a.so" {
		t.Errorf("POSTCLEAR_CHDB_LIB: got %s", got)
	}
}

func TestParseException(t *testing.T) {
	err := parseException("Code: 62. DB::Exception: Syntax error: failed at position 7 (1): 1. (SYNTAX_ERROR)\n")
	var exc *clickhouse.Exception
	if !errors.As(err, &exc) {
		t.Fatalf("%T is not a *clickhouse.Exception", err)
	}
	want := &clickhouse.Exception{Code: 62, Name: "DB::Exception", CodeName: "SYNTAX_ERROR", Message: "Syntax error: failed at position 7 (1): 1. (SYNTAX_ERROR)"}
	if diff := cmp.Diff(want, exc, cmpopts.IgnoreUnexported(clickhouse.Exception{})); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// The persistence test runs the engine in child processes (one engine per
// process, and a process cannot reopen a directory-backed engine as an
// in-memory one while another test holds it): one child writes into a
// data directory and exits, a second child reads it back.
const childEnv = "POSTCLEAR_CHDB_TEST_CHILD"

func TestPersistenceAcrossRestart(t *testing.T) {
	openTest(t, Options{}) // skip unless the library is there
	dir := t.TempDir()
	for _, step := range []string{"write", "read"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPersistenceChild$", "-test.v")
		cmd.Env = append(os.Environ(), childEnv+"="+step, "POSTCLEAR_CHDB_TEST_DIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "child "+step+" ok") {
			t.Fatalf("child %s: %v\n%s", step, err, out)
		}
	}
}

func TestPersistenceChild(t *testing.T) {
	step := os.Getenv(childEnv)
	if step == "" {
		t.Skip("run by TestPersistenceAcrossRestart")
	}
	ctx := context.Background()
	e := openTest(t, Options{DataDir: os.Getenv("POSTCLEAR_CHDB_TEST_DIR")})
	switch step {
	case "write":
		for _, q := range []string{
			"CREATE DATABASE IF NOT EXISTS persist",
			"CREATE TABLE persist.t (id UInt32, s String) ENGINE = MergeTree ORDER BY id",
		} {
			if err := e.Exec(ctx, q, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Insert(ctx, "persist.t", []string{"id", "s"}, [][]any{{uint32(1), "one"}, {uint32(2), "two\nlines"}}); err != nil {
			t.Fatal(err)
		}
	case "read":
		rows, err := e.Query(ctx, "SELECT groupArray(s) FROM (SELECT s FROM persist.t WHERE id >= {min:UInt32} ORDER BY id)", warehouse.Params{"min": uint32(1)})
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		if !rows.Next() {
			t.Fatal(rows.Err())
		}
		if err := rows.Scan(&got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0] != "one" || got[1] != "two\nlines" {
			t.Fatalf("read back %q", got)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	t.Log("child " + step + " ok")
}

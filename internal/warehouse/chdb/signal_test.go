package chdb

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
)

// goHandlers holds each signal's sigaction as the Go runtime set it up,
// captured in TestMain before any test starts the engine.
var goHandlers [65][sigactionSize]byte

func TestMain(m *testing.M) {
	if libc, err := purego.Dlopen("libc.so.6", purego.RTLD_NOW|purego.RTLD_GLOBAL); err == nil {
		var sigaction func(sig int32, act, old unsafe.Pointer) int32
		purego.RegisterLibFunc(&sigaction, libc, "sigaction")
		for sig := int32(1); sig < int32(len(goHandlers)); sig++ {
			sigaction(sig, nil, unsafe.Pointer(&goHandlers[sig]))
		}
	}
	os.Exit(m.Run())
}

// TestSignalHandlersKept checks that after connecting, every signal the
// Go runtime handles still goes to the Go runtime's handler.
func TestSignalHandlersKept(t *testing.T) {
	e := openTest(t, Options{})
	if err := e.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	for sig := int32(1); sig < int32(len(goHandlers)); sig++ {
		var now [sigactionSize]byte
		e.s.lib.sigaction(sig, nil, unsafe.Pointer(&now))
		before := goHandlers[sig][:8] // sa_handler / sa_sigaction
		if bytes.Equal(before, make([]byte, 8)) {
			continue // SIG_DFL before: the engine may take it
		}
		if !bytes.Equal(before, now[:8]) {
			t.Errorf("signal %d: handler changed from %x to %x", sig, before, now[:8])
		}
	}
}

// TestNilDereferenceRecovers proves the signal fix: with the engine
// running, a nil dereference in Go is a panic that recover catches (as
// gqlgen's recover function does), not a silent exit 139.
func TestNilDereferenceRecovers(t *testing.T) {
	e := openTest(t, Options{})
	ctx := context.Background()
	if err := e.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err, _ = r.(runtime.Error)
				}
			}()
			var p *struct{ n int }
			p.n++ // SIGSEGV
			return nil
		}()
		if err == nil {
			t.Fatal("nil dereference was not recovered as a runtime.Error")
		}
		if err := e.Ping(ctx); err != nil {
			t.Fatalf("engine after recovered panic: %v", err)
		}
	}
}

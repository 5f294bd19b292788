package chdb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Version is the libchdb release this binding is written and tested
// against; scripts/fetch-chdb.sh caches the same one.
const Version = "26.5.3"

// lib holds the few C functions of libchdb (and libc) this package uses.
// Its fields stay nil until load runs, so importing the package loads
// nothing: a binary configured for a ClickHouse server never needs libchdb.
type lib struct {
	connect      func(argc int32, argv unsafe.Pointer) unsafe.Pointer
	closeConn    func(conn unsafe.Pointer)
	queryParams  func(conn unsafe.Pointer, query, format *byte, names, values unsafe.Pointer, count uintptr) unsafe.Pointer
	resultBuffer func(res unsafe.Pointer) unsafe.Pointer
	resultLength func(res unsafe.Pointer) uintptr
	resultError  func(res unsafe.Pointer) *byte
	rowsRead     func(res unsafe.Pointer) uint64
	bytesRead    func(res unsafe.Pointer) uint64
	destroy      func(res unsafe.Pointer)
	setSignals   func(enabled int32)

	// sigaction is glibc's, not the raw system call: its struct layout is
	// glibc's (see sigactionSize), which is what we save and restore.
	sigaction func(sig int32, act, old unsafe.Pointer) int32
}

// defaultLibPath is where scripts/fetch-chdb.sh caches the library.
func defaultLibPath() string {
	for _, env := range []string{"POSTCLEAR_CHDB_LIB", "CHDB_LIB_PATH"} {
		if p := os.Getenv(env); p != "" {
			return p
		}
	}
	dir := os.Getenv("XDG_CACHE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".cache")
	}
	return filepath.Join(dir, "postclear", "chdb", Version, "libchdb.so")
}

// errNotFound marks a library that is not where we looked, as opposed to
// one that exists but fails to load.
var errNotFound = errors.New("libchdb not found")

// load dlopens libchdb at path and libc, and binds the functions.
func load(path string) (*lib, error) {
	if runtime.GOOS != "linux" {
		return nil, fmt.Errorf("load libchdb: the embedded engine runs on linux only, not %s", runtime.GOOS)
	}
	if path == "" {
		return nil, fmt.Errorf("load libchdb: %w (no home directory to look in)", errNotFound)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("load libchdb: %w at %s", errNotFound, path)
	}
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("load libchdb %s: %w", path, err)
	}
	libc, err := purego.Dlopen("libc.so.6", purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("load libc: %w", err)
	}
	l := &lib{}
	syms := []struct {
		handle uintptr
		name   string
		fptr   any
	}{
		{h, "chdb_connect", &l.connect},
		{h, "chdb_close_conn", &l.closeConn},
		{h, "chdb_query_with_params", &l.queryParams},
		{h, "chdb_result_buffer", &l.resultBuffer},
		{h, "chdb_result_length", &l.resultLength},
		{h, "chdb_result_error", &l.resultError},
		{h, "chdb_result_storage_rows_read", &l.rowsRead},
		{h, "chdb_result_storage_bytes_read", &l.bytesRead},
		{h, "chdb_destroy_query_result", &l.destroy},
		{h, "chdb_set_signal_handlers_enabled", &l.setSignals},
		{libc, "sigaction", &l.sigaction},
	}
	for _, s := range syms {
		// Dlsym rather than RegisterLibFunc, which panics: an older
		// library lacking a function must be an error, not a crash.
		fn, err := purego.Dlsym(s.handle, s.name)
		if err != nil {
			return nil, fmt.Errorf("load libchdb %s: %s: %w (want chDB %s)", path, s.name, err, Version)
		}
		purego.RegisterFunc(s.fptr, fn)
	}
	return l, nil
}

// cString returns s as a NUL-terminated byte slice in Go memory. The Go
// heap does not move objects, so a pointer into it stays valid for a C call
// as long as the slice is kept alive across the call.
func cString(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}

// cStrings is an array of C strings (const char* const*), kept in Go memory.
type cStrings struct {
	bufs [][]byte
	ptrs []*byte
}

func newCStrings(ss []string) *cStrings {
	c := &cStrings{bufs: make([][]byte, len(ss)), ptrs: make([]*byte, len(ss)+1)}
	for i, s := range ss {
		c.bufs[i] = cString(s)
		c.ptrs[i] = &c.bufs[i][0]
	}
	return c
}

// ptr returns the address of the array; it is never NULL, because the
// array always holds a terminating NULL entry.
func (c *cStrings) ptr() unsafe.Pointer { return unsafe.Pointer(&c.ptrs[0]) }

// goString copies a NUL-terminated C string.
func goString(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// Signals whose handlers chdb_connect replaces (resets to SIG_DFL, even
// with chdb_set_signal_handlers_enabled(0)), as observed with libchdb 26.5:
// the synchronous faults the Go runtime turns into panics (a nil
// dereference is a SIGSEGV) or reports with a stack trace. SIGURG, which Go
// uses to preempt goroutines, is kept too, in case a later version takes it.
// TestSignalHandlersKept checks every signal, to catch a new library that
// takes more.
var savedSignals = []int32{
	4,  // SIGILL
	5,  // SIGTRAP
	6,  // SIGABRT
	7,  // SIGBUS
	8,  // SIGFPE
	11, // SIGSEGV
	23, // SIGURG
	31, // SIGSYS
}

// sigactionSize is larger than glibc's struct sigaction (152 bytes on
// x86_64 and arm64: handler, a 1024-bit sa_mask, sa_flags, sa_restorer).
// We only round-trip the bytes glibc wrote, so generous is safe.
const sigactionSize = 512

// connectKeepingSignals calls chdb_connect without letting ClickHouse's
// signal handlers replace the Go runtime's. ClickHouse installs handlers
// for the fault signals when it connects; with them a nil dereference in Go
// code kills the process (exit 139, no stack) instead of panicking, and
// chdb_set_signal_handlers_enabled(0) alone resets them to SIG_DFL, which
// removes Go's too. So we save each sigaction, connect, and put them back.
func (l *lib) connectKeepingSignals(args []string) (unsafe.Pointer, error) {
	// Signal handlers are process-wide, but keep this goroutine on one
	// thread so that nothing Go does between save and restore migrates it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	saved := make([][sigactionSize]byte, len(savedSignals))
	for i, sig := range savedSignals {
		if rc := l.sigaction(sig, nil, unsafe.Pointer(&saved[i])); rc != 0 {
			return nil, fmt.Errorf("chdb connect: save handler of signal %d failed", sig)
		}
	}
	l.setSignals(0)
	argv := newCStrings(args)
	conn := l.connect(int32(len(args)), argv.ptr())
	runtime.KeepAlive(argv)
	for i, sig := range savedSignals {
		if rc := l.sigaction(sig, unsafe.Pointer(&saved[i]), nil); rc != 0 {
			// Without Go's handlers any later fault is a silent crash;
			// better to stop now, loudly.
			panic(fmt.Sprintf("chdb connect: restore handler of signal %d failed", sig))
		}
	}
	if conn == nil {
		return nil, errors.New("chdb connect: chdb_connect failed (see the engine's log on stderr)")
	}
	return conn, nil
}

package auth

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"time"
)

// watchedFile holds the parsed content of a file and re-reads it when it
// changes, so that keys can be rotated or revoked without a restart.
// Checks are lazy (on use), not a goroutine, so an Authenticator needs no
// Close.
type watchedFile[T any] struct {
	path  string
	parse func([]byte) (T, error)
	every time.Duration // how often a use may stat the file
	now   func() time.Time

	mu       sync.Mutex
	val      T
	mtime    time.Time
	size     int64
	raw      []byte
	checked  time.Time // last stat
	read     time.Time // last read
	lastErr  error     // last failed reload, kept for diagnostics
	reloaded int       // successful reloads after the first load, for tests
}

func newWatchedFile[T any](path string, every time.Duration, parse func([]byte) (T, error)) (*watchedFile[T], error) {
	w := &watchedFile[T]{path: path, parse: parse, every: every, now: time.Now}
	if err := w.load(w.now()); err != nil {
		return nil, err
	}
	return w, nil
}

// get returns the current value, re-reading the file first if the last
// check is older than w.every.
func (w *watchedFile[T]) get() T {
	w.mu.Lock()
	defer w.mu.Unlock()
	if now := w.now(); now.Sub(w.checked) >= w.every {
		w.refresh(now, false)
	}
	return w.val
}

// recheck re-reads the file now if it changed, and reports whether the
// value was replaced. Used on a miss (an unknown key id), where waiting
// for the next periodic check would reject a freshly rotated key. Even
// when the mtime looks unchanged it re-reads at most once a second, since
// mtime granularity can hide a quick rewrite; that bound also keeps a
// flood of bogus key ids from turning into a flood of file reads.
func (w *watchedFile[T]) recheck() (T, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	changed := w.refresh(w.now(), true)
	return w.val, changed
}

func (w *watchedFile[T]) refresh(now time.Time, miss bool) bool {
	w.checked = now
	fi, err := os.Stat(w.path)
	if err != nil {
		// Keep serving the last good keys: a file briefly missing during
		// a rename-into-place must not lock everyone out.
		w.lastErr = err
		return false
	}
	if fi.ModTime().Equal(w.mtime) && fi.Size() == w.size && !(miss && now.Sub(w.read) >= time.Second) {
		return false
	}
	old := w.raw
	if err := w.load(now); err != nil {
		w.lastErr = err
		return false
	}
	return !bytes.Equal(old, w.raw)
}

// load reads and parses the file. On failure the previous value stays and
// the recorded mtime is not advanced, so the next check tries again (a
// half-written file is the usual cause).
func (w *watchedFile[T]) load(now time.Time) error {
	fi, err := os.Stat(w.path)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(w.path)
	if err != nil {
		return err
	}
	w.read = now
	w.checked = now
	if w.raw != nil && bytes.Equal(raw, w.raw) {
		w.mtime, w.size = fi.ModTime(), fi.Size()
		return nil
	}
	v, err := w.parse(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", w.path, err)
	}
	if w.raw != nil {
		w.reloaded++
	}
	w.val, w.raw, w.mtime, w.size, w.lastErr = v, raw, fi.ModTime(), fi.Size(), nil
	return nil
}

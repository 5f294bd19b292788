package bench

import (
	"net/http"
	"testing"
	"time"
)

func TestServerEngineTime(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   time.Duration
		ok     bool
	}{
		{[]string{`engine;dur=12.345;desc="2 statements"`}, 12345 * time.Microsecond, true},
		{[]string{`cache;desc=hit, engine;dur=0.5`}, 500 * time.Microsecond, true},
		{[]string{`db;dur=3`, `engine;desc="1 statements";dur=7`}, 7 * time.Millisecond, true},
		{nil, 0, false},
		{[]string{`engines;dur=3`}, 0, false},
		{[]string{`engine;dur=x`}, 0, false},
		{[]string{`engine;dur=-1`}, 0, false},
	} {
		h := http.Header{}
		for _, v := range c.values {
			h.Add("Server-Timing", v)
		}
		if got, ok := ServerEngineTime(h); got != c.want || ok != c.ok {
			t.Errorf("%q: got %s %v, want %s %v", c.values, got, ok, c.want, c.ok)
		}
	}
}

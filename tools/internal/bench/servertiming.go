package bench

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServerEngineTime reads the engine's time for a request from the
// server's Server-Timing header ("engine;dur=12.345;desc=…", in ms): the
// time its statements took inside the server's process, from each one's
// start to its last row. The request's latency less it is the server's
// own overhead for that very request, which two runs in different
// processes minutes apart cannot tell (docs/benchmarks.md, "Server
// overhead"). ok is false when the header has no engine entry (the
// request ran no statement, or the server does not say).
func ServerEngineTime(h http.Header) (d time.Duration, ok bool) {
	for _, v := range h.Values("Server-Timing") {
		for metric := range strings.SplitSeq(v, ",") {
			params := strings.Split(strings.TrimSpace(metric), ";")
			if strings.TrimSpace(params[0]) != "engine" {
				continue
			}
			for _, p := range params[1:] {
				if dur, found := strings.CutPrefix(strings.TrimSpace(p), "dur="); found {
					ms, err := strconv.ParseFloat(dur, 64)
					if err != nil || ms < 0 {
						return 0, false
					}
					return time.Duration(ms * float64(time.Millisecond)), true
				}
			}
		}
	}
	return 0, false
}

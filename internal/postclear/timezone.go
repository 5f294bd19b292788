package postclear

import (
	"strings"
	"sync"
	"time"
	// The IANA time zone database, built in, so that a zone name means the
	// same on every machine, including containers without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// locations caches loaded zones by name: loading parses the zone's file.
var locations sync.Map // name → *time.Location

// Location returns the IANA time zone named name ("" is UTC) for a KPI
// query's or an MoU's timeZone. It refuses "Local", which would make an
// answer depend on the server's settings, and names that are not zone
// names, with an EInvalid error naming timeZone.
func Location(name string) (*time.Location, error) {
	if name == "" {
		name = "UTC"
	}
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	if name == "Local" || strings.ContainsAny(name, `.\`) || strings.HasPrefix(name, "/") {
		return nil, Errorf(EInvalid, "timeZone: %q is not an IANA time zone name (such as UTC or Africa/Nairobi)", name)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(EInvalid, "timeZone: unknown time zone %q; use an IANA name such as UTC or Africa/Nairobi", name)
	}
	locations.Store(name, l)
	return l, nil
}

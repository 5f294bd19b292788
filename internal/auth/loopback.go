package auth

import (
	"net"
	"net/netip"
	"strings"
)

// LoopbackOnly reports whether a listen address (as given to net.Listen,
// "host:port" or a bare host) accepts connections from this machine only:
// a 127.0.0.0/8 or ::1 address, or the name localhost. An empty host
// (":8080"), an unspecified address (0.0.0.0, ::) and any other name are
// not loopback-only: they listen on every interface or resolve to who
// knows what.
func LoopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
	}
	if strings.EqualFold(host, "localhost") || strings.EqualFold(host, "localhost.") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	// Unmap so that ::ffff:127.0.0.1 counts as the IPv4 loopback it is.
	return ip.WithZone("").Unmap().IsLoopback()
}

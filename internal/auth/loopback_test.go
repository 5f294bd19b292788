package auth

import "testing"

func TestLoopbackOnly(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:8080", true},
		{"127.1.2.3:8080", true},
		{"[::1]:8080", true},
		{"[::1%lo]:8080", true},
		{"[::ffff:127.0.0.1]:8080", true},
		{"localhost:8080", true},
		{"LOCALHOST:0", true},
		{"127.0.0.1", true},
		{"::1", true},
		{":8080", false},
		{"0.0.0.0:8080", false},
		{"[::]:8080", false},
		{"192.168.1.10:8080", false},
		{"128.0.0.1:8080", false},
		{"example.com:8080", false},
		{"localhost.example.com:8080", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := LoopbackOnly(tt.addr); got != tt.want {
				t.Errorf("LoopbackOnly(%q) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}

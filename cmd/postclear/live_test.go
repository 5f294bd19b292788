package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Closing the server closes its WebSockets too: http.Server.Shutdown does
// not wait for them, so the server closes its broker of live updates
// when it shuts down.
func TestCloseEndsWebSockets(t *testing.T) {
	s := startServer(t, "e2e_live_close")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+s.Addr()+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	send := func(m map[string]any) {
		b, _ := json.Marshal(m)
		if err := c.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	read := func() (string, error) {
		_, b, err := c.Read(ctx)
		return string(b), err
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{}})
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { dataChanged { version } }`}})
	for {
		m, err := read()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m, `"next"`) {
			break
		}
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	var err2 error
	for err2 == nil {
		_, err2 = read()
	}
	if ctx.Err() != nil {
		t.Fatal("the WebSocket outlived the server")
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("Close did not return")
	}
}

package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/postclear/postclear/graph/model"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/live"
	"github.com/postclear/postclear/internal/postclear"
)

// Live updates: the dataChanged subscription over the graphql-transport-ws
// protocol on a WebSocket at /graphql. Queries and mutations stay on HTTP,
// where the request timeout, body limit and per-request rate limit hold;
// the WebSocket serves subscriptions only.

// DefaultMaxLiveConnections bounds the WebSockets open at once when
// Config.MaxLiveConnections is 0.
const DefaultMaxLiveConnections = 256

// subscriptionsPerConnection bounds the subscriptions one WebSocket may
// hold: a dashboard needs one.
const subscriptionsPerConnection = 4

// Timings of a WebSocket: the client must send connection_init within
// liveInitTimeout; the server pings every livePingInterval and drops a
// client that has not answered within two intervals.
const (
	liveInitTimeout  = 10 * time.Second
	livePingInterval = 25 * time.Second
	// liveReadLimit bounds a message from the client: a subscribe message
	// is a short document.
	liveReadLimit = 64 << 10
)

// Close codes of the graphql-transport-ws protocol for a refused
// connection_init: 4403 Forbidden (the credential), and 4429, which the
// protocol uses for too many requests.
const (
	closeUnauthenticated = 4403
	closeRateLimited     = 4429
)

// announce tells the subscribers of dataChanged that the stored data has
// changed, with the version now in force. The change is stored either
// way: a version that cannot be read is logged, not returned.
func (r *Resolver) announce(ctx context.Context) {
	if r.Live == nil {
		return
	}
	v, err := r.Records.DataVersion(ctx)
	if err != nil {
		r.logger().WarnContext(ctx, "data changed, but its version could not be read: not announced", "err", err)
		return
	}
	r.Live.Publish(v)
}

func (r *Resolver) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}

// subscriptionBudget counts the subscriptions of one WebSocket.
type subscriptionBudget struct{ n atomic.Int32 }

type budgetKey struct{}

// takeSubscription reserves one of the connection's subscriptions until
// ctx ends.
func takeSubscription(ctx context.Context) error {
	b, ok := ctx.Value(budgetKey{}).(*subscriptionBudget)
	if !ok {
		return nil // not on a WebSocket: the broker's bound holds
	}
	if b.n.Add(1) > subscriptionsPerConnection {
		b.n.Add(-1)
		return postclear.Errorf(postclear.ETooLarge, "a connection may hold at most %d subscriptions", subscriptionsPerConnection)
	}
	context.AfterFunc(ctx, func() { b.n.Add(-1) })
	return nil
}

// dataChanges streams the broker's announcements as DataChange values,
// starting with the version in force. It subscribes before reading that
// version, so that a change landing in between is announced, not lost.
func (r *Resolver) dataChanges(ctx context.Context) (<-chan *model.DataChange, error) {
	if r.Live == nil {
		return nil, postclear.Errorf(postclear.EUnavailable, "live updates are not served here")
	}
	if err := takeSubscription(ctx); err != nil {
		return nil, err
	}
	changes, err := r.Live.Subscribe(ctx)
	if err != nil {
		return nil, err
	}
	v, err := r.Records.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan *model.DataChange, 1)
	out <- &model.DataChange{Version: v, At: r.now().UTC()}
	go func() {
		defer close(out)
		for c := range changes { // closed when ctx ends or the broker closes
			select {
			case out <- &model.DataChange{Version: c.Version, At: c.At}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// operationKinds refuses, before anything runs, the operation types a
// transport does not serve, saying where they are served.
type operationKinds struct {
	allowed map[ast.Operation]bool
	refusal string
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = operationKinds{}

func (operationKinds) ExtensionName() string                   { return "OperationKinds" }
func (operationKinds) Validate(graphql.ExecutableSchema) error { return nil }

func (k operationKinds) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || k.allowed[oc.Operation.Operation] {
		return nil
	}
	err := gqlerror.Errorf("%s", k.refusal)
	err.Extensions = map[string]any{"code": postclear.EInvalid}
	return err
}

var (
	httpOperations = operationKinds{map[ast.Operation]bool{ast.Query: true, ast.Mutation: true},
		"subscriptions are served over a WebSocket to /graphql (the graphql-transport-ws protocol), not over HTTP requests"}
	liveOperations = operationKinds{map[ast.Operation]bool{ast.Subscription: true},
		"only subscriptions are served over the WebSocket; send queries and mutations as HTTP requests to /graphql"}
)

// isWebSocket reports whether r asks to upgrade to a WebSocket.
func isWebSocket(r *http.Request) bool {
	return headerHasToken(r.Header, "Connection", "upgrade") && headerHasToken(r.Header, "Upgrade", "websocket")
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// liveEndpoint accepts WebSockets at /graphql: from the page's own origin
// or one the CORS policy lists, at most max at once.
type liveEndpoint struct {
	exec        http.Handler
	crossOrigin *cors.Cors
	slots       chan struct{}
	logger      *slog.Logger
}

func (l *liveEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) && !l.crossOrigin.OriginAllowed(r) {
		// A page of another origin could otherwise use the browser's
		// connection to a server that trusts the user's machine.
		reportError(w, l.logger, r, postclear.Errorf(postclear.EForbidden, "WebSocket from origin %s refused: it is neither this server's nor one --cors-origins lists", strconv.Quote(postclear.Cut(r.Header.Get("Origin"), 64))))
		return
	}
	select {
	case l.slots <- struct{}{}:
		defer func() { <-l.slots }()
	default:
		// A limit, not a fault: 503 with Retry-After tells the client to
		// come back, TOO_LARGE names which limit.
		w.Header().Set("Retry-After", "30")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"errors": []map[string]any{{
			"message":    fmt.Sprintf("the server holds its maximum of %d live connections; try again later", cap(l.slots)),
			"extensions": map[string]string{"code": postclear.ETooLarge},
		}}})
		return
	}
	l.exec.ServeHTTP(w, r.WithContext(withClientIP(r.Context(), auth.ClientIP(r))))
}

// sameOrigin reports whether r comes from a page of this server, or from
// no page at all (a program, which sends no Origin).
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

type clientIPKey struct{}

func withClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// admitConnection is the WebSocket's connection_init: the payload's
// Authorization ({"Authorization": "Bearer …"}) is admitted exactly as an
// HTTP request's header is (auth.Authenticator.Admit: credential, rate
// limit), and the connection's context gets the same principal and scope.
// The connection closes when the credential expires or the broker closes.
func admitConnection(authn *auth.Authenticator, limiter *auth.RateLimiter, broker *live.Broker) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		ip, _ := ctx.Value(clientIPKey{}).(string)
		p, wait, err := authn.Admit(ctx, limiter, ip, payload.Authorization())
		if err != nil {
			msg := postclear.ErrorMessage(err)
			code := closeUnauthenticated
			if wait > 0 {
				code = closeRateLimited
			}
			ctx = transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, code), closeReason(msg))
			return ctx, nil, errors.New(msg)
		}
		ctx = withPrincipalScope(auth.WithPrincipal(ctx, p), p)
		var cancel context.CancelFunc
		if p.Expires.IsZero() {
			ctx, cancel = context.WithCancel(ctx)
		} else {
			ctx, cancel = context.WithDeadline(ctx, p.Expires)
			ctx = transport.AppendCloseReason(ctx, "the credential expired")
		}
		go func() {
			select {
			case <-broker.Done():
			case <-ctx.Done():
			}
			cancel()
		}()
		return context.WithValue(ctx, budgetKey{}, new(subscriptionBudget)), nil, nil
	}
}

// closeReason fits msg in a WebSocket close frame (123 bytes).
func closeReason(msg string) string {
	return postclear.Cut(msg, 120)
}

// acceptAnyOrigin leaves the origin check to liveEndpoint, which holds it
// to the CORS policy.
var acceptAnyOrigin = coderws.AcceptOptions{InsecureSkipVerify: true}

// newLiveEndpoint serves the schema's subscriptions over WebSockets.
func newLiveEndpoint(es graphql.ExecutableSchema, r *Resolver, cfg Config, crossOrigin *cors.Cors) *liveEndpoint {
	limit := int64(liveReadLimit)
	srv := newExecutor(es, cfg, liveOperations)
	srv.AddTransport(transport.Websocket{
		// Origins are checked by liveEndpoint, against the CORS policy.
		Implementation:   transport.CoderWebsocketImplementation{AcceptOptions: acceptAnyOrigin},
		InitFunc:         admitConnection(cfg.Auth, cfg.RateLimit, r.Live),
		InitTimeout:      liveInitTimeout,
		PingPongInterval: livePingInterval,
		PayloadReadLimit: &limit,
		ErrorFunc: func(ctx context.Context, err error) {
			cfg.Logger.DebugContext(ctx, "websocket", "err", err)
		},
	})
	return &liveEndpoint{exec: srv, crossOrigin: crossOrigin, slots: make(chan struct{}, cfg.MaxLiveConnections), logger: cfg.Logger}
}

# postclear: the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin/postclear
# The version `postclear version` prints: the checkout's tag or commit.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
# The embedded engine's library, fetched once into a cache outside the repo.
CHDB_LIB = $(shell scripts/fetch-chdb.sh)
# The system Chromium the browser test drives (installed from Debian's
# packages when missing).
CHROMIUM = $(shell scripts/ensure-chromium.sh)

.PHONY: run test build chdb fonts graphiql dashboard audit generate vet fmt-check bench bench-quick clean

## run: build, create the embedded database, load demo data, serve on http://127.0.0.1:8080
run: build chdb
	POSTCLEAR_CHDB_LIB="$(CHDB_LIB)" ./$(BIN) serve --demo

## test: the whole suite on the embedded engine (the bench tools' module too),
## GraphiQL and the dashboard in a headless Chromium included (what CI runs);
## nothing it needs may be skipped (nor the PDF's fonts)
test: chdb fonts graphiql dashboard audit fmt-check vet
	POSTCLEAR_CHDB_LIB="$(CHDB_LIB)" POSTCLEAR_REQUIRE_CHDB=1 \
	POSTCLEAR_CHROMIUM="$(CHROMIUM)" POSTCLEAR_REQUIRE_BROWSER=1 POSTCLEAR_REQUIRE_GRAPHIQL=1 \
	POSTCLEAR_REQUIRE_DASHBOARD=1 POSTCLEAR_REQUIRE_AUDIT=1 POSTCLEAR_REQUIRE_FONTS=1 \
	$(GO) test -count=1 -timeout 30m ./...
	cd tools && POSTCLEAR_CHDB_LIB="$(CHDB_LIB)" POSTCLEAR_REQUIRE_CHDB=1 $(GO) test -count=1 -timeout 30m ./...

## build: the binary, with GraphiQL's and the dashboard's files and the PDF's
## fonts embedded and the version stamped
build: graphiql dashboard fonts
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/postclear

## chdb: fetch libchdb (pinned version, integrity-checked) into ~/.cache/postclear
chdb:
	@scripts/fetch-chdb.sh >/dev/null

## fonts: fetch the PDF's fonts (pinned, integrity-checked) into ~/.cache/postclear and
## copy them where go build embeds them (internal/report/fonts, ignored by git)
fonts:
	@scripts/fetch-fonts.sh internal/report/fonts >/dev/null

## graphiql: fetch GraphiQL's files (pinned, integrity-checked) for go build to embed
graphiql:
	@scripts/fetch-graphiql.sh >/dev/null

## dashboard: fetch the dashboard's chart library (pinned, integrity-checked) for go build to embed
dashboard:
	@scripts/fetch-dashboard.sh >/dev/null

## audit: install the pinned graphql-http audit the GraphQL-over-HTTP test runs
audit:
	@scripts/fetch-graphql-http.sh >/dev/null

## generate: regenerate the GraphQL executor from schema.graphqls
generate:
	$(GO) run github.com/99designs/gqlgen generate
	$(GO) run ./internal/gqlserial graph/generated/generated.go

vet:
	$(GO) vet ./...
	cd tools && $(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

clean:
	rm -rf bin

## bench: the benchmark of issue 5 at BENCH_ITEMS items (default 20 M; long); see docs/benchmarks.md
BENCH_ITEMS ?= 20000000
bench: chdb
	BENCH_ITEMS=$(BENCH_ITEMS) scripts/bench.sh

## bench-quick: the same at 1 M items, for development, then the regression check against
## docs/bench-baseline-1m.json (BENCH_UPDATE=1 rewrites it, BENCH_STRICT=1 fails on a regression)
bench-quick: chdb
	BENCH_ITEMS=1000000 scripts/bench.sh

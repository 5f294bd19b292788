# postclear with the embedded engine (libchdb): one container, data in a volume.
# Build: docker build -t postclear .
# Run:   docker run -p 8080:8080 -v postclear-data:/data \
#          -v ./keys.txt:/etc/postclear/api-keys.txt:ro postclear
# GraphiQL's and the dashboard's files come from the npm registry, pinned and integrity-checked
# by the script `make build` uses, and are embedded by go build.
FROM node:20-bookworm-slim AS graphiql
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY scripts/fetch-graphiql.sh scripts/fetch-dashboard.sh scripts/lib.sh /src/scripts/
COPY graph/graphiql/assets.txt /src/graph/graphiql/assets.txt
COPY graph/dashboard/assets.txt /src/graph/dashboard/assets.txt
RUN XDG_CACHE_HOME=/cache /src/scripts/fetch-graphiql.sh && XDG_CACHE_HOME=/cache /src/scripts/fetch-dashboard.sh

# The PDF's fonts come from the npm registry, pinned and integrity-checked by
# the same script `make fonts` uses; go build embeds them.
FROM node:20-bookworm-slim AS fonts
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY scripts/fetch-fonts.sh scripts/lib.sh /src/scripts/
COPY internal/report/fonts/manifest.txt /src/internal/report/fonts/manifest.txt
RUN XDG_CACHE_HOME=/cache /src/scripts/fetch-fonts.sh /fonts

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=graphiql /src/graph/graphiql/assets/ graph/graphiql/assets/
COPY --from=graphiql /src/graph/dashboard/assets/ graph/dashboard/assets/
COPY --from=fonts /fonts/ internal/report/fonts/
# docker build --build-arg VERSION=$(git describe --tags --always) stamps
# what `postclear version` prints.
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/postclear ./cmd/postclear

# libchdb comes from the npm registry, pinned and integrity-checked by the
# same script `make chdb` uses.
FROM node:20-bookworm-slim AS chdb
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY scripts/fetch-chdb.sh /fetch-chdb.sh
RUN XDG_CACHE_HOME=/cache /fetch-chdb.sh && cp /cache/postclear/chdb/*/libchdb.so /libchdb.so

FROM debian:bookworm-slim
RUN useradd --system --home /data postclear && mkdir -p /data /etc/postclear && chown postclear /data
COPY --from=build /out/postclear /usr/local/bin/postclear
COPY --from=chdb /libchdb.so /opt/postclear/libchdb.so
ENV POSTCLEAR_CHDB_LIB=/opt/postclear/libchdb.so \
    POSTCLEAR_DATA_DIR=/data \
    POSTCLEAR_ADDR=0.0.0.0:8080 \
    POSTCLEAR_LOG_FORMAT=json \
    POSTCLEAR_AUTH_API_KEYS_FILE=/etc/postclear/api-keys.txt
USER postclear
VOLUME /data
EXPOSE 8080
# Healthy means ready: the engine answers (/readyz), not merely that the
# binary runs.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s CMD ["postclear", "healthcheck"]
ENTRYPOINT ["postclear", "serve"]

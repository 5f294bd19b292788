#!/usr/bin/env bash
# Fetches libchdb (the ClickHouse engine as a shared library) from the npm
# registry into a per-user cache outside the repository, checks the tarball
# against a pinned sha512 integrity string, and prints the library's path.
#
# Overrides: POSTCLEAR_CHDB_LIB (or CHDB_LIB_PATH) names an existing library,
# in which case nothing is fetched.
set -euo pipefail

CHDB_VERSION=26.5.3
CHDB_INTEGRITY='sha512-fPrLmRt5Moor9yGz4mazbrNje4t7X9KB2mTGkXFWRxRBs2iKy8yh6jx11xsa0Qr3iDFMU/yHqd+bVdYJXu3QaQ=='

for v in "${POSTCLEAR_CHDB_LIB:-}" "${CHDB_LIB_PATH:-}"; do
  if [ -n "$v" ]; then
    [ -f "$v" ] || { echo "fetch-chdb: $v does not exist" >&2; exit 1; }
    echo "$v"; exit 0
  fi
done

cache="${XDG_CACHE_HOME:-$HOME/.cache}/postclear/chdb/$CHDB_VERSION"
lib="$cache/libchdb.so"
if [ -f "$lib" ]; then echo "$lib"; exit 0; fi

if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "fetch-chdb: installing npm from Debian's packages" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >&2
  else
    echo "fetch-chdb: npm is needed to fetch libchdb (apt-get install npm)" >&2; exit 1
  fi
fi
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "fetch-chdb: fetching @chdb/lib-linux-x64-gnu@$CHDB_VERSION (about 166 MB) into $cache" >&2
(cd "$tmp" && npm pack --silent "@chdb/lib-linux-x64-gnu@$CHDB_VERSION" >/dev/null)
tgz=$(ls "$tmp"/*.tgz)
# node comes with npm, so the check needs nothing else installed.
got=$(node -e 'const c = require("crypto"), f = require("fs");
process.stdout.write("sha512-" + c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")
if [ "$got" != "$CHDB_INTEGRITY" ]; then
  echo "fetch-chdb: integrity mismatch for $tgz: got $got, want $CHDB_INTEGRITY" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$tmp" package/libchdb.so
mv "$tmp/package/libchdb.so" "$lib.partial"
mv "$lib.partial" "$lib"
echo "$lib"

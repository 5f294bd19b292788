#!/usr/bin/env bash
# Installs the graphql-http audit (scripts/graphql-http-audit), pinned with
# its package-lock.json (versions and sha512 integrity), into that
# directory's node_modules (ignored by git). Prints the directory.
set -euo pipefail

dir="$(cd "$(dirname "$0")" && pwd)/graphql-http-audit"
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "fetch-graphql-http: installing npm from Debian's packages" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >&2
  else
    echo "fetch-graphql-http: npm is needed for the GraphQL-over-HTTP audit (apt-get install npm)" >&2; exit 1
  fi
fi
stamp="$dir/node_modules/.postclear-lock"
if ! cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
  echo "fetch-graphql-http: installing graphql-http from the lockfile" >&2
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --silent >&2)
  cp "$dir/package-lock.json" "$stamp"
fi
echo "$dir"

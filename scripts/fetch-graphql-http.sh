#!/usr/bin/env bash
# Installs the graphql-http audit (scripts/graphql-http-audit), pinned with
# its package-lock.json (versions and sha512 integrity), into that
# directory's node_modules (ignored by git). Prints the directory.
set -euo pipefail

dir="$(cd "$(dirname "$0")" && pwd)/graphql-http-audit"
. "$(dirname "$0")/lib.sh"
need npm npm "the GraphQL-over-HTTP audit"
need node npm "the GraphQL-over-HTTP audit"
stamp="$dir/node_modules/.postclear-lock"
if ! cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
  echo "fetch-graphql-http: installing graphql-http from the lockfile" >&2
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --silent >&2)
  cp "$dir/package-lock.json" "$stamp"
fi
echo "$dir"

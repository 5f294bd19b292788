#!/usr/bin/env bash
# Fetches the files GraphiQL needs (graphiql, react, react-dom and the
# explorer plugin, pinned in graph/graphiql/assets.txt) from the npm
# registry into a per-user cache outside the repository, checks each
# package tarball against its pinned sha512 integrity and each file against
# its pinned sha256, and copies them into graph/graphiql/assets/ (ignored
# by git), where `go build` embeds them. Prints that directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib.sh"
fetch_npm_files "$root/graph/graphiql/assets.txt" "$root/graph/graphiql/assets" \
  "${XDG_CACHE_HOME:-$HOME/.cache}/postclear/graphiql"
echo "$root/graph/graphiql/assets"

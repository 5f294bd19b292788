#!/usr/bin/env bash
# Fetches the third-party files the dashboard needs (Apache ECharts, pinned
# in graph/dashboard/assets.txt) from the npm registry into a per-user
# cache outside the repository, checks the package tarball against its
# pinned sha512 integrity and each file against its pinned sha256, and
# copies them into graph/dashboard/assets/ (ignored by git), where
# `go build` embeds them. Prints that directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib.sh"
fetch_npm_files "$root/graph/dashboard/assets.txt" "$root/graph/dashboard/assets" \
  "${XDG_CACHE_HOME:-$HOME/.cache}/postclear/dashboard"
echo "$root/graph/dashboard/assets"

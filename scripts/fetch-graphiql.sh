#!/usr/bin/env bash
# Fetches the files GraphiQL needs (graphiql, react, react-dom and the
# explorer plugin, pinned in graph/graphiql/assets.txt) from the npm
# registry into a per-user cache outside the repository, checks each
# package tarball against its pinned sha512 integrity and each file against
# its pinned sha256, and copies them into graph/graphiql/assets/ (ignored
# by git), where `go build` embeds them. Prints that directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
manifest="$root/graph/graphiql/assets.txt"
dest="$root/graph/graphiql/assets"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/postclear/graphiql"

. "$root/scripts/lib.sh"
need npm npm "fetching GraphiQL"
need node npm "fetching GraphiQL"

# digest ALGO FILE prints FILE's SRI string (sha256-… or sha512-…); node
# comes with npm, so nothing else needs installing.
digest() {
  node -e 'const c = require("crypto"), f = require("fs");
process.stdout.write(process.argv[1] + "-" + c.createHash(process.argv[1]).update(f.readFileSync(process.argv[2])).digest("base64"))' "$1" "$2"
}

mkdir -p "$cache" "$dest"
tmp=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

grep -v '^\s*\(#\|$\)' "$manifest" | while read -r file pkg version integrity path sha256; do
  cached="$cache/$pkg@$version/$path"
  if [ ! -f "$cached" ] || [ "$(digest sha256 "$cached")" != "$sha256" ]; then
    tgz="$tmp/$(echo "$pkg@$version" | tr '/@' '__').tgz"
    if [ ! -f "$tgz" ]; then
      echo "fetch-graphiql: fetching $pkg@$version" >&2
      name=$(cd "$tmp" && npm pack --silent "$pkg@$version")
      mv "$tmp/$name" "$tgz"
      got=$(digest sha512 "$tgz")
      if [ "$got" != "$integrity" ]; then
        echo "fetch-graphiql: integrity mismatch for $pkg@$version: got $got, want $integrity" >&2
        exit 1
      fi
    fi
    mkdir -p "$(dirname "$cached")"
    tar -xzf "$tgz" -O "$path" > "$cached.partial"
    got=$(digest sha256 "$cached.partial")
    if [ "$got" != "$sha256" ]; then
      echo "fetch-graphiql: $pkg@$version $path: got $got, want $sha256" >&2
      rm -f "$cached.partial"; exit 1
    fi
    mv "$cached.partial" "$cached"
  fi
  if ! cmp -s "$cached" "$dest/$file"; then
    cp "$cached" "$dest/$file.partial" && mv "$dest/$file.partial" "$dest/$file"
  fi
done
echo "$dest"

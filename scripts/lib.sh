# Shared by the fetch scripts: sourced, not run.

# need COMMAND PACKAGE WHY installs Debian's PACKAGE when COMMAND is missing
# and we are root with apt-get (as on CI); otherwise it says what to
# install and exits.
need() {
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "$(basename "$0"): installing $2 from Debian's packages" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
  else
    echo "$(basename "$0"): $3 needs $1 (apt-get install $2)" >&2
    exit 1
  fi
}

# fetch_npm_files MANIFEST DEST CACHE fetches the third-party files a
# manifest pins (one a line: file, npm package, version, tarball sha512
# integrity, path in the package, file sha256; see graph/webasset) from the
# npm registry into CACHE, checks each package tarball against its sha512
# and each file against its sha256, and copies the files into DEST, where
# `go build` embeds them. Files already cached with the right hash are not
# fetched again.
fetch_npm_files() {
  local manifest=$1 dest=$2 cache=$3 me
  me=$(basename "$0" .sh)
  need npm npm "$me"
  need node npm "$me"
  mkdir -p "$cache" "$dest"
  fetch_tmp=$(mktemp -d "$cache/fetch.XXXXXX")
  trap 'rm -rf "$fetch_tmp"' EXIT
  local tmp=$fetch_tmp
  grep -v '^\s*\(#\|$\)' "$manifest" | while read -r file pkg version integrity path sha256; do
    local cached="$cache/$pkg@$version/$path"
    if [ ! -f "$cached" ] || [ "$(sri_digest sha256 "$cached")" != "$sha256" ]; then
      local tgz
      tgz="$tmp/$(echo "$pkg@$version" | tr '/@' '__').tgz"
      if [ ! -f "$tgz" ]; then
        echo "$me: fetching $pkg@$version" >&2
        local name got
        name=$(cd "$tmp" && npm pack --silent "$pkg@$version")
        mv "$tmp/$name" "$tgz"
        got=$(sri_digest sha512 "$tgz")
        if [ "$got" != "$integrity" ]; then
          echo "$me: integrity mismatch for $pkg@$version: got $got, want $integrity" >&2
          exit 1
        fi
      fi
      mkdir -p "$(dirname "$cached")"
      tar -xzf "$tgz" -O "$path" > "$cached.partial"
      got=$(sri_digest sha256 "$cached.partial")
      if [ "$got" != "$sha256" ]; then
        echo "$me: $pkg@$version $path: got $got, want $sha256" >&2
        rm -f "$cached.partial"; exit 1
      fi
      mv "$cached.partial" "$cached"
    fi
    if ! cmp -s "$cached" "$dest/$file"; then
      cp "$cached" "$dest/$file.partial" && mv "$dest/$file.partial" "$dest/$file"
    fi
  done
}

# sri_digest ALGO FILE prints FILE's SRI string (sha256-… or sha512-…); node
# comes with npm, so nothing else needs installing.
sri_digest() {
  node -e 'const c = require("crypto"), f = require("fs");
process.stdout.write(process.argv[1] + "-" + c.createHash(process.argv[1]).update(f.readFileSync(process.argv[2])).digest("base64"))' "$1" "$2"
}

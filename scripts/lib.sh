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

# npm_tarball PACKAGE@VERSION INTEGRITY DIR fetches the package's tarball
# from the npm registry into DIR, checks it against its pinned sha512
# integrity string (node comes with npm, so nothing else is needed) and
# prints its path.
npm_tarball() {
  local tgz got
  tgz="$3/$(cd "$3" && npm pack --silent "$1")"
  got=$(node -e 'const c = require("crypto"), f = require("fs");
process.stdout.write("sha512-" + c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")
  if [ "$got" != "$2" ]; then
    echo "$(basename "$0"): integrity mismatch for $1: got $got, want $2" >&2
    exit 1
  fi
  echo "$tgz"
}

# fetch_npm_files MANIFEST DEST CACHE fetches the third-party files a
# manifest pins (one a line: file, npm package, version, tarball sha512
# integrity, path in the package, file sha256; see graph/webasset) from the
# npm registry into CACHE, checks each package tarball against its sha512
# (npm_tarball) and each file against its sha256, and copies the files
# into DEST, where `go build` embeds them. Files already cached with the
# right hash are not fetched again.
fetch_npm_files() {
  local manifest=$1 dest=$2 cache=$3 me
  me=$(basename "$0" .sh)
  need npm npm "$me"
  need node npm "$me"
  mkdir -p "$cache" "$dest"
  fetch_tmp=$(mktemp -d "$cache/fetch.XXXXXX")
  trap 'rm -rf "$fetch_tmp"' EXIT
  grep -v '^\s*\(#\|$\)' "$manifest" | while read -r file pkg version integrity path sha256; do
    local cached="$cache/$pkg@$version/$path" dir tgz got
    if [ ! -f "$cached" ] || [ "$(sri_digest sha256 "$cached")" != "$sha256" ]; then
      dir="$fetch_tmp/$(echo "$pkg@$version" | tr '/@' '__')"
      if [ ! -d "$dir" ]; then
        echo "$me: fetching $pkg@$version" >&2
        mkdir -p "$dir"
        tgz=$(npm_tarball "$pkg@$version" "$integrity" "$dir") || exit 1
        tar -xzf "$tgz" -C "$dir"
      fi
      got=$(sri_digest sha256 "$dir/$path")
      if [ "$got" != "$sha256" ]; then
        echo "$me: $pkg@$version $path: got $got, want $sha256" >&2
        exit 1
      fi
      mkdir -p "$(dirname "$cached")"
      cp "$dir/$path" "$cached.partial" && mv "$cached.partial" "$cached"
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

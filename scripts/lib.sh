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

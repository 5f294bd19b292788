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

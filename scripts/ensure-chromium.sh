#!/usr/bin/env bash
# Prints the path of the system Chromium the browser test drives, installing
# Debian's chromium package when it is missing and we are root (as CI is).
# Never downloads a browser build of its own. POSTCLEAR_CHROMIUM names
# another binary.
set -euo pipefail

if [ -n "${POSTCLEAR_CHROMIUM:-}" ]; then
  [ -x "$POSTCLEAR_CHROMIUM" ] || { echo "ensure-chromium: $POSTCLEAR_CHROMIUM is not executable" >&2; exit 1; }
  echo "$POSTCLEAR_CHROMIUM"; exit 0
fi
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "ensure-chromium: installing chromium from Debian's packages" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "ensure-chromium: the browser test needs Chromium (apt-get install chromium)" >&2; exit 1
  fi
fi
command -v chromium

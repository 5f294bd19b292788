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
. "$(dirname "$0")/lib.sh"
need chromium chromium "the browser test"
command -v chromium

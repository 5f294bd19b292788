#!/usr/bin/env bash
# The benchmark of issue 5 (docs/benchmarks.md): builds postclear and the
# bench driver, fetches libchdb, and runs the whole benchmark at
# BENCH_ITEMS items (default 20,000,000; `make bench-quick` uses 1,000,000).
# Results go to bench-out/results-N.{json,md}; the seed CSV files and data
# directories stay in bench-out/work (reused per size, never committed).
# With results for several sizes present, it redraws docs/bench-latency.png.
#
# PostgreSQL comes from Debian's postgresql package, installed here when
# missing (root only) and run on 127.0.0.1 as the postgres user in a
# throw-away cluster; BENCH_POSTGRES=0 leaves it out.
#
# At 1,000,000 items the run is then compared with the committed baseline
# docs/bench-baseline-1m.json (docs/benchmarks.md, "Regression check"):
# the cases that got slower relative to clearance, or read more, are
# printed. BENCH_UPDATE=1 rewrites the baseline from the run instead;
# BENCH_STRICT=1 makes a regression fail the script.
set -euo pipefail
cd "$(dirname "$0")/.."

items="${BENCH_ITEMS:-20000000}"
go build -o bin/postclear ./cmd/postclear
(cd tools && go build -o ../bin/postclear-bench ./cmd/postclear-bench)
lib="$(scripts/fetch-chdb.sh)"

pg=true
if [ "${BENCH_POSTGRES:-1}" = 0 ]; then
  pg=false
elif ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "bench: PostgreSQL missing (apt-get install postgresql); comparing without it" >&2
    pg=false
  fi
fi

echo "bench: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB, $items items" >&2
./bin/postclear-bench run --items "$items" --postclear bin/postclear --chdb-lib "$lib" \
  --postgres="$pg" ${BENCH_FLAGS:-}

if [ "$items" = 1000000 ]; then
  compare=()
  [ "${BENCH_UPDATE:-0}" = 1 ] && compare+=(--update)
  [ "${BENCH_STRICT:-0}" = 1 ] && compare+=(--fail)
  ./bin/postclear-bench compare "${compare[@]}" docs/bench-baseline-1m.json bench-out/results-1000000.json
fi

shopt -s nullglob
results=(bench-out/results-*.json)
if [ "${#results[@]}" -ge 2 ]; then
  ./bin/postclear-bench plot docs/bench-latency.png "${results[@]}"
  echo "bench: drew docs/bench-latency.png from ${results[*]}" >&2
fi

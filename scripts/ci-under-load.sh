#!/usr/bin/env bash
# The suite's check on a busy machine: a clean clone of this repository's HEAD runs `.ci/run`
# twice in a row while two CPU-bound processes keep the cores busy, as CI's shared machine may.
# Prints each run's exit code and duration; the logs are in $OUT (default /tmp/ci-under-load).
set -uo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${OUT:-/tmp/ci-under-load}"
rm -rf "$OUT" && mkdir -p "$OUT"
git clone -q "$REPO" "$OUT/clone"
cd "$OUT/clone"
node -e 'for(;;){}' & HOG1=$!
node -e 'for(;;){}' & HOG2=$!
trap 'kill $HOG1 $HOG2 2>/dev/null' EXIT
for run in 1 2; do
  started=$(date +%s)
  CI=true bash .ci/run > "$OUT/run$run.log" 2>&1
  code=$?
  echo "run $run: exit $code after $(( $(date +%s) - started )) s, load $(cut -d' ' -f1-3 /proc/loadavg) (log $OUT/run$run.log)"
  [ $code -ne 0 ] && exit $code
done

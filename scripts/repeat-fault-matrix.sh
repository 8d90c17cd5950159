#!/usr/bin/env bash
# Runs the fault matrix N times in a row (default 20) and stops at the first failure, so a rare
# duplicate (a test that races the clock) shows up. Not part of `npm test`: it takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
npx tsc -p tsconfig.json
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if ! node --test --test-reporter=dot dist/test/fault-matrix.test.js > "/tmp/fault-matrix-run-$i.log" 2>&1; then
    echo "run $i of $runs FAILED (log: /tmp/fault-matrix-run-$i.log)"
    exit 1
  fi
  echo "run $i of $runs: $(grep -E '^# pass' "/tmp/fault-matrix-run-$i.log" || echo pass) in $(( $(date +%s) - start )) s"
done
echo "$runs runs of the fault matrix, every case exactly once"

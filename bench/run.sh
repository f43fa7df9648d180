#!/usr/bin/env bash
# Benchmarks ccg-site on generated sites: check, build to tmpfs, build to disk.
#
#   bash bench/run.sh                      # 1,000 and 10,000 documents
#   bash bench/run.sh 1000 10000 100000    # choose the sizes
#   BASELINE=bench/baseline.json bash bench/run.sh   # also compare with a saved baseline
#   STEPS=check bash bench/run.sh 10000    # only `check` (STEPS=build: only the builds)
#
# Prints one JSON line per measurement (wall time, CPU time, peak memory, and the machine's load
# average, without which a wall time on a shared machine means little) and writes them to
# bench/results/latest.json. Save a run as the baseline with
#   cp bench/results/latest.json bench/baseline.json
# If `hugo` is on PATH it is timed on the same documents as a reference; it is never needed.
# CI does not run this: timings on a shared machine are not tests.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

steps="${STEPS:-check build}"
cargo build --release --quiet --bin ccg-site --example generate_corpus
target="${CARGO_TARGET_DIR:-$PWD/target}"
bin="$target/release/ccg-site"
gen="$target/release/examples/generate_corpus"
tmpfs="${TMPFS_DIR:-/dev/shm}/ccg-bench"
disk="${DISK_DIR:-$PWD/target/bench}"
mkdir -p bench/results "$tmpfs" "$disk"
results=bench/results/latest.json
: > "$results"
export CCG_SITE_TODAY=2026-11-30 NO_COLOR=1

measure() { python3 bench/measure.py "$@" | tee -a "$results"; }

for n in "${sizes[@]}"; do
  site="$tmpfs/site-$n"
  "$gen" "$n" "$site" >/dev/null
  if [[ " $steps " == *" check "* ]]; then
    measure "check $n" -- "$bin" check --quiet --site "$site" --format json
  fi
  if [[ " $steps " != *" build "* ]]; then
    continue
  fi
  rm -rf "$tmpfs/out-$n" "$disk/out-$n"
  measure "build $n tmpfs (first)" -- "$bin" build --quiet --site "$site" --output "$tmpfs/out-$n"
  measure "build $n tmpfs (again)" -- "$bin" build --quiet --site "$site" --output "$tmpfs/out-$n"
  sync
  measure "build $n disk (first)" -- "$bin" build --quiet --site "$site" --output "$disk/out-$n"
  measure "build $n disk (again)" -- "$bin" build --quiet --site "$site" --output "$disk/out-$n"
  if command -v hugo >/dev/null 2>&1; then
    bash bench/hugo.sh "$site" "$tmpfs/hugo-$n" >/dev/null 2>&1 || true
    measure "hugo $n tmpfs (reference)" -- hugo --quiet --source "$tmpfs/hugo-$n" --destination "$tmpfs/hugo-out-$n"
  fi
  rm -rf "$tmpfs/out-$n" "$disk/out-$n" "$tmpfs/hugo-$n" "$tmpfs/hugo-out-$n"
done

if [ -n "${BASELINE:-}" ]; then
  python3 bench/compare.py "$BASELINE" "$results"
fi

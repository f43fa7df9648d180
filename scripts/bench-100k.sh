#!/usr/bin/env bash
# Checks and builds a generated site of 100,000 documents of every kind (or BENCH_DOCUMENTS) and
# reports time and peak memory: bench/run.sh at that size. Compare with `bash bench/run.sh 1000
# 10000` to see whether time grows linearly. It takes the machine for several minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash bench/run.sh "${BENCH_DOCUMENTS:-100000}"

#!/usr/bin/env bash
# Times `ccg-site check` on a generated site of 10,000 documents of every kind (or
# BENCH_DOCUMENTS): bench/run.sh with only the check step. See bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=check exec bash bench/run.sh "${BENCH_DOCUMENTS:-10000}"

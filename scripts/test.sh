#!/usr/bin/env bash
# Runs the whole test suite, browser tests included, on a fresh machine or a developer's.
# Installs what is missing first (Chromium, Java, the npm packages), then runs cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
cargo test --locked "$@"

#!/usr/bin/env bash
# Times `ccg-site check` on a site of 10,000 statutory documents: the demo site's documents
# (constitution, plans, reports, registers, statements...) copied round-robin into sub-folders, so
# that every document is checked against its kind's rules and the content lints.
#
#   bash scripts/bench-check.sh [path/to/ccg-site]     (default: target/release/ccg-site)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/ccg-site}"
if [ ! -x "$bin" ]; then
    cargo build --release --locked
fi
n="${BENCH_DOCUMENTS:-10000}"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
cp site.toml "$site/"
cp -r content "$site/"
python3 - "$site/content" "$n" <<'PY'
import os, shutil, sys
root, n = sys.argv[1], int(sys.argv[2])
docs = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".md"))
for i in range(n - len(docs)):
    src = docs[i % len(docs)]
    rel = os.path.relpath(os.path.dirname(src), root)
    folder = os.path.join(root, "bulk", rel, "b%03d" % (i // 500))
    os.makedirs(folder, exist_ok=True)
    name = os.path.splitext(os.path.basename(src))[0]
    shutil.copy(src, os.path.join(folder, "%s-%05d.md" % (name, i)))
PY
echo "checking a site of $n documents in $site"
export CCG_SITE_TODAY="${CCG_SITE_TODAY:-2026-11-30}"
/usr/bin/time -v "$bin" check --site "$site" > "$site/check.txt" 2> "$site/time.txt" || true
tail -n 1 "$site/check.txt"
grep -E "Elapsed|Maximum resident|User time|System time|Percent of CPU" "$site/time.txt"

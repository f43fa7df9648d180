#!/usr/bin/env bash
# Builds a site of 100,000 documents (the demo site plus 100,000 generated pages) and reports
# the time and peak memory of `ccg-site build`, measured with /usr/bin/time -v.
#
#   bash scripts/bench-100k.sh [path/to/ccg-site]     (default: target/release/ccg-site)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/ccg-site}"
if [ ! -x "$bin" ]; then
    cargo build --release --locked
fi
n="${BENCH_DOCUMENTS:-100000}"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
cp site.toml "$site/"
cp -r content "$site/"
python3 - "$site/content" "$n" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    folder = os.path.join(root, "section-%03d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "page-%06d.md" % i), "w") as f:
        f.write('+++\ntitle = "Page %d"\nkind = "page"\nsummary = "Page number %d."\n+++\n\n'
                '## About page %d\n\nWe plan and buy NHS services. This is page %d.\n' % (i, i, i, i))
PY
echo "built a site of $n generated documents in $site"
/usr/bin/time -v "$bin" build --site "$site" --quiet 2> "$site/time.txt" || { cat "$site/time.txt"; exit 1; }
grep -E "Elapsed|Maximum resident|User time|System time" "$site/time.txt"
echo "output: $(find "$site/public" -type f | wc -l) files, $(du -sh "$site/public" | cut -f1)"

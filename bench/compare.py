#!/usr/bin/env python3
"""Compares benchmark results with a saved baseline.

Usage: compare.py BASELINE.json RESULTS.json
Both files hold one JSON object per line (from measure.py). A figure (wall time, CPU time or
peak memory) more than 20% worse than the baseline's for the same label is reported, and the
exit status is 1. Figures under 0.05 s or 5 MB are too small to judge and are skipped.
"""
import json
import sys

THRESHOLD = 1.20
FLOORS = {"wall_s": 0.05, "cpu_s": 0.05, "peak_mb": 5.0}


def load(path):
    with open(path, encoding="utf-8") as f:
        return {r["label"]: r for r in (json.loads(line) for line in f if line.strip())}


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    base, new = load(sys.argv[1]), load(sys.argv[2])
    worse = []
    for label, r in new.items():
        b = base.get(label)
        if b is None:
            print(f"  (new) {label}")
            continue
        for key, floor in FLOORS.items():
            old, now = b.get(key, 0), r.get(key, 0)
            if old >= floor and now > old * THRESHOLD:
                worse.append(f"{label}: {key} {old} -> {now} (+{(now / old - 1) * 100:.0f}%)")
    for line in worse:
        print(f"REGRESSION {line}")
    if not worse:
        print(f"no figure more than {round((THRESHOLD - 1) * 100)}% worse than {sys.argv[1]}")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs one command and prints its wall time, CPU time (user + system) and peak memory as JSON.

Usage: measure.py LABEL -- COMMAND [ARGS...]
The command's own output goes to stderr so that stdout carries only the JSON line.
"""
import json
import os
import resource
import subprocess
import sys
import time


def main() -> int:
    if "--" not in sys.argv:
        print(__doc__, file=sys.stderr)
        return 2
    sep = sys.argv.index("--")
    label = " ".join(sys.argv[1:sep])
    cmd = sys.argv[sep + 1 :]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=sys.stderr, stderr=sys.stderr)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "label": label,
                "exit": proc.returncode,
                "wall_s": round(wall, 3),
                "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
                "peak_mb": round(usage.ru_maxrss / 1024, 1),
                "load": round(load, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

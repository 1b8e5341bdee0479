"""Benchmark: what `@keras2` costs. One small Keras 2 script pair compared under Keras 3 (its
Keras 3 rewrite), under `@keras2` on both sides, and mixed (Keras 2 vs its Keras 3 rewrite).

    python benchmarks/keras2.py [--repeat 3]

Prints each run's wall time (the median of --repeat runs) and the load/extract phases kerasdiff
reports; the difference is the tf_keras import next to TensorFlow's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EX = os.path.join(ROOT, "examples")


def _run(a: str, b: str) -> tuple[float, dict]:
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kerasdiff", a, b, "--format", "json", "--timings"],
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.strip())
    return took, json.loads(done.stdout).get("timings", {})


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    old = os.path.join(EX, "keras2-port-equivalent", "a.py")
    new = os.path.join(EX, "keras2-port-equivalent", "b.py")
    cases = {
        "Keras 3 vs Keras 3": (new, new + "@tensorflow"),
        "@keras2 vs @keras2": (old + "@keras2", old + "@keras2"),
        "@keras2 vs Keras 3": (old + "@keras2", new),
    }
    for label, (a, b) in cases.items():
        runs = [_run(a, b) for _ in range(args.repeat)]
        wall = statistics.median(t for t, _ in runs)
        phases = runs[-1][1]
        shown = ", ".join(f"{k} {v:.2f} s" for k, v in phases.items() if isinstance(v, (int, float)))
        print(f"{label:20s} {wall:5.1f} s   ({shown})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: N small pairs in one `kerasdiff --pairs` run vs one pair alone.

    python benchmarks/pairs.py                 # 20 pairs, --jobs 2
    python benchmarks/pairs.py --pairs 6 --jobs 1

Writes N small Keras scripts (a Dense stack each, one activation changed in every B), runs
`kerasdiff A B` for the first pair and `kerasdiff --pairs FILE --jobs J` for all of them, and
prints both wall times and their ratio (the goal: under 3x one pair on 2 cores; the workers are
forked from one server that imported TensorFlow once, kerasdiff.load.forkserver).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

SCRIPT = """import keras
from keras import layers

model = keras.Sequential([keras.Input((8,)), layers.Dense({units}, activation="relu"), layers.Dense(1, activation="{act}")])
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="kerasdiff-bench-pairs-")
    try:
        rows = []
        for i in range(args.pairs):
            for side, act in (("a", "linear"), ("b", "relu")):
                with open(os.path.join(tmp, f"{side}{i}.py"), "w", encoding="utf-8") as fh:
                    fh.write(SCRIPT.format(units=8 + i, act=act))
            rows.append(f'[[pair]]\na = "a{i}.py"\nb = "b{i}.py"\n')
        pairs = os.path.join(tmp, "pairs.toml")
        with open(pairs, "w", encoding="utf-8") as fh:
            fh.write("\n".join(rows))
        cmd = [sys.executable, "-m", "kerasdiff"]
        t0 = time.perf_counter()
        one = subprocess.run(
            [*cmd, os.path.join(tmp, "a0.py"), os.path.join(tmp, "b0.py"), "-q"],
            capture_output=True,
            text=True,
        )
        t_one = time.perf_counter() - t0
        t0 = time.perf_counter()
        many = subprocess.run(
            [*cmd, "--pairs", pairs, "--jobs", str(args.jobs), "-q"], capture_output=True, text=True
        )
        t_many = time.perf_counter() - t0
        print(f"one pair:            {t_one:6.1f} s  (exit {one.returncode})")
        print(f"{args.pairs} pairs, --jobs {args.jobs}:  {t_many:6.1f} s  (exit {many.returncode})")
        print(f"ratio: {t_many / t_one:.1f}x one pair ({t_many / args.pairs:.1f} s per pair)")
        print(many.stdout.splitlines()[0] if many.stdout else many.stderr[-300:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

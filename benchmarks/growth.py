"""Growth of alignment and rules with model size: residual Dense stacks of 4x the layers.

    python benchmarks/growth.py              # 188 and 751 layers (one activation changed in B)
    python benchmarks/growth.py --blocks 62,250,1000 --repeat 5

Builds the models in this process (Keras), extracts their graphs once, then times `align` and the
rules (`findings_of`) on the pair, the best of --repeat runs, and prints one row per size and the
growth factor per 4x layers (the target is at most 4.5x: linear, with a little slack).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def build(blocks: int, changed: int | None):
    import keras
    from keras import layers

    inp = keras.Input((16,))
    x = layers.Dense(16, activation="relu")(inp)
    for i in range(blocks):
        act = "tanh" if i == changed else "relu"
        h = layers.Dense(16, activation=act)(x)
        h = layers.Dense(16)(h)
        x = layers.Add()([x, h])
    return keras.Model(inp, layers.Dense(1)(x))


def graphs(blocks: int):
    from kerasdiff.load.keras.extract import extract

    a = extract(build(blocks, None), spec="a.py", var_name="model")
    b = extract(build(blocks, blocks // 2), spec="b.py", var_name="model")
    return a, b


def timed(fn, repeat: int) -> float:
    """Best of `repeat` runs, each on fresh copies of the graphs (graphs cache derived data)."""
    best = float("inf")
    for _ in range(repeat):
        args = fresh()
        t0 = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best


_CURRENT: list = []


def fresh() -> tuple:
    from kerasdiff.graph import Graph

    return tuple(Graph.from_json(g.to_json()) for g in _CURRENT)


def main(argv: list[str]) -> int:
    sys.setrecursionlimit(20000)  # Keras builds a deep functional graph recursively
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blocks", default="62,250", help="residual blocks per model, comma-separated")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))
    from kerasdiff.align import align
    from kerasdiff.engine import findings_of

    rows = []
    for n in (int(b) for b in args.blocks.split(",")):
        a, b = graphs(n)
        _CURRENT[:] = [a, b]
        t_align = timed(align, args.repeat)
        t_both = timed(lambda x, y: findings_of(align(x, y)), args.repeat)
        t_rules = max(0.0, t_both - t_align)
        codes = sorted({f.code for f in findings_of(align(*fresh()))})
        rows.append((len(a.layers), t_align, t_rules, codes))
    print(f"{'layers':>7}  {'align s':>8}  {'rules s':>8}  {'align+rules':>11}  findings")
    for layers_, ta, tr, codes in rows:
        print(f"{layers_:>7}  {ta:>8.4f}  {tr:>8.4f}  {ta + tr:>11.4f}  {' '.join(codes)}")
    for (l0, a0, r0, _), (l1, a1, r1, _) in zip(rows, rows[1:]):
        print(
            f"growth {l0} -> {l1} layers ({l1 / l0:.1f}x): align {a1 / a0:.2f}x, rules {r1 / r0:.2f}x, "
            f"align+rules {(a1 + r1) / (a0 + r0):.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

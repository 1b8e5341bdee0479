"""Benchmark: what kerasdiff adds on top of importing Keras and building two ~1,000-layer models.

    python benchmarks/bench.py                 # NASNetLarge (1,041 layers)
    python benchmarks/bench.py --also-b7       # + EfficientNetB7 (~800 layers)
    python benchmarks/bench.py --models nasnetlarge,efficientnetb7 --repeat 2
    python benchmarks/bench.py --probe         # + the behavioural check (weights copied, run)

For each model it writes two temporary scripts (B changes the activation of one Activation layer
and checks that the change shows in `get_config()`), runs `kerasdiff a.py b.py --format json`,
and prints the JSON timings, the total wall time, the wall time of just importing Keras and
building the two models in two parallel plain-python processes (what kerasdiff cannot avoid),
their ratio, and whether extract + align + diff stays under one second.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

MODELS = {
    "nasnetlarge": "keras.applications.NASNetLarge(weights=None)",
    "efficientnetb7": "keras.applications.EfficientNetB7(weights=None)",
}

SCRIPT = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras

model = {build}
{mutate}
"""

# Change the activation of the K-th Activation layer that applies relu (or swish) to tanh, after
# construction: Activation.get_config serialises `self.activation`, so the config shows it.
MUTATE = """\
_acts = [l for l in model.layers if isinstance(l, keras.layers.Activation)]
_target = _acts[len(_acts) // 2]
_target.activation = keras.activations.get("tanh")
assert _target.get_config()["activation"] == "tanh", _target.get_config()
BENCH_TARGET = _target.name
"""


def kerasdiff_cmd() -> list[str]:
    exe = shutil.which(
        "kerasdiff", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    )
    return [exe] if exe else [sys.executable, "-m", "kerasdiff"]


def write_scripts(tmp: str, model: str) -> tuple[str, str]:
    build = MODELS[model]
    a = os.path.join(tmp, f"{model}_a.py")
    b = os.path.join(tmp, f"{model}_b.py")
    with open(a, "w") as fh:
        fh.write(SCRIPT.format(build=build, mutate=""))
    with open(b, "w") as fh:
        fh.write(SCRIPT.format(build=build, mutate=MUTATE))
    return a, b


def plain_build(a: str, b: str) -> float:
    """Wall time of running both scripts in two parallel plain-python processes."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    t = time.perf_counter()
    procs = [
        subprocess.Popen([sys.executable, p], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        for p in (a, b)
    ]
    for p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            raise SystemExit(f"plain build failed:\n{err.decode()[-2000:]}")
    return time.perf_counter() - t


def run_kerasdiff(a: str, b: str, *extra: str) -> tuple[float, dict]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    t = time.perf_counter()
    proc = subprocess.run(
        kerasdiff_cmd() + [a, b, "--format", "json", *extra],
        capture_output=True,
        text=True,
        env=env,
        cwd=os.path.dirname(a),
    )
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"kerasdiff exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return wall, json.loads(proc.stdout)


PREDICT = """\
import os, runpy, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
models = [runpy.run_path(p)["model"] for p in sys.argv[1:3]]
batch = int(sys.argv[3])
t = time.perf_counter()
for m in models:
    shape = (batch,) + tuple(m.inputs[0].shape[1:])
    m.predict(np.random.default_rng(0).standard_normal(shape).astype("float32"), verbose=0)
print(time.perf_counter() - t)
"""


def plain_predict(a: str, b: str, tmp: str) -> float:
    """Seconds of one plain `predict` per model on the probe's batch (tracing included), both
    models in one process, as a user would check outputs by hand."""
    from kerasdiff.probe import BATCH

    script = os.path.join(tmp, "predict_both.py")
    with open(script, "w") as fh:
        fh.write(PREDICT)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, script, a, b, str(BATCH)], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"plain predict failed:\n{proc.stderr[-2000:]}")
    return float(proc.stdout.strip().splitlines()[-1])


def bench_probe(model: str, tmp: str) -> None:
    a, b = write_scripts(tmp, model)
    wall, report = run_kerasdiff(a, b, "--probe")
    p = report["probe"]
    phase = report["timings"]["probe"]
    plain = plain_predict(a, b, tmp)
    print(f"== {model} --probe: wall {wall:.2f} s, probe phase {phase:.2f} s")
    print(
        f"   two plain predict calls (same batch, tracing included): {plain:.2f} s; "
        f"probe / plain = {phase / plain:.2f} (goal <= 1.5)"
    )
    if not p["ran"]:
        print("   probe not run:", p.get("reason"))
        return
    fd = p["first_divergence"] or {}
    print(
        f"   equal={p['equal']}, {p['weights_copied']} weight sets copied, {p['layers_compared']} "
        f"layers compared, first divergence {fd.get('a_path')} (max |diff| {fd.get('max_abs_diff')})"
    )


def bench(model: str, tmp: str, repeat: int) -> dict:
    a, b = write_scripts(tmp, model)
    best: dict = {}
    for _ in range(repeat):
        wall, report = run_kerasdiff(a, b)
        plain = plain_build(a, b)
        if not best or wall < best["wall"]:
            best = {"wall": wall, "plain": plain, "report": report}
    report = best["report"]
    t = report["timings"]
    ours = t["extract"] + t["align"] + t["diff"]
    first = report["findings"][0] if report["findings"] else None
    print(
        f"== {model}: A {report['a']['layers']} layers, {report['a']['params']:,} params; "
        f"B {report['b']['layers']} layers"
    )
    print("timings (s):", json.dumps({k: round(v, 4) for k, v in t.items()}))
    if first:
        print(
            f"first finding: {first['code']} {first['kind']} {first['a_path']} -> {first['b_path']}: "
            f"{first['a_value']} vs {first['b_value']}  ({len(report['findings'])} findings)"
        )
    print(f"kerasdiff total wall time       : {best['wall']:.2f} s")
    print(f"plain import+build (2 parallel) : {best['plain']:.2f} s")
    print(f"ratio kerasdiff / plain         : {best['wall'] / best['plain']:.2f}")
    print(
        f"extract+align+diff              : {ours:.3f} s  -> {'< 1 s OK' if ours < 1 else '>= 1 s TOO SLOW'}"
    )
    return {
        "model": model,
        "timings": t,
        "wall": best["wall"],
        "plain": best["plain"],
        "ours": ours,
        "first": first,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="nasnetlarge", help="comma list: " + ", ".join(MODELS))
    ap.add_argument("--also-b7", action="store_true", help="add efficientnetb7")
    ap.add_argument("--repeat", type=int, default=1, help="runs per model (best is kept)")
    ap.add_argument("--probe", action="store_true", help="also time --probe on each pair")
    args = ap.parse_args()
    models = [m.strip().lower() for m in args.models.split(",") if m.strip()]
    if args.also_b7 and "efficientnetb7" not in models:
        models.append("efficientnetb7")
    with tempfile.TemporaryDirectory(prefix="kerasdiff-bench-") as tmp:
        results = [bench(m, tmp, args.repeat) for m in models]
        if args.probe:
            for m in models:
                bench_probe(m, tmp)
    return 0 if all(r["ours"] < 1 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

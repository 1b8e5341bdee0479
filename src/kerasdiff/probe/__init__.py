"""Behavioural check (--probe): copy A's weights into B, run both on the same seeded inputs, and
compare every aligned layer's output. Plans (from the comparison's Alignment) and compares here,
NumPy only; the framework work runs in the loader workers, next to the live models (each
framework's `serve_probe`, e.g. kerasdiff.load.keras.probe)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

from kerasdiff.align import Alignment
from kerasdiff.graph import Graph, ref_call
from kerasdiff.probe.arrays import load_weights

DEFAULT_ATOL = 1e-6
DEFAULT_RTOL = 1e-5
BATCH = 2
SEED = 0
# Layers whose integer input must stay below a size read from their config.
_INDEX_BOUND = {"Embedding": "input_dim", "CategoryEncoding": "num_tokens"}


@dataclass
class Plan:
    """Everything the workers need, and how to read their answers back."""

    inputs: list  # arrays, in A's input order
    b_inputs: list  # for B's input j: the index of A's array it receives
    inputs_desc: list
    a_layers: list  # A layers whose weights are exported
    weight_map: dict  # B layer -> A layer
    pairs: list  # (a_layer, b_layer, a_real_call, b_real_call)
    output_pairs: list  # (A output index, B output index)
    notes: list = field(default_factory=list)


def _real_calls(g: Graph, folded: Graph) -> dict:
    """Folded graph call -> the real call whose output it stands for (X+Activation -> the Activation)."""
    kept = {c.key for c in folded.calls}
    real: dict = {}
    for c in g.calls:
        if c.key not in kept and len(c.inputs) == 1:
            src = ref_call(c.inputs[0])
            if src is not None:
                real[src] = c.key
    # a chain of folds resolves to its last Activation
    out = {}
    for k in kept:
        r = k
        while r in real:
            r = real[r]
        out[k] = r
    return out


def _fill(shape: Any, batch: int = BATCH) -> Optional[tuple]:
    if shape is None:
        return None
    dims = list(shape)
    if not dims:
        return ()
    rank = len(dims)
    out = [batch if dims[0] is None else int(dims[0])]
    for d in dims[1:]:
        # unknown lengths: short sequences; images large enough for 5 stride-2 downsamplings
        out.append(int(d) if d is not None else (8 if rank <= 3 else 32))
    return tuple(out)


def _index_bound(g: Graph, i: int) -> Optional[int]:
    lm = g.layer_map()
    bounds = []
    for c in g.calls:
        if f"in:{i}" in c.inputs:
            key = _INDEX_BOUND.get(lm[c.layer].cls)
            v = lm[c.layer].config.get(key) if key else None
            if isinstance(v, int) and v > 0:
                bounds.append(v)
    return min(bounds) if bounds else None


def _is_mask(g: Graph, i: int) -> bool:
    """A mask input: named so (padding_mask, attention_mask), or fed to layers only as `mask=`
    (the graph keeps masks out of the data flow, so no call consumes it)."""
    if "mask" in g.inputs[i].name.lower():
        return True
    ref = f"in:{i}"
    return bool(g.calls) and not any(ref in c.inputs for c in g.calls)


def _padding_mask(shape: tuple, dt: np.dtype) -> np.ndarray:
    """1 everywhere, the 2nd sequence 0 over its last quarter (where token inputs are padded)."""
    arr = np.ones(shape, dtype=dt)
    if len(shape) >= 2 and shape[0] >= 2 and shape[1] >= 4:
        arr[1, -(shape[1] // 4) :] = 0
    return arr


def make_inputs(g: Graph, seed: int = SEED, batch: int = BATCH) -> tuple[list, list]:
    """Seeded inputs from the input specs: floats ~ N(0, 1), integers in [0, n), booleans, and
    padding masks (1s, the 2nd sequence 0 at the end) for mask inputs."""
    rng = np.random.default_rng(seed)
    arrays, desc = [], []
    for i, spec in enumerate(g.inputs):
        shape = _fill(spec.shape, batch)
        if shape is None:
            raise ValueError(f"input {i} ({spec.name}) has no known shape")
        dt = np.dtype(spec.dtype) if spec.dtype not in ("string", "str") else None
        if dt is None or dt.kind in "USO":
            raise ValueError(f"input {i} ({spec.name}) is a {spec.dtype} input")
        if _is_mask(g, i) and dt.kind in "fiub":
            arr, how = _padding_mask(shape, dt), "a padding mask: 1, the 2nd sequence 0 over its last quarter"
        elif dt.kind == "f":
            arr, how = rng.standard_normal(shape).astype(dt), "normal(0, 1)"
        elif dt.kind in "iu":
            hi = _index_bound(g, i) or 8
            arr, how = rng.integers(0, hi, size=shape).astype(dt), f"integers in [0, {hi})"
            if len(shape) >= 2 and shape[0] >= 2 and shape[1] >= 4:
                # Token sequences: pad the second one with zeros at the end, so masking
                # (Embedding(mask_zero=True)) matters as it does on real padded batches.
                arr[1, -(shape[1] // 4) :] = 0
                how += ", the 2nd sequence zero-padded at the end"
        elif dt.kind == "b":
            arr, how = rng.integers(0, 2, size=shape).astype(bool), "booleans"
        else:
            raise ValueError(f"input {i} ({spec.name}) has dtype {spec.dtype}")
        arrays.append(arr)
        desc.append({"name": spec.name, "shape": list(shape), "dtype": str(dt), "values": how})
    return arrays, desc


def plan(al: Alignment, seed: int = SEED) -> Plan | str:
    """The probe's plan for this aligned pair, or why it cannot run (a short phrase)."""
    a, b, fa, fb = al.raw_a, al.raw_b, al.a, al.b
    if len(a.inputs) != len(b.inputs) or any(x is None or y is None for x, y in al.input_pairs):
        return f"the models take different inputs ({len(a.inputs)} vs {len(b.inputs)})"
    try:
        arrays, desc = make_inputs(a, seed)
    except ValueError as exc:
        return f"cannot build random inputs: {exc}"
    a_to_b_in = {x: y for x, y in al.input_pairs if x is not None and y is not None}
    b_inputs = [0] * len(b.inputs)
    for ia, ib in a_to_b_in.items():
        sb = _fill(b.inputs[ib].shape)
        if sb is None and b.structure != "graph":
            sb = tuple(arrays[ia].shape)  # a subclassed model takes what it is given
        if sb != tuple(arrays[ia].shape):
            return f"input shapes differ ({tuple(arrays[ia].shape)} in A, {sb} in B): no input fits both"
        b_inputs[ib] = ia
    la, lb = a.layer_map(), b.layer_map()
    weight_map: dict = {}
    notes: list = []

    def has_weights(layer: Any) -> bool:
        # Wrappers and RNNs (TimeDistributed, LSTM) hold their weights in sub-layers.
        return bool(layer.weights) or bool(layer.params)

    for ka, kb in al.layer_pairs:
        if not has_weights(la[ka]) and not has_weights(lb[kb]):
            continue
        if kb in weight_map:
            if weight_map[kb] != ka:
                notes.append(
                    f"B's {kb} is shared where A has separate layers: it gets {weight_map[kb]}'s weights"
                )
            continue
        same_shapes = [w.shape for w in la[ka].weights] == [w.shape for w in lb[kb].weights] and la[
            ka
        ].params == lb[kb].params
        if not same_shapes:
            notes.append(f"{ka} -> {kb}: weight shapes differ, B keeps its own weights")
            continue
        weight_map[kb] = ka
    fan: dict = {}
    for kb, ka in weight_map.items():
        fan.setdefault(ka, []).append(kb)
    copied = {ka: kbs for ka, kbs in fan.items() if len(kbs) > 1}
    if copied:
        n = max(len(v) for v in copied.values())
        notes.append(
            f"{len(copied)} layer(s) of A are shared where B has up to {n} copies: every copy "
            f"gets the shared weights ({', '.join(list(copied)[:3])}"
            f"{', ...' if len(copied) > 3 else ''})"
        )
    unmapped = [l.key for l in b.layers if has_weights(l) and l.key not in weight_map]
    if unmapped:
        notes.append(
            f"{len(unmapped)} B layer(s) with weights have no counterpart in A and keep "
            f"their own: {', '.join(unmapped[:4])}{', ...' if len(unmapped) > 4 else ''}"
        )
    real_a, real_b = _real_calls(a, fa), _real_calls(b, fb)
    ca, cb = fa.call_map(), fb.call_map()
    pairs = [
        (ca[x].layer, cb[y].layer, real_a.get(x, x), real_b.get(y, y))
        for x, y in al.pairs
        if x is not None and y is not None
    ]
    if a.structure != "graph" or b.structure != "graph":
        pairs = []  # subclassed models: only their outputs can be compared
        notes.append(
            "a model without an inspectable graph (subclassed, or an untraceable forward()): "
            "only the model outputs are compared"
        )
    output_pairs = _output_pairs(fa, fb, al)
    return Plan(
        arrays, b_inputs, desc, sorted(set(weight_map.values())), weight_map, pairs, output_pairs, notes
    )


def _output_pairs(fa: Graph, fb: Graph, al: Any) -> list:
    """A's outputs matched to B's through the alignment; by position when that says nothing."""
    b_index = {o.ref: j for j, o in enumerate(fb.outputs)}
    out = []
    for i, o in enumerate(fa.outputs):
        head, _, idx = o.ref.rpartition(":")
        y = al.a_to_b.get(head)
        j = b_index.get(f"{y}:{idx}") if y is not None else None
        if j is None and len(fa.outputs) == len(fb.outputs):
            j = i
        if j is not None:
            out.append((i, j))
    return out


def _close(x: np.ndarray, y: np.ndarray, atol: float, rtol: float) -> tuple[bool, float]:
    if x.shape != y.shape:
        return False, math.inf
    if x.size == 0:
        return True, 0.0
    both_nan = np.isnan(x) & np.isnan(y)
    diff = np.where(both_nan, 0.0, np.abs(x - y))
    mad = float(np.nanmax(np.where(np.isnan(diff), np.inf, diff)))
    ok = bool(np.all(np.isclose(x, y, atol=atol, rtol=rtol, equal_nan=True)))
    return ok, mad


def compare(p: Plan, rec_a: tuple, rec_b: tuple, *, atol: float, rtol: float, seed: int, copied: int) -> dict:
    """The JSON `probe` object from both sides' recordings: (meta, arrays) per side."""
    meta_a, arr_a = rec_a
    meta_b, arr_b = rec_b

    def values(meta: dict, arrs: Any, call: str) -> list:
        return [(arrs[f"{call}__{i}"], m) for i, m in enumerate(meta.get(call, []))]

    first = None
    sampled = False
    compared = 0
    per_call: list[dict] = []  # every compared call's largest difference (the HTML report shows it)
    for a_layer, b_layer, xa, xb in p.pairs:
        va, vb = values(meta_a, arr_a, xa), values(meta_b, arr_b, xb)
        if not va or not vb:
            continue
        compared += 1
        worst: Optional[float] = 0.0
        all_ok = True
        for i, ((x, ma), (y, mb)) in enumerate(zip(va, vb)):
            sampled = sampled or ma["sampled"] or mb["sampled"]
            if ma["shape"] != mb["shape"]:
                ok, mad = False, None
            else:
                ok, mad = _close(x, y, atol, rtol)
            all_ok = all_ok and ok
            worst = None if mad is None or worst is None or not math.isfinite(mad) else max(worst, mad)
            if not ok and first is None:
                first = {
                    "a_path": a_layer,
                    "b_path": b_layer,
                    "output": i,
                    "max_abs_diff": mad if mad is None or math.isfinite(mad) else None,
                    "a_shape": ma["shape"],
                    "b_shape": mb["shape"],
                }
        per_call.append({"a": xa, "b": xb, "equal": all_ok, "max_abs_diff": worst})
    outs = []
    equal = bool(p.output_pairs)
    ma_out, mb_out = values(meta_a, arr_a, "model"), values(meta_b, arr_b, "model")
    for i, j in p.output_pairs:
        if i >= len(ma_out) or j >= len(mb_out):
            equal = False
            continue
        (x, mx), (y, my) = ma_out[i], mb_out[j]
        ok, mad = _close(x, y, atol, rtol) if mx["shape"] == my["shape"] else (False, None)
        outs.append(
            {"a": i, "b": j, "equal": ok, "max_abs_diff": mad if mad is None or math.isfinite(mad) else None}
        )
        equal = equal and ok
    if first is None and not equal:
        bad = next((o for o in outs if not o["equal"]), None)
        first = {
            "a_path": "(model output)",
            "b_path": "(model output)",
            "output": bad["a"] if bad else 0,
            "max_abs_diff": bad["max_abs_diff"] if bad else None,
        }
    return {
        "ran": True,
        "equal": equal,
        "first_divergence": first,
        "calls": per_call,
        "inputs": p.inputs_desc,
        "seed": seed,
        "batch": BATCH,
        "atol": atol,
        "rtol": rtol,
        "mode": "inference (training=False)",
        "layers_compared": compared,
        "weights_copied": copied,
        "outputs": outs,
        "sampled": sampled,
        "notes": list(p.notes),
    }


def not_run(reason: str) -> dict:
    return {"ran": False, "equal": None, "first_divergence": None, "inputs": None, "reason": reason}


def run(
    session: Any,
    al: Alignment,
    *,
    atol: float = DEFAULT_ATOL,
    rtol: float = DEFAULT_RTOL,
    seed: int = SEED,
    train: bool = False,
) -> dict:
    """Plan, let the workers export / import / record, compare; with `train`, then one training
    step on both (kerasdiff.probe.train) as the result's `train`. Never raises for a model's
    sake: what cannot be probed comes back as {"ran": false, "reason": ...}."""
    p = plan(al, seed)
    if isinstance(p, str):
        return not_run(p)
    s = session
    inputs_a = s.path("probe-inputs-a.npz")
    inputs_b = s.path("probe-inputs-b.npz")
    np.savez(inputs_a, **{f"{i}": x for i, x in enumerate(p.inputs)})
    np.savez(inputs_b, **{f"{j}": p.inputs[i] for j, i in enumerate(p.b_inputs)})
    weights = s.path("probe-weights-a.npz")
    rec_a_path, rec_b_path = s.path("probe-rec-a.npz"), s.path("probe-rec-b.npz")
    a_calls = sorted({x for _, _, x, _ in p.pairs})
    b_calls = sorted({y for _, _, _, y in p.pairs})
    export = {"op": "export", "model": s.a_index, "layers": p.a_layers, "path": weights}
    rec_a = {"op": "record", "model": s.a_index, "inputs": inputs_a, "calls": a_calls, "path": rec_a_path}
    rec_b = {"op": "record", "model": s.b_index, "inputs": inputs_b, "calls": b_calls, "path": rec_b_path}
    imp = {"op": "import", "model": s.b_index, "map": p.weight_map, "path": weights, "order": None}
    if s.same_worker:
        # One worker holds both models: one request. A is recorded before B's weights change
        # (A and B may share layer objects).
        r = s.run(s.a_job, [rec_a, export, imp, rec_b])
        if not r.get("ok"):
            return not_run(f"running the models failed: {r.get('error')}")
        res_a, res_imp, res_b = r["results"][0], r["results"][2], r["results"][3]
        pre_order = r["results"][1]["order"]
    else:
        ra = s.run(s.a_job, [export, rec_a])
        if not ra.get("ok"):
            return not_run(f"running A failed: {ra.get('error')}")
        imp["order"] = ra["results"][0]["order"]
        rb = s.run(s.b_job, [imp, rec_b])
        if not rb.get("ok"):
            return not_run(f"running B failed: {rb.get('error')}")
        res_a, res_imp, res_b = ra["results"][1], rb["results"][0], rb["results"][1]
        pre_order = ra["results"][0]["order"]
    copied = len(res_imp["copied"])
    skipped = res_imp["skipped"]
    if skipped:
        p.notes.append(f"{len(skipped)} layer(s) could not take A's weights: {', '.join(skipped[:4])}")
    with np.load(rec_a_path) as fa, np.load(rec_b_path) as fb:
        result = compare(
            p,
            (res_a["meta"], dict(fa)),
            (res_b["meta"], dict(fb)),
            atol=atol,
            rtol=rtol,
            seed=seed,
            copied=copied,
        )
    if train:
        result["train"] = _train(s, al, p, seed, (weights, pre_order), bool(result["equal"]))
    return result


def _train(s: Any, al: Alignment, p: Plan, seed: int, pre: tuple, equal_before: bool) -> dict:
    """The --probe-train step on both sides (B holds A's weights) and its comparison."""
    from kerasdiff.probe import train as tr

    if not equal_before:
        return tr.not_run("the outputs already differ with the same weights (see above)")
    if s.same_worker and (s.a_index == s.b_index or al.raw_a.spec == al.raw_b.spec):
        return tr.not_run("A and B are one model (the same script and name): one step is the same step")
    names = (tr.loss_name(al.raw_a), tr.loss_name(al.raw_b))
    for side, name in zip("AB", names):
        if name is None:
            return tr.not_run(
                f"{side} has no compiled loss (compile() it, or build a loss module): nothing to train with"
            )
    if len(p.output_pairs) != 1 or len(al.raw_a.outputs) != 1 or len(al.raw_b.outputs) != 1:
        return tr.not_run("the models have several outputs (one output only)")
    xs, desc = make_inputs(al.raw_a, seed + 1, batch=tr.TRAIN_BATCH)
    in_a, in_b = s.path("probe-train-inputs-a.npz"), s.path("probe-train-inputs-b.npz")
    np.savez(in_a, **{f"{i}": x for i, x in enumerate(xs)})
    np.savez(in_b, **{f"{j}": xs[i] for j, i in enumerate(p.b_inputs)})
    a_calls = sorted({x for _, _, x, _ in p.pairs})
    b_calls = sorted({y for _, _, _, y in p.pairs})
    paths = {
        k: s.path(f"probe-train-{k}.npz") for k in ("before", "rec-a", "rec-b", "w-a", "w-b", "y-a", "y-b")
    }
    before = {
        "op": "record",
        "model": s.a_index,
        "inputs": in_a,
        "calls": a_calls,
        "path": paths["before"],
        "training": True,
    }
    # each side: the step, its weights, then its outputs in training mode (the record puts the
    # moving statistics back)
    task_a = [
        {"op": "train", "model": s.a_index, "inputs": in_a, "targets": paths["y-a"]},
        {"op": "export", "model": s.a_index, "layers": p.a_layers, "path": paths["w-a"]},
        {**before, "path": paths["rec-a"]},
    ]
    task_b = [
        {"op": "train", "model": s.b_index, "inputs": in_b, "targets": paths["y-b"]},
        {"op": "export", "model": s.b_index, "layers": sorted(p.weight_map), "path": paths["w-b"]},
        {**before, "model": s.b_index, "inputs": in_b, "calls": b_calls, "path": paths["rec-b"]},
    ]
    # the output's shape (for the targets) from a first run of A on the training batch
    r0 = s.run(s.a_job, [before])
    if not r0.get("ok"):
        return tr.not_run(f"running A on the training batch failed: {r0.get('error')}")
    meta_before = r0["results"][0]["meta"]
    ys, target_desc = tr.targets(names, tuple(meta_before["model"][0]["shape"]), seed)
    for key, y in zip(("y-a", "y-b"), ys):
        np.savez(paths[key], **{"0": y})
    if s.same_worker:
        r = s.run(s.a_job, task_a + task_b)
        if not r.get("ok"):
            return tr.not_run(f"the training step failed: {r.get('error')}")
        res = r["results"]
    else:
        ra = s.run(s.a_job, task_a)
        if not ra.get("ok"):
            return tr.not_run(f"A's training step failed: {ra.get('error')}")
        rb = s.run(s.b_job, task_b)
        if not rb.get("ok"):
            return tr.not_run(f"B's training step failed: {rb.get('error')}")
        res = ra["results"] + rb["results"]
    for side, step in zip("AB", (res[0], res[3])):
        if not step.get("ran"):
            return tr.not_run(f"{side}: {step.get('reason')}")
    weights = tr.compare_weights(
        p.pairs,
        p.weight_map,
        load_weights(pre[0], pre[1]),
        load_weights(paths["w-a"], res[1]["order"]),
        load_weights(paths["w-b"], res[4]["order"]),
        (tr.weight_info(al.raw_a), tr.weight_info(al.raw_b)),
    )
    with np.load(paths["before"]) as f0, np.load(paths["rec-a"]) as fa, np.load(paths["rec-b"]) as fb:
        out = tr.compare(
            p.pairs,
            (meta_before, dict(f0)),
            (res[2]["meta"], dict(fa)),
            (res[5]["meta"], dict(fb)),
            (res[0]["loss"], res[3]["loss"]),
            tr.consumers(al.raw_a),
            weights,
        )
    notes = ["dropout off during the step (random masks cannot match across runs)"]
    out.update(
        {
            "inputs": desc,
            "batch": tr.TRAIN_BATCH,
            "targets": target_desc,
            "losses": list(names),
            "notes": notes,
        }
    )
    return out

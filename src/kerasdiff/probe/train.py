"""One training step from the same weights (--probe-train), NumPy only: the targets each side's
loss takes, built from one set of draws, and the comparison of the two updates.

After the inference probe, B holds A's weights. A runs once on a training batch (inference),
then each side takes one step on it with its own optimizer and loss (the workers' `train`
task, dropout off: random masks cannot match across frameworks) and runs again. A layer's
change is its output after the step minus A's before; two changes agree when
||dA - dB|| <= TRAIN_RTOL * max(||dA||, ||dB||) (+ float32 noise). This catches what leaves the
inference outputs equal and only shows in training: BatchNorm momentum (the moving statistics
move by another amount), the LSTM's two biases, optimizer and loss settings, L2 terms, frozen
weights."""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

from kerasdiff.graph import Graph, ref_call

# float32 gradients through different kernels agree to ~1e-6 relative; Adam's epsilon placement
# (KD607) moves a typical first update by ~1e-5 relative: both well under this
TRAIN_RTOL = 1e-3
# the training batch: BatchNorm on 2 samples normalizes every unit to +-1 (its kernel gets no
# gradient), so the step runs on a batch of its own
TRAIN_BATCH = 16
LOSS_RTOL = 1e-5
_LABELS = ("sparse_categorical_crossentropy",)
_ONE_HOT = ("categorical_crossentropy", "categorical_focal_crossentropy", "kl_divergence")
_BINARY = ("binary_crossentropy", "binary_focal_crossentropy", "hinge", "squared_hinge")


def loss_name(g: Graph) -> Optional[str]:
    """The first compiled loss of a side, in Keras's snake_case name (None: not compiled)."""
    comp = (g.recipe or {}).get("compile")
    if not isinstance(comp, dict):
        return None
    losses = comp.get("loss") or []
    first = losses[0] if isinstance(losses, list) and losses else None
    if isinstance(first, dict):
        name = first.get("name")
    else:
        name = first
    if not isinstance(name, str):
        return None
    # "SparseCategoricalCrossentropy" and "sparse_categorical_crossentropy" alike
    snake = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
    return {"mse": "mean_squared_error", "mae": "mean_absolute_error"}.get(snake, snake)


def targets(names: tuple[Optional[str], Optional[str]], shape: tuple, seed: int) -> tuple[list, str]:
    """Each side's targets for an output of `shape`, from the same draws: class labels (one-hot
    where the loss takes that), 0/1 for binary losses, N(0, 1) values otherwise."""
    rng = np.random.default_rng(seed + 1)
    classes = int(shape[-1]) if len(shape) >= 2 else 1
    labels = rng.integers(0, classes, size=shape[:-1]) if classes > 1 else rng.integers(0, 2, size=shape)
    normal = rng.standard_normal(shape).astype(np.float32)
    out: list[np.ndarray] = []
    kinds = set()
    for name in names:
        if name in _LABELS:
            out.append(labels.astype(np.int64))
            kinds.add(f"class labels in [0, {classes})")
        elif name in _ONE_HOT:
            out.append(np.eye(classes, dtype=np.float32)[labels])
            kinds.add(f"one-hot labels over {classes} classes")
        elif name in _BINARY:
            out.append((normal > 0).astype(np.float32))
            kinds.add("0/1 targets")
        else:
            out.append(normal)
            kinds.add("normal(0, 1) targets")
    return out, " and ".join(sorted(kinds))


def _values(meta: dict, arrs: dict, call: str) -> list:
    return [np.asarray(arrs[f"{call}__{i}"], np.float64) for i in range(len(meta.get(call, [])))]


def _moved(d_a: np.ndarray, d_b: np.ndarray) -> tuple[bool, float]:
    """Whether two changes agree, and |dA - dB| / max(|dA|, |dB|) (norms over the tensor)."""
    if d_a.shape != d_b.shape:
        return False, math.inf
    scale = max(float(np.linalg.norm(d_a)), float(np.linalg.norm(d_b)))
    diff = float(np.linalg.norm(d_a - d_b))
    # float32 noise: about 1e-6 absolute per value, whatever the size of the step
    ok = diff <= TRAIN_RTOL * scale + 1e-6 * math.sqrt(d_a.size)
    return ok, (diff / scale if scale > 0 else 0.0)


def consumers(g: Graph) -> dict:
    """Call key -> the calls that take its output."""
    out: dict = {}
    for c in g.calls:
        for ref in c.inputs:
            src = ref_call(ref)
            if src is not None:
                out.setdefault(src, []).append(c.key)
    return out


def compare(
    pairs: list,
    before: tuple,
    after_a: tuple,
    after_b: tuple,
    losses: tuple[float, float],
    used_by: dict,
    weights: list,
) -> dict:
    """The `train` object of the JSON probe: the loss before the step on both sides, how the
    output and every aligned layer's output (in training mode, on the training batch) moved
    with the step, and the state the step updates (BatchNorm's moving statistics).

    Outputs, not weights, decide what is trained: a weight the output does not depend on (the
    bias of a layer that BatchNorm follows) moves by noise under Adam's normalized step, so a
    layer whose change differs while every layer that takes its output moved alike is listed
    apart (absorbed). The first divergence is the first layer (in A's order) whose change
    reaches its consumers, or whose moving statistics moved otherwise."""
    la, lb = losses
    loss_equal = math.isclose(la, lb, rel_tol=LOSS_RTOL, abs_tol=1e-6)
    (m0, a0), (ma, aa), (mb, ab) = before, after_a, after_b
    rows = []  # (a_layer, b_layer, call, ok, rel, change_a, change_b)
    for a_layer, b_layer, xa, xb in list(pairs) + [("(model output)", "(model output)", "model", "model")]:
        v0, va, vb = _values(m0, a0, xa), _values(ma, aa, xa), _values(mb, ab, xb)
        if not v0 or not va or not vb:
            continue
        ok, rel, ca, cb = True, 0.0, 0.0, 0.0
        for x0, x, y in zip(v0, va, vb):
            same, r = _moved(x - x0, y - x0) if x.shape == x0.shape == y.shape else (False, math.inf)
            if ok:
                rel = max(rel, r)
            if not same and ok:
                ok, rel = False, r
                ca = float(np.linalg.norm(x - x0)) if x.shape == x0.shape else 0.0
                cb = float(np.linalg.norm(y - x0)) if y.shape == x0.shape else 0.0
        rows.append((a_layer, b_layer, xa, ok, rel, ca, cb))
    ok_of = {call: ok for _, _, call, ok, _, _, _ in rows}
    states = {w["a_path"] for w in weights if w["state"]}
    first = None
    absorbed = []
    for a_layer, b_layer, call, ok, rel, ca, cb in rows:
        if a_layer in states and first is None:
            first = {"a_path": a_layer, "b_path": b_layer, "what": "state", "rel_diff": None}
        if ok:
            continue
        users = [u for u in used_by.get(call, []) if u in ok_of]
        if users and all(ok_of[u] for u in users):
            absorbed.append(a_layer if a_layer == b_layer else f"{a_layer} (A) / {b_layer} (B)")
            continue
        if first is None:
            first = {
                "a_path": a_layer,
                "b_path": b_layer,
                "what": "output",
                "rel_diff": rel if math.isfinite(rel) else None,
                "a_change": ca,
                "b_change": cb,
            }
    output_ok = ok_of.get("model", False)
    # The losses are shown, not compared: Keras's includes the regularization terms, PyTorch's
    # loss module does not (its weight decay lives in the optimizer).
    equal = output_ok and not states
    return {
        "ran": True,
        "equal": equal,
        "loss": {"a": la, "b": lb, "equal": loss_equal},
        "first_divergence": None if equal else first,
        "absorbed": absorbed,
        "weights": weights,
        "layers_compared": len(rows),
        "max_rel_diff": max((r[4] for r in rows if math.isfinite(r[4])), default=0.0),
        "rtol": TRAIN_RTOL,
    }


def weight_info(g: Graph) -> dict:
    """Layer key -> [(name, trainable)] of its weights in Keras's order (a PyTorch side may
    list none: the other side's names serve)."""
    out: dict = {}
    for lay in g.layers:
        if lay.weights:
            out[lay.key] = [(w.name.rsplit("/", 1)[-1], w.trainable) for w in lay.weights]
        elif lay.cls in ("LSTM", "GRU", "SimpleRNN"):  # held by the cell, Keras's order
            out[lay.key] = [(n, True) for n in ("kernel", "recurrent_kernel", "bias")]
    return out


def compare_weights(
    pairs: list, weight_map: dict, before: dict, after_a: dict, after_b: dict, info: tuple[dict, dict]
) -> list:
    """Every copied weight whose update differs, in A's order: `state` when neither side trains
    it with the optimizer (moving statistics, updated by the forward pass)."""
    rows = []
    seen: set = set()
    for a_layer, b_layer, _, _ in pairs:
        if b_layer in seen or weight_map.get(b_layer) != a_layer:
            continue
        seen.add(b_layer)
        pre, wa, wb = before.get(a_layer), after_a.get(a_layer), after_b.get(b_layer)
        if pre is None or wa is None or wb is None or not (len(pre) == len(wa) == len(wb)):
            continue
        of_a, of_b = info[0].get(a_layer) or [], info[1].get(b_layer) or []
        of_a = of_a if len(of_a) == len(pre) else []
        of_b = of_b if len(of_b) == len(pre) else []
        names = of_b or of_a
        for i, (w0, x, y) in enumerate(zip(pre, wa, wb)):
            w0 = np.asarray(w0, np.float64)
            da, db = np.asarray(x, np.float64) - w0, np.asarray(y, np.float64) - w0
            ok, rel = _moved(da, db)
            if not ok:
                name = names[i][0] if names else str(i)
                flags = [x[i][1] for x in (of_a, of_b) if x]
                rows.append(
                    {
                        "a_path": a_layer,
                        "b_path": b_layer,
                        "weight": name,
                        "state": bool(flags) and not any(flags),
                        "rel_diff": rel if math.isfinite(rel) else None,
                        "a_update": float(np.linalg.norm(da)),
                        "b_update": float(np.linalg.norm(db)),
                    }
                )
    return rows


def not_run(reason: str) -> dict:
    return {"ran": False, "equal": None, "reason": reason}


__all__ = [
    "TRAIN_RTOL",
    "TRAIN_BATCH",
    "loss_name",
    "targets",
    "compare",
    "compare_weights",
    "not_run",
    "weight_info",
]

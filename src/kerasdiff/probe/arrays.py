"""What both sides of a probe share, NumPy only: the sampling of a layer's output, the weight
file format between workers (one .npz of arrays, the order [(layer, count)] beside it), and the
worker's loop over the parent's request (`serve`), which each framework feeds its own operations."""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Optional

import numpy as np

# Outputs with more elements are compared on a fixed, evenly spaced sample (same on both sides:
# it depends only on the size), so a 1,000-layer model does not ship gigabytes between processes.
SAMPLE = 65536

_INDEX: dict[int, np.ndarray] = {}


class TrainStepError(Exception):
    """A model cannot take the --probe-train step (no optimizer, an unsupported loss): the
    reason is the probe's answer for training."""


def sample(arr: np.ndarray) -> tuple[np.ndarray, bool]:
    """The values compared: all of them, or SAMPLE evenly spaced ones, in their own float dtype
    (picked before any conversion: a large output is never copied whole)."""
    flat = np.asarray(arr).reshape(-1)
    if flat.size > SAMPLE:
        idx = _INDEX.get(flat.size)
        if idx is None:
            idx = _INDEX[flat.size] = np.linspace(0, flat.size - 1, SAMPLE).astype(np.int64)
        flat, sampled = flat[idx], True
    else:
        sampled = False
    if flat.dtype.kind != "f" or flat.dtype.itemsize < 4:
        flat = flat.astype(np.float64 if flat.dtype.itemsize > 4 else np.float32)
    return flat, sampled


def load_weights(path: str, order: list) -> dict:
    """{layer: [arrays]} from an exported weight file and its order."""
    data = np.load(path)
    out: dict[str, list] = {}
    i = 0
    for key, n in order:
        out[key] = [data[f"{j}"] for j in range(i, i + n)]
        i += n
    return out


def load_inputs(path: str) -> list:
    data = np.load(path)
    return [data[f"{i}"] for i in range(len(data.files))]


def serve(
    request_path: str,
    index_of: Callable[[int, list], Any],
    export: Callable[[Any, list, str], dict],
    import_: Callable[[Any, dict, dict], dict],
    record: Callable[[Any, list, list, str, bool], dict],
    train: Optional[Callable[[Any, list, list], dict]] = None,
) -> None:
    """Execute the parent's probe request (export / import / record / train tasks) and write
    `<request>.done`; never raises: a failure is the reply. `index_of(model, inputs)` builds the
    live index of a model (`inputs`: the arrays its record task will use, or []); `train(index,
    inputs, targets)` takes one training step with the model's own optimizer and loss."""
    with open(request_path, encoding="utf-8") as fh:
        req = json.load(fh)
    os.remove(request_path)  # taken: the worker waits for the next request under the same name
    results: list = []
    try:
        run_ops = ("record", "train")
        inputs = {t["inputs"]: load_inputs(t["inputs"]) for t in req["tasks"] if t["op"] in run_ops}
        recorded = {t["model"]: inputs[t["inputs"]] for t in req["tasks"] if t["op"] in run_ops}
        indexes: dict[int, Any] = {}
        last_order: list = []
        for task in req["tasks"]:
            i = task["model"]
            if i not in indexes:
                indexes[i] = index_of(i, recorded.get(i, []))
            idx = indexes[i]
            if task["op"] == "export":
                results.append(export(idx, task["layers"], task["path"]))
                last_order = results[-1]["order"]
            elif task["op"] == "import":
                order = task["order"] if task.get("order") is not None else last_order
                results.append(import_(idx, task["map"], load_weights(task["path"], order)))
            elif task["op"] == "record":
                training = bool(task.get("training"))
                results.append(record(idx, inputs[task["inputs"]], task["calls"], task["path"], training))
            elif task["op"] == "train":
                if train is None:
                    raise RuntimeError("this framework cannot take a training step")
                try:
                    results.append(train(idx, inputs[task["inputs"]], load_inputs(task["targets"])))
                except TrainStepError as exc:  # the step cannot run: said, the rest goes on
                    results.append({"ran": False, "reason": str(exc)})
        reply: dict = {"ok": True, "results": results}
    except Exception as exc:  # noqa: BLE001 - the probe reports failure; it never breaks the diff
        import traceback

        reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300], "detail": traceback.format_exc()}
    tmp = request_path + ".done.part"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(reply, fh)
    os.replace(tmp, request_path + ".done")


__all__ = ["SAMPLE", "TrainStepError", "sample", "load_weights", "load_inputs", "serve"]

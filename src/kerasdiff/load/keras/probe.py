"""Probe tasks that run inside a loader worker, next to the live models: export A's weights, copy
them into B, run a model on the shared inputs and record every call's outputs (sampled when big)."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasdiff.probe.arrays import sample, serve


def export_weights(index: Any, layers: list[str], path: str) -> dict:
    arrays: dict[str, np.ndarray] = {}
    counts: dict[str, int] = {}
    for key in layers:
        obj = index.objects.get(key)
        if obj is None:
            continue
        ws = obj.get_weights()
        counts[key] = len(ws)
        for w in ws:
            arrays[f"{len(arrays)}"] = w
    order = list(counts.items())
    np.savez(path, **arrays)  # type: ignore[arg-type]  # numpy's stub types the first **kwarg as bool
    return {"order": order}


def import_weights(index: Any, mapping: dict, source: dict) -> dict:
    """Set each B layer's weights from its A layer's; a shape mismatch leaves the layer as it was."""
    copied, skipped = [], []
    for b_key, a_key in mapping.items():
        obj = index.objects.get(b_key)
        ws = source.get(a_key)
        if obj is None or ws is None:
            skipped.append(b_key)
            continue
        mine = obj.get_weights()
        if len(mine) != len(ws) or any(m.shape != w.shape for m, w in zip(mine, ws)):
            skipped.append(b_key)
            continue
        obj.set_weights([w.astype(m.dtype) for m, w in zip(mine, ws)])
        copied.append(b_key)
    return {"copied": copied, "skipped": skipped}


def record(index: Any, inputs: list[np.ndarray], calls: list[str], path: str) -> dict:
    """Run the model in inference mode; save the outputs of `calls` and of the model."""
    import keras
    from keras import tree

    from kerasdiff.load.keras.src import operation_fn

    wanted = set(calls)
    saved: dict[str, np.ndarray] = {}
    meta: dict[str, list] = {}

    def keep(name: str, values: list) -> None:
        rows = []
        for i, v in enumerate(values):
            arr = keras.ops.convert_to_numpy(v)
            flat, sampled = sample(arr)
            saved[f"{name}__{i}"] = flat
            rows.append(
                {
                    "shape": list(arr.shape),
                    "dtype": str(arr.dtype),
                    "sampled": sampled,
                    "nonfinite": int(np.count_nonzero(~np.isfinite(flat))),
                }
            )
        meta[name] = rows

    if index.graph_mode:
        # Eager on purpose: measured on NASNetLarge, a tf.function returning every layer's output
        # ran slower (9 s + 5 s tracing) than these eager calls (8 s): keeping 1,000 outputs
        # alive defeats the graph optimizations that make predict() fast. Each output is
        # sampled as soon as it exists; a tensor lives only while a later call still needs it.
        last_use: dict[str, int] = {}
        for n, (_, _, _, refs) in enumerate(index.calls):
            for _, ref in refs:
                last_use[ref] = n
        for ref in index.output_refs:
            last_use[ref] = len(index.calls)
        vals: dict[str, Any] = {f"in:{i}": keras.ops.convert_to_tensor(x) for i, x in enumerate(inputs)}
        for n, (key, op, node, refs) in enumerate(index.calls):
            td = {id(kt): vals[ref] for kt, ref in refs}
            args, kwargs = node.arguments.fill_in(td)
            flat = tree.flatten(operation_fn(op, training=False)(*args, **kwargs))
            del td, args, kwargs
            for ref in {ref for _, ref in refs}:
                if last_use.get(ref, -1) <= n:
                    vals.pop(ref, None)
            for i, y in enumerate(flat):
                if last_use.get(f"{key}:{i}", -1) > n:
                    vals[f"{key}:{i}"] = y
            if key in wanted:
                keep(key, flat)
        outputs = [vals[r] for r in index.output_refs]
    else:
        x = inputs[0] if len(inputs) == 1 else list(inputs)
        outputs = tree.flatten(index.model(x, training=False))
    keep("model", outputs)
    np.savez(path, **saved)  # type: ignore[arg-type]  # numpy's stub types the first **kwarg as bool
    return {"meta": meta}


def run_tasks(models: list, request_path: str) -> None:
    """Execute the parent's probe request for this worker's models; write `<request>.done`."""
    from kerasdiff.load.keras.extract import live_index

    serve(request_path, lambda i, _inputs: live_index(models[i]), export_weights, import_weights, record)

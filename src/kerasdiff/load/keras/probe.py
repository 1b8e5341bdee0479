"""Probe tasks that run inside a loader worker, next to the live models: export A's weights, copy
them into B, run a model on the shared inputs and record every call's outputs (sampled when big)."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import numpy as np

from kerasdiff.probe.arrays import TrainStepError, sample, serve


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


def record(index: Any, inputs: list[np.ndarray], calls: list[str], path: str, training: bool = False) -> dict:
    """Run the model in inference mode (or in training mode with its randomness off, for
    --probe-train); save the outputs of `calls` and of the model."""
    if not training:
        return _record(index, inputs, calls, path, False)
    # a training-mode call moves BatchNorm's moving statistics: put every weight back after
    saved = index.model.get_weights()
    try:
        with _no_random(index.model):
            return _record(index, inputs, calls, path, True)
    finally:
        index.model.set_weights(saved)


def _library() -> tuple[Any, Any, Any, Any]:
    """(to numpy, to tensor, flatten, run one node) for Keras 3, or for tf_keras under @keras2."""
    from kerasdiff.load.keras.src import KERAS2

    if KERAS2:
        import tensorflow as tf

        def run_node(op: Any, node: Any, td: dict, training: bool) -> Any:
            # the node's own arguments, our tensors in place of its Keras tensors
            args = tf.nest.map_structure(lambda t: td.get(id(t), t), list(node.call_args))
            kwargs = tf.nest.map_structure(lambda t: td.get(id(t), t), dict(node.call_kwargs))
            kwargs.pop("training", None)
            return op(*args, training=training, **kwargs)

        return np.asarray, tf.convert_to_tensor, tf.nest.flatten, run_node
    import keras
    from keras import tree

    from kerasdiff.load.keras.src import operation_fn

    def run_node3(op: Any, node: Any, td: dict, training: bool) -> Any:
        args, kwargs = node.arguments.fill_in(td)
        return operation_fn(op, training=training)(*args, **kwargs)

    return keras.ops.convert_to_numpy, keras.ops.convert_to_tensor, tree.flatten, run_node3


def _record(index: Any, inputs: list[np.ndarray], calls: list[str], path: str, training: bool) -> dict:
    to_numpy, to_tensor, flatten, run_node = _library()

    wanted = set(calls)
    saved: dict[str, np.ndarray] = {}
    meta: dict[str, list] = {}

    def keep(name: str, values: list) -> None:
        rows = []
        for i, v in enumerate(values):
            arr = to_numpy(v)
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
        vals: dict[str, Any] = {f"in:{i}": to_tensor(x) for i, x in enumerate(inputs)}
        for n, (key, op, node, refs) in enumerate(index.calls):
            td = {id(kt): vals[ref] for kt, ref in refs}
            flat = flatten(run_node(op, node, td, training))
            del td
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
        outputs = flatten(index.model(x, training=training))
    keep("model", outputs)
    np.savez(path, **saved)  # type: ignore[arg-type]  # numpy's stub types the first **kwarg as bool
    return {"meta": meta}


# Layers that draw random numbers in training: off for the step (masks cannot match across
# frameworks), as (class name part, attributes set to 0).
_RANDOM = (("Dropout", ("rate",)), ("Noise", ("stddev",)), ("", ("dropout", "recurrent_dropout")))


def train_step(index: Any, inputs: list[np.ndarray], targets: list[np.ndarray]) -> dict:
    """One step of the model's compiled optimizer and loss on (inputs, targets)."""
    model = index.model
    # Keras 3 says `compiled`, tf_keras `_is_compiled`
    compiled = getattr(model, "compiled", None)
    if compiled is None:
        compiled = getattr(model, "_is_compiled", False)
    if getattr(model, "optimizer", None) is None or not compiled:
        raise TrainStepError("the model is not compiled (no optimizer and loss to train with)")
    if len(targets) != 1 or len(getattr(model, "outputs", None) or [None]) != 1:
        raise TrainStepError("the model has several outputs (one output only)")
    with _no_random(model):
        x = inputs[0] if len(inputs) == 1 else list(inputs)
        logs = model.train_on_batch(x, targets[0], return_dict=True)
    return {"ran": True, "loss": float(logs["loss"])}


@contextlib.contextmanager
def _no_random(model: Any) -> Iterator[None]:
    """Dropout and noise layers at rate 0 for a while (restored after)."""
    undo = []
    for layer in model._flatten_layers(include_self=False, recursive=True):
        for part, attrs in _RANDOM:
            if part in type(layer).__name__:
                for a in attrs:
                    v = getattr(layer, a, None)
                    if isinstance(v, (int, float)) and not isinstance(v, bool) and v:
                        undo.append((layer, a, v))
                        setattr(layer, a, 0.0)
    try:
        yield
    finally:
        for layer, a, v in undo:
            setattr(layer, a, v)


def run_tasks(models: list, request_path: str) -> None:
    """Execute the parent's probe request for this worker's models; write `<request>.done`."""
    from kerasdiff.load.keras.extract import live_index

    serve(
        request_path,
        lambda i, _inputs: live_index(models[i]),
        export_weights,
        import_weights,
        record,
        train_step,
    )

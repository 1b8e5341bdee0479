"""Probe tasks in a PyTorch worker (kerasdiff.probe plans them): weights exported and imported in
Keras's layouts (Linear transposed, Conv OIHW -> HWIO, BatchNorm's running statistics, a Dense
after a channels-first flatten with its rows reordered), the module run in eval mode on the shared
channels-last inputs (moved to channels-first where the module expects it), every aligned call's
output written channels-last, sampled like the Keras worker's."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import numpy as np

from kerasdiff.load.torch import layouts
from kerasdiff.probe.arrays import TrainStepError, sample, serve


def state_of(module: Any) -> dict:
    """The module's own state_dict entries as numpy arrays (names relative to the module)."""
    return {k: v.detach().cpu().numpy() for k, v in module.state_dict().items()}


def _to_keras(layer: Any, module: Any, rows: Any) -> list[np.ndarray]:
    """The module's weights as the Keras layer `layer` (neutral Layer) holds them."""
    cls = layer.cls
    p = state_of(module)
    if cls == "Dense":
        return layouts.dense(p, rows)
    if cls == "MultiHeadAttention":
        return layouts.attention(p, int(layer.config["num_heads"]))
    # mypy infers a union of the functions' signatures; each takes the state dict first
    convert: Any = layouts.BY_CLASS.get(cls)
    if convert is not None:
        return list(convert(p))
    return [v.detach().cpu().numpy() for v in module.parameters(recurse=False)]


def _from_keras(layer: Any, module: Any, arrays: list[np.ndarray], rows: Any) -> bool:
    """Set the module's weights from Keras-layout arrays; False when the shapes do not fit."""
    import torch

    cls = layer.cls
    targets: list[Any] = []
    values: list[np.ndarray] = []
    if cls == "Dense":
        k = arrays[0]
        if rows:
            c, *sp = rows
            n = len(sp)
            k = k.reshape(*sp, c, -1).transpose(n, *range(n), n + 1).reshape(k.shape)
        targets.append(module.weight)
        values.append(k.T)
        if module.bias is not None and len(arrays) > 1:
            targets.append(module.bias)
            values.append(arrays[1])
    elif cls.startswith("Conv"):
        w = arrays[0]
        n = w.ndim - 2
        targets.append(module.weight)
        values.append(w.transpose(n + 1, n, *range(n)))
        if module.bias is not None and len(arrays) > 1:
            targets.append(module.bias)
            values.append(arrays[1])
    elif cls in ("LSTM", "GRU"):
        from kerasdiff.load.torch import recurrent

        pairs = recurrent.from_keras(module, list(arrays))
        if pairs is None:
            return False
        targets = [t for t, _ in pairs]
        values = [v for _, v in pairs]
    elif cls == "MultiHeadAttention":
        from kerasdiff.load.torch import attention

        pairs = attention.from_keras(module, list(arrays))
        if pairs is None:
            return False
        targets = [t for t, _ in pairs]
        values = [v for _, v in pairs]
    elif cls == "BatchNormalization":
        names = (["weight", "bias"] if module.affine else []) + (
            ["running_mean", "running_var"] if module.track_running_stats else []
        )
        targets = [getattr(module, n) for n in names]
        values = list(arrays)
    else:
        targets = list(module.parameters(recurse=False))
        values = list(arrays)
    if len(targets) != len(values) or any(tuple(t.shape) != tuple(v.shape) for t, v in zip(targets, values)):
        return False
    with torch.no_grad():
        for t, v in zip(targets, values):
            t.copy_(torch.as_tensor(np.ascontiguousarray(v), dtype=t.dtype))
    return True


def export_weights(idx: Any, layers: list[str], path: str) -> dict:
    arrays: dict[str, np.ndarray] = {}
    order = []
    for key in layers:
        mod = idx.modules.get(key)
        if mod is None:
            continue
        ws = _to_keras(idx.layers[key], mod, idx.rows.get(key))
        order.append((key, len(ws)))
        for w in ws:
            arrays[f"{len(arrays)}"] = np.ascontiguousarray(w)
    np.savez(path, **arrays)  # type: ignore[arg-type]  # numpy's stub types the first **kwarg as bool
    return {"order": order}


def import_weights(idx: Any, mapping: dict, source: dict) -> dict:
    copied, skipped = [], []
    for b_key, a_key in mapping.items():
        mod, ws = idx.modules.get(b_key), source.get(a_key)
        if mod is None or ws is None or not _from_keras(idx.layers[b_key], mod, ws, idx.rows.get(b_key)):
            skipped.append(b_key)
        else:
            copied.append(b_key)
    return {"copied": copied, "skipped": skipped}


def record(idx: Any, inputs: list[np.ndarray], calls: list[str], path: str, training: bool = False) -> dict:
    """Run the traced module in eval mode (or in train mode with its dropout off, for
    --probe-train); save the outputs of `calls` and of the model."""
    import torch
    import torch.fx

    wanted = {idx.node_of_call[c]: c for c in calls if c in idx.node_of_call}
    saved: dict[str, np.ndarray] = {}
    meta: dict[str, list] = {}

    def tensors(v: Any) -> list:
        if isinstance(v, (tuple, list)):
            return [t for x in v for t in tensors(x)]
        return [v] if isinstance(v, torch.Tensor) else []

    def keep(name: str, values: list, layouts: list, node: str = "") -> None:
        rows = []
        for i, (v, lay) in enumerate(zip(values, layouts)):
            arr = v.detach().cpu().numpy()
            if lay == "cf" and arr.ndim >= 3:
                arr = np.moveaxis(arr, 1, -1)
            flat_of = idx.flat_rows.get(node)
            if flat_of and arr.ndim == 2:
                # a channels-first flatten, read in Keras's (H, W, C) order
                arr = np.moveaxis(arr.reshape(arr.shape[0], *flat_of), 1, -1).reshape(arr.shape)
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

    class Recorder(torch.fx.Interpreter):
        def run_node(self, n: Any) -> Any:
            out = super().run_node(n)
            if n.name in wanted:
                ts = tensors(out)
                keep(wanted[n.name], ts, [idx.layout.get(n.name, "plain")] * len(ts), n.name)
            return out

    xs = []
    for x, lay in zip(inputs, idx.input_layouts):
        arr = np.moveaxis(x, -1, 1) if lay == "cf" and x.ndim >= 3 else x
        xs.append(torch.as_tensor(np.ascontiguousarray(arr)))
    # a train-mode forward moves BatchNorm's running statistics: put the state back after
    state = {k: v.clone() for k, v in idx.model.state_dict().items()} if training else None
    try:
        with _mode(idx.model, training), torch.no_grad():
            out = Recorder(idx.gm).run(*xs) if idx.gm is not None else idx.model(*xs)
    finally:
        if state is not None:
            idx.model.load_state_dict(state)
    outs = tensors(out)
    lays = idx.output_layouts if len(idx.output_layouts) == len(outs) else ["plain"] * len(outs)
    keep("model", outs, lays)
    np.savez(path, **saved)  # type: ignore[arg-type]
    return {"meta": meta}


def train_step(idx: Any, inputs: list[np.ndarray], targets: list[np.ndarray]) -> dict:
    """One step of the script's optimizer and loss module on (inputs, targets), the module in
    train() mode with its dropout off (random masks cannot match across frameworks)."""
    import torch

    from kerasdiff.load.torch.recipe import TRAINING

    objs = TRAINING.get(id(idx.model)) or {}
    opt, loss_fn = objs.get("optimizer"), objs.get("loss")
    if opt is None:
        raise TrainStepError("the script builds no optimizer on the module's parameters at module level")
    if loss_fn is None:
        raise TrainStepError("the script builds no loss module (nn.*Loss) at module level")
    if len(targets) != 1:
        raise TrainStepError("the module has several outputs (one output only)")
    xs = []
    for x, lay in zip(inputs, idx.input_layouts):
        arr = np.moveaxis(x, -1, 1) if lay == "cf" and x.ndim >= 3 else x
        xs.append(torch.as_tensor(np.ascontiguousarray(arr)))
    y = targets[0]
    out_layout = idx.output_layouts[0] if idx.output_layouts else "plain"
    if out_layout == "cf" and y.ndim >= 3:
        y = np.moveaxis(y, -1, 1)
    if type(loss_fn).__name__ == "CrossEntropyLoss" and y.dtype.kind in "iu" and y.ndim > 1:
        raise TrainStepError("CrossEntropyLoss on a sequence of class scores (the loop reshapes it)")
    yt = torch.as_tensor(np.ascontiguousarray(y))
    with _mode(idx.model, True):
        opt.zero_grad()
        out = idx.model(*xs)
        if isinstance(out, (tuple, list)):
            raise TrainStepError("forward() returns several tensors (one output only)")
        loss = loss_fn(out, yt)
        loss.backward()
        opt.step()
        opt.zero_grad()
    return {"ran": True, "loss": float(loss.detach())}


@contextlib.contextmanager
def _mode(model: Any, training: bool) -> Iterator[None]:
    """eval(), or train() with the dropout off (random masks cannot match across frameworks);
    the module's own mode and dropout rates come back after."""
    was = model.training
    model.train(training)
    quiet = []
    if training:
        for m in model.modules():
            if "Dropout" in type(m).__name__:
                m.eval()
            elif isinstance(getattr(m, "dropout", None), float) and m.dropout:
                quiet.append((m, m.dropout))
                m.dropout = 0.0
    try:
        yield
    finally:
        for m, v in quiet:
            m.dropout = v
        model.train(was)


def run_tasks(models: list, request_path: str) -> None:
    """Execute the parent's probe request for this worker's modules; write `<request>.done`."""
    from kerasdiff.load.torch.extract import live_index, with_shapes

    def index_of(i: int, inputs: list) -> Any:
        # Shapes from the record task's inputs when the script had no example_input: weights
        # are exported before it runs, and a Dense after a flatten needs them.
        return with_shapes(models[i], inputs) if inputs else live_index(models[i])

    serve(request_path, index_of, export_weights, import_weights, record, train_step)


__all__ = ["run_tasks", "export_weights", "import_weights", "record", "train_step"]

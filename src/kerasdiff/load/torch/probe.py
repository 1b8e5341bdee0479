"""Probe tasks in a PyTorch worker (kerasdiff.probe plans them): weights exported and imported in
Keras's layouts (Linear transposed, Conv OIHW -> HWIO, BatchNorm's running statistics, a Dense
after a channels-first flatten with its rows reordered), the module run in eval mode on the shared
channels-last inputs (moved to channels-first where the module expects it), every aligned call's
output written channels-last, sampled like the Keras worker's."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasdiff.probe.arrays import sample, serve


def _to_keras(layer: Any, module: Any, rows: Any) -> list[np.ndarray]:
    """The module's weights as the Keras layer `layer` (neutral Layer) holds them."""
    cls = layer.cls
    out: list[np.ndarray] = []
    if cls == "Dense":
        k = module.weight.detach().cpu().numpy().T
        if rows:  # (C, H, W) rows -> (H, W, C) rows, as Keras's Flatten orders them
            c, *sp = rows
            k = k.reshape(c, *sp, -1).transpose(*range(1, len(sp) + 1), 0, len(sp) + 1).reshape(k.shape)
        out.append(k)
        if module.bias is not None:
            out.append(module.bias.detach().cpu().numpy())
    elif cls.startswith("Conv"):
        w = module.weight.detach().cpu().numpy()
        n = w.ndim - 2
        out.append(w.transpose(*range(2, 2 + n), 1, 0))
        if module.bias is not None:
            out.append(module.bias.detach().cpu().numpy())
    elif cls in ("LSTM", "GRU"):
        from kerasdiff.load.torch import recurrent

        out = recurrent.to_keras(module)
    elif cls == "BatchNormalization":
        if module.affine:
            out += [module.weight.detach().cpu().numpy(), module.bias.detach().cpu().numpy()]
        if module.track_running_stats:
            out += [module.running_mean.detach().cpu().numpy(), module.running_var.detach().cpu().numpy()]
    else:
        out = [p.detach().cpu().numpy() for p in module.parameters(recurse=False)]
    return out


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


def record(idx: Any, inputs: list[np.ndarray], calls: list[str], path: str) -> dict:
    """Run the traced module in eval mode; save the outputs of `calls` and of the model."""
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
    was = idx.model.training
    idx.model.eval()
    try:
        with torch.no_grad():
            out = Recorder(idx.gm).run(*xs) if idx.gm is not None else idx.model(*xs)
    finally:
        idx.model.train(was)
    outs = tensors(out)
    lays = idx.output_layouts if len(idx.output_layouts) == len(outs) else ["plain"] * len(outs)
    keep("model", outs, lays)
    np.savez(path, **saved)  # type: ignore[arg-type]
    return {"meta": meta}


def run_tasks(models: list, request_path: str) -> None:
    """Execute the parent's probe request for this worker's modules; write `<request>.done`."""
    from kerasdiff.load.torch.extract import live_index, with_shapes

    def index_of(i: int, inputs: list) -> Any:
        # Shapes from the record task's inputs when the script had no example_input: weights
        # are exported before it runs, and a Dense after a flatten needs them.
        return with_shapes(models[i], inputs) if inputs else live_index(models[i])

    serve(request_path, index_of, export_weights, import_weights, record)


__all__ = ["run_tasks", "export_weights", "import_weights", "record"]

"""What both sides of a probe share, NumPy only: the sampling of a layer's output and the weight
file format between workers (one .npz of arrays, the order [(layer, count)] beside it)."""

from __future__ import annotations

import numpy as np

# Outputs with more elements are compared on a fixed, evenly spaced sample (same on both sides:
# it depends only on the size), so a 1,000-layer model does not ship gigabytes between processes.
SAMPLE = 65536

_INDEX: dict[int, np.ndarray] = {}


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


__all__ = ["SAMPLE", "sample", "load_weights"]

"""How each model got its weights, and a digest of the weight values where comparing them means
something (kerasdiff.rules.weights decides when).

Recorded while a script runs: `load_weights(...)`, `keras.models.load_model(...)` (weights from a
file), `set_weights(...)` (weights from arrays), `clone_model(...)` (the architecture only: fresh
weights), `fit` under --run-fit (trained). A saved file's weights come from that file. Everything
else starts from its initializers ("fresh").
"""

from __future__ import annotations

import hashlib
from typing import Any, Optional

# Values kept per layer for max |diff|: all of them up to this many, else an evenly spaced sample.
SAMPLE = 256


def provenance(recorder: Any, model: Any, names: dict) -> dict:
    """{"how": fresh | clone | file | set | trained, ...} for one model of a script run."""
    rec = dict(getattr(recorder, "weights", {}).get(id(model)) or {"how": "fresh"})
    if rec.get("how") == "clone":
        rec["source"] = names.get(rec.pop("source_id", None))
    layer_sets: set = getattr(recorder, "set_layers", set())
    if rec["how"] == "fresh" and any(id(l) in layer_sets for l in _layers(model)):
        rec = {"how": "set", "via": "set_weights on some layers"}
    return rec


def _layers(model: Any) -> list:
    try:
        return list(model._flatten_layers(include_self=False, recursive=True))
    except Exception:  # noqa: BLE001
        return []


def digests(index_objects: dict) -> dict:
    """layer key -> {"sha": digest of all its values, "n": count, "sample": values, "exact": bool,
    "shapes": [...]}, for the layers (of the extracted graph) that hold weights."""
    import numpy as np

    out: dict = {}
    for key, layer in index_objects.items():
        try:
            ws = layer.get_weights()
        except Exception:  # noqa: BLE001 - unbuilt layer
            continue
        if not ws:
            continue
        h = hashlib.sha1()
        flat = []
        for w in ws:
            a = np.ascontiguousarray(w)
            h.update(str(a.shape).encode())
            h.update(a.tobytes())
            flat.append(a.reshape(-1).astype(np.float64))
        values = np.concatenate(flat) if flat else np.zeros(0)
        exact = values.size <= SAMPLE
        sample = values if exact else values[np.linspace(0, values.size - 1, SAMPLE).astype(np.int64)]
        out[key] = {
            "sha": h.hexdigest()[:16],
            "n": int(values.size),
            "exact": exact,
            "sample": [float(x) for x in sample],
            "shapes": [list(w.shape) for w in ws],
        }
    return out


def record(recorder: Any, model: Any, entry: dict) -> None:
    if recorder is None:
        return
    recorder.keep.append(model)
    recorder.weights[id(model)] = entry


def file_entry(path: Any, via: str, origin: Optional[str]) -> dict:
    return {"how": "file", "via": via, "file": str(path), "origin": origin}


__all__ = ["provenance", "digests", "record", "file_entry", "SAMPLE"]

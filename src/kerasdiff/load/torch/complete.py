"""Parent side: a PyTorch graph completed with what only the other side knows (no torch import).

- No `example_input`: the input shapes come from the other model (DESIGN.md); the report says so.
- Initializers: the same Keras initializer written the way the other side's Keras serializes it
  (Keras adds keys such as `input_axes` by version), so equal means equal.
- Integer inputs: PyTorch's int64 indices and Keras's int32 ones look up the same rows.
- padding_idx: the other side's `PadRow(row)` embedding constraint (KD618's fix) is the same.
- The training loop is not read: settings only it knows are taken from the other side and
  listed as unknown (KD612), never reported as differences that nobody measured.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Graph

_LOOP_FIT_KEYS = (
    "epochs",
    "validation_split",
    "validation_data",
    "class_weight",
    "sample_weight",
    "steps_per_epoch",
    "initial_epoch",
    "callbacks",
)
_COMPILE_NOT_IN_TORCH = (
    "metrics",
    "weighted_metrics",
    "run_eagerly",
    "jit_compile",
    "steps_per_execution",
    "outputs",
)
_IGNORED_INIT_KEYS = ("seed", "input_axes", "output_axes")
_INDEX_DTYPES = {"int32", "int64"}


def _canon(init: Any) -> Any:
    if not isinstance(init, dict) or "class" not in init:
        return None
    cfg = {
        k: v for k, v in (init.get("config") or {}).items() if k not in _IGNORED_INIT_KEYS and v is not None
    }
    return (
        init["class"],
        tuple(sorted((k, round(v, 9) if isinstance(v, float) else v) for k, v in cfg.items())),
    )


def _pad_rows(g: Graph) -> dict:
    """The PadRow embedding constraints of a graph (KD618's fix), by class and row."""
    out: dict = {}
    for lay in g.layers:
        v = lay.config.get("embeddings_constraint")
        if isinstance(v, dict) and v.get("class") == "PadRow":
            out.setdefault(_canon(v), v)
    return out


def _initializers(g: Graph) -> dict:
    out: dict = {}
    for lay in g.layers:
        for k, v in lay.config.items():
            c = _canon(v) if k.endswith("initializer") else None
            if c is not None:
                out.setdefault(c, v)
    return out


def _with_input_shapes(graph: Graph, other: Graph, facts: dict) -> Graph:
    """No example_input: each input's shape (and dtype) from the other model's, said in the facts."""
    inputs = graph.inputs
    if not any(i.shape is None for i in inputs) or len(other.inputs) != len(inputs):
        return graph
    inputs = tuple(
        replace(i, shape=o.shape, dtype=o.dtype) if i.shape is None else i
        for i, o in zip(inputs, other.inputs)
    )
    rec = dict(graph.recipe or {})
    rec["torch"] = {**facts, "input_shape_from": other.spec or other.framework}
    return replace(graph, inputs=inputs, recipe=rec)


def complete(graph: Graph, other: Graph) -> Graph:
    if other.framework == graph.framework:
        mine, theirs = (graph.recipe or {}).get("torch") or {}, (other.recipe or {}).get("torch") or {}
        if not mine.get("example_input") and not theirs.get("example_input") and graph.spec != other.spec:
            raise KerasdiffError(
                graph.spec,
                "has no example_input, and the other side is a PyTorch module too: the input shapes are unknown",
                "define `example_input = torch.randn(2, ...)` at module level in one of the scripts",
            )
        return _with_input_shapes(graph, other, mine)
    graph = _with_input_shapes(graph, other, (graph.recipe or {}).get("torch") or {})
    rec = dict(graph.recipe or {})
    facts = dict(rec.get("torch") or {})
    inputs = graph.inputs
    if len(inputs) == len(other.inputs):
        # PyTorch indexes with int64 (torch.long) by convention, Keras with int32: the same rows
        # are looked up, so the width is a spelling, not a difference (noted in the facts).
        widened = [
            (i.name, i.dtype, o.dtype)
            for i, o in zip(inputs, other.inputs)
            if i.dtype != o.dtype and {i.dtype, o.dtype} <= _INDEX_DTYPES
        ]
        if widened:
            facts["index_dtype"] = [list(w) for w in widened]
            inputs = tuple(
                replace(i, dtype=o.dtype) if {i.dtype, o.dtype} <= _INDEX_DTYPES else i
                for i, o in zip(inputs, other.inputs)
            )
    theirs = _initializers(other)
    pad_rows = _pad_rows(other)
    layers = []
    for lay in graph.layers:
        cfg = lay.config
        for k, v in lay.config.items():
            if k.endswith("initializer"):
                c = _canon(v)
                if c in theirs and theirs[c] != v:
                    cfg = {**cfg, k: theirs[c]}
            elif k == "embeddings_constraint" and isinstance(v, dict) and v.get("class") == "PadRow":
                # padding_idx's row kept at zero: the other side's PadRow of that row is the same
                # constraint (its source digest is what Keras adds); any other class is not
                same = pad_rows.get(_canon(v))
                if same is not None:
                    cfg = {**cfg, k: same}
        layers.append(lay if cfg is lay.config else replace(lay, config=cfg))
    orec = other.recipe or {}
    unknown = list(facts.get("unknown") or [])
    comp, ocomp = rec.get("compile"), orec.get("compile")
    if comp and ocomp:
        comp = dict(comp)
        for k in _COMPILE_NOT_IN_TORCH:
            if k in ocomp:
                comp[k] = ocomp[k]
        for k, what in (
            ("optimizer", "the optimizer (none built on the model's parameters)"),
            ("loss", "the loss (no loss module at module level)"),
        ):
            if k not in comp and k in ocomp:
                comp[k] = ocomp[k]
                for kk in ("loss_given_as", "loss_weights", "loss_weights_given_as") if k == "loss" else ():
                    if kk in ocomp:
                        comp[kk] = ocomp[kk]
                unknown.append(what)
        rec["compile"] = comp
    fit, ofit = rec.get("fit"), orec.get("fit")
    if fit and ofit:
        fit = dict(fit)
        for k in _LOOP_FIT_KEYS:
            if k in ofit:
                fit[k] = ofit[k]
        rec["fit"] = fit
    elif ofit and not fit and comp:
        # It trains in a loop with no DataLoader we can see: nothing to compare, said so (KD612).
        rec["fit"] = dict(ofit)
        unknown.append("batch size and shuffle (no DataLoader at module level)")
    facts["unknown"] = unknown
    rec["torch"] = facts
    return replace(graph, inputs=inputs, layers=tuple(layers), recipe=rec)


__all__ = ["complete"]

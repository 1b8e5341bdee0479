"""KD501: with A's weights in B, the outputs differ, and no difference in the configs explains it.
KD502: one training step from those weights moves the models differently, and no finding
about how they train explains it (--probe-train)."""

from __future__ import annotations

from typing import Iterator, Optional

from kerasdiff import catalog
from kerasdiff.findings import Finding, make
from kerasdiff.graph import Graph
from kerasdiff.rules import checker
from kerasdiff.rules.context import Context


def _origin(g: Graph, key: object) -> Optional[str]:
    layer = g.layer_map().get(str(key)) if key else None
    if layer is None and g.outputs:
        # "(model output)": the line of the layer that produces the output, next to the code
        # (a subclassed call(), an untraceable forward()) where the computations part.
        call = g.call_map().get(g.outputs[0].ref.rpartition(":")[0])
        layer = g.layer_map().get(call.layer) if call is not None else None
    return layer.origin if layer is not None else None


@checker("KD501", after=True, top_only=True)
def check(ctx: Context) -> Iterator[Finding]:
    probe = ctx.probe
    if not probe or not probe.get("ran") or probe.get("equal"):
        return
    # An error about the model itself already explains different outputs (the training recipe
    # cannot: the probe runs both models in inference).
    if any(f.severity == "error" and catalog.section(f.code) != "training" for f in ctx.earlier):
        return
    first = probe.get("first_divergence") or {}
    mad = first.get("max_abs_diff")
    yield make(
        "KD501",
        a_path=str(first.get("a_path", "")),
        b_path=str(first.get("b_path", "")),
        attribute="output",
        a_value="A's outputs",
        b_value=f"max |diff| {mad:.3g}" if isinstance(mad, float) else "different shape",
        a_source=_origin(ctx.al.raw_a, first.get("a_path")),
        b_source=_origin(ctx.al.raw_b, first.get("b_path")),
        message=f"with A's weights copied into B, the outputs first differ at "
        f"{first.get('a_path')} (A) / {first.get('b_path')} (B)"
        + (f": max |diff| {mad:.3g}" if isinstance(mad, float) else ""),
        score=50.0,
    )


# What can explain a training step that differs from the same weights (a finding of one of
# these kinds, any severity: the info conventions KD607/KD613 are exactly such causes).
_TRAINS = {
    "regularizer",
    "constraint",
    "hyperparameter",
    "trainable",
    "optimizer",
    "optimizer-state",
    "loss",
    "training-config",
    "framework-semantics",
}
# framework-semantics codes about the starting point or the reading, not the update
_NOT_TRAINING = {"KD603", "KD610", "KD612", "KD617"}


@checker("KD502", after=True, top_only=True)
def check_train(ctx: Context) -> Iterator[Finding]:
    train = (ctx.probe or {}).get("train")
    if not train or not train.get("ran") or train.get("equal"):
        return
    if any(f.kind in _TRAINS and f.code not in _NOT_TRAINING for f in ctx.earlier):
        return
    first = train.get("first_divergence") or {}
    a_path, b_path = str(first.get("a_path", "(model output)")), str(first.get("b_path", "(model output)"))
    what = "its moving statistics" if first.get("what") == "state" else "its output"
    yield make(
        "KD502",
        a_path=a_path,
        b_path=b_path,
        attribute="training step",
        a_value="A's update",
        b_value=f"|dA - dB| / max {first['rel_diff']:.3g}"
        if isinstance(first.get("rel_diff"), float)
        else "different",
        a_source=_origin(ctx.al.raw_a, a_path),
        b_source=_origin(ctx.al.raw_b, b_path),
        message=f"one training step from the same weights moves {what} differently first at "
        f"{a_path}" + ("" if a_path == b_path else f" (A) / {b_path} (B)"),
        score=45.0,
    )

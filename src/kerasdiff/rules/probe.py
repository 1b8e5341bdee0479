"""KD501: with A's weights in B, the outputs differ, and no difference in the configs explains it."""

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

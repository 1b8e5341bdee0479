"""Run every rule on an aligned pair, merge duplicates, attach consequences to root causes, order."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Optional

from kerasdiff import catalog
from kerasdiff.align import Alignment, align, fold_activations
from kerasdiff.graph import Graph, fmt_shape, ref_call
from kerasdiff.rules import frameworks, inputs, layers, placement, recipe, structure
from kerasdiff.rules.base import Context, Finding, fmt_int, more as _more, show

# Findings that can change shapes or parameter counts downstream (root-cause candidates).
_STRUCTURAL = {"KD141", "KD151", "KD161", "KD162", "KD171", "KD181", "KD191", "KD192"}

# How much a kind tends to explain on its own; consequences add to it.
_KIND_WEIGHT = {
    "input": 60, "topology": 55, "shared-layer": 50, "layer-type": 45, "missing-layer": 40,
    "activation": 32, "hyperparameter": 30, "dtype": 25, "trainable": 25, "regularizer": 20,
    "initializer": 20, "constraint": 15,
    # Training recipe: a shared optimizer explains more than any single layer setting.
    "framework-semantics": 80, "optimizer-state": 70, "optimizer": 34, "loss": 34, "training-config": 28, "randomness": 10,
    "metrics": 5,
}
_MAX_CONSEQUENCES = 6
# Per-layer config codes: the same change on several layers reads best as one finding.
GROUPABLE = {"KD101", "KD111", "KD112", "KD121", "KD131", "KD141", "KD152", "KD201", "KD211"}


def group_layers(findings: list[Finding]) -> list[Finding]:
    """One finding per config change that several layers share (a user changes a default once):
    same code, setting and values; each layer stays a row in `details`."""
    groups: dict[tuple, list[Finding]] = {}
    order: list = []
    for f in findings:
        if f.code not in GROUPABLE or "/" in f.a_path:
            order.append(f)
            continue
        key = (f.code, f.attribute, show(f.a_value), show(f.b_value))
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(f)
    out: list[Finding] = []
    for item in order:
        if isinstance(item, Finding):
            out.append(item)
            continue
        fs = groups[item]
        if len(fs) == 1:
            out.append(fs[0])
            continue
        first = fs[0]
        a_layers = list(dict.fromkeys(f.a_path for f in fs))
        b_layers = list(dict.fromkeys(f.b_path for f in fs))
        names = ", ".join(a_layers[:8]) + (", ..." if len(a_layers) > 8 else "")
        fix = first.fix.replace(first.b_path, f"these {len(b_layers)} layers", 1)
        out.append(replace(
            first, a_path=_more(a_layers[0], a_layers[1:]), b_path=_more(b_layers[0], b_layers[1:]),
            message=(f"{first.attribute} is {show(first.a_value)} in A, {show(first.b_value)} in B "
                     f"on {len(a_layers)} layers: {names}"),
            fix=fix,
            details=tuple((f.a_path, f.b_path, f.attribute, f.a_value, f.b_value, f.a_source,
                           f.b_source) for f in fs),
            position=min(f.position for f in fs), score=max(f.score for f in fs) + len(fs) - 1,
            anchors_a=tuple(k for f in fs for k in f.anchors_a),
            anchors_b=tuple(k for f in fs for k in f.anchors_b),
            consequences=tuple(dict.fromkeys(c for f in fs for c in f.consequences))))
    return out


def _merge(findings: list[Finding]) -> list[Finding]:
    """The same difference on N copies of a layer is one finding listing the copies."""
    merged: dict[tuple, Finding] = {}
    extra_b: dict[tuple, list[str]] = {}
    extra_a: dict[tuple, list[str]] = {}
    for f in findings:
        key = (f.code, f.a_path, f.attribute, show(f.a_value), show(f.b_value))
        if key in merged:
            g = merged[key]
            if f.b_path != g.b_path:
                extra_b.setdefault(key, []).append(f.b_path)
                merged[key] = replace(g, anchors_b=g.anchors_b + f.anchors_b)
            continue
        merged[key] = f
    out = []
    by_b: dict[tuple, Finding] = {}
    for key, f in merged.items():
        if key in extra_b:
            more = extra_b[key]
            f = replace(f, b_path=f"{f.b_path} (+{len(more)} copies: {', '.join(more[:3])}"
                                  f"{', ...' if len(more) > 3 else ''})")
        bkey = (f.code, f.b_path, f.attribute, show(f.a_value), show(f.b_value))
        if bkey in by_b and f.code not in ("KD161", "KD162", "KD163"):
            g = by_b[bkey]
            extra_a.setdefault(bkey, []).append(f.a_path)
            by_b[bkey] = replace(g, anchors_a=g.anchors_a + f.anchors_a)
            continue
        by_b[bkey] = f
    for bkey, f in by_b.items():
        if bkey in extra_a:
            more = extra_a[bkey]
            f = replace(f, a_path=f"{f.a_path} (+{len(more)} copies: {', '.join(more[:3])}"
                                  f"{', ...' if len(more) > 3 else ''})")
        out.append(f)
    return out


def _roots(g: Graph, order: tuple[str, ...], anchored: dict[str, int], input_anchor: dict[int, int]
           ) -> dict[str, tuple[int, int]]:
    """For each call, the nearest upstream structural finding (index, distance). Linear time."""
    cmap = g.call_map()
    root: dict[str, tuple[int, int]] = {}
    for k in order:
        if k in anchored:
            root[k] = (anchored[k], 0)
            continue
        best: Optional[tuple[int, int]] = None
        for r in cmap[k].inputs:
            c = ref_call(r)
            if c is None:
                idx = int(r.rpartition(":")[2])
                cand = (input_anchor[idx], 1) if idx in input_anchor else None
            else:
                cand = (root[c][0], root[c][1] + 1) if c in root else None
            if cand is not None and (best is None or cand[1] < best[1]):
                best = cand
        if best is not None:
            root[k] = best
    return root


def _attach_consequences(ctx: Context, findings: list[Finding]) -> list[Finding]:
    anchored_a: dict[str, int] = {}
    anchored_b: dict[str, int] = {}
    in_a: dict[int, int] = {}
    in_b: dict[int, int] = {}
    for i, f in enumerate(findings):
        if f.code not in _STRUCTURAL:
            continue
        for k in f.anchors_a:
            if k.startswith("in:"):
                in_a.setdefault(int(k[3:]), i)
            else:
                anchored_a.setdefault(k, i)
        for k in f.anchors_b:
            if k.startswith("in:"):
                in_b.setdefault(int(k[3:]), i)
            else:
                anchored_b.setdefault(k, i)
    root_a = _roots(ctx.a, ctx.al.a_order, anchored_a, in_a)
    root_b = _roots(ctx.b, ctx.al.b_order, anchored_b, in_b)
    attached: dict[int, list[str]] = {}
    seen_layers: set[tuple[str, str]] = set()
    ac, bc = ctx.a.call_map(), ctx.b.call_map()
    for x, y in ctx.al.pairs:
        if x is None or y is None:
            continue
        ca, cb = ac[x], bc[y]
        la, lb = ctx.a.layer(ca.layer), ctx.b.layer(cb.layer)
        parts = []
        if ca.output_shapes != cb.output_shapes:
            sa = ", ".join(fmt_shape(s) for s in ca.output_shapes)
            sb = ", ".join(fmt_shape(s) for s in cb.output_shapes)
            parts.append(f"output {sa} -> {sb}")
        if la.params != lb.params and (la.key, lb.key) not in seen_layers:
            parts.append(f"params {fmt_int(la.params)} -> {fmt_int(lb.params)}")
        seen_layers.add((la.key, lb.key))
        if not parts:
            continue
        cands = [r for r in (root_a.get(x), root_b.get(y)) if r is not None]
        if not cands:
            continue
        idx = min(cands, key=lambda r: r[1])[0]
        attached.setdefault(idx, []).append(f"{la.key}: " + ", ".join(parts))
    out = []
    for i, f in enumerate(findings):
        cons = attached.get(i, [])
        if cons:
            shown = cons[:_MAX_CONSEQUENCES]
            if len(cons) > _MAX_CONSEQUENCES:
                shown.append(f"... and {len(cons) - _MAX_CONSEQUENCES} more layers downstream")
            f = replace(f, consequences=f.consequences + tuple(shown), score=f.score + len(cons))
        out.append(f)
    # The model-level parameter change belongs to the structural root that explains most.
    pa, pb = ctx.a.total_params(), ctx.b.total_params()
    structural = [i for i, f in enumerate(out) if f.code in _STRUCTURAL]
    if pa != pb and structural and not any("model params" in c for f in out for c in f.consequences):
        best = max(structural, key=lambda i: (out[i].score, -out[i].position))
        r = max(pa, pb) / max(1, min(pa, pb))
        ratio = (f" ({r:.1f}x)" if r >= 1.05 else f" ({pb - pa:+,})") if min(pa, pb) else ""
        out[best] = replace(out[best], consequences=out[best].consequences +
                            (f"model params {fmt_int(pa)} (A) vs {fmt_int(pb)} (B){ratio}",))
    return out


def section(f: Finding) -> int:
    """Within a severity: framework semantics (0), the model itself (1), its training recipe (2)."""
    from kerasdiff.rules.recipe import RECIPE_KINDS

    if f.kind == "framework-semantics":
        return 0
    return 2 if f.kind in RECIPE_KINDS else 1


def order_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first; then scikit-learn semantics, the model, its training; among equals the one
    explaining most (score), then upstream first. Every report shows findings in this order."""
    def key(f: Finding) -> tuple:
        return (catalog.SEVERITY_RANK[f.severity], section(f),
                -(f.score + _KIND_WEIGHT.get(f.kind, 0)), f.position, f.code, f.a_path)
    return sorted(findings, key=key)


def align_pair(a: Graph, b: Graph) -> tuple[Graph, Graph, Alignment]:
    """The two graphs as compared (activations folded where needed) and their alignment."""
    # Fold `X -> Activation(f)` into X(activation=f) only where the Activation has no
    # counterpart on the other side: the other side wrote it into the layer (KD102), or lacks
    # it. Folding everywhere would turn "B lacks the BatchNormalization between conv and
    # activation" into a folded conv on one side only.
    al = align(a, b)
    gap_a = {x for x, y in al.pairs if y is None}
    gap_b = {y for x, y in al.pairs if x is None}
    fa = fold_activations(a, gap_a) if gap_a else a
    fb = fold_activations(b, gap_b) if gap_b else b
    if fa is not a or fb is not b:
        al = align(fa, fb)
    return fa, fb, al


def diff_graphs(a: Graph, b: Graph, nested: bool = False, timings: Optional[dict] = None
                ) -> list[Finding]:
    """All findings for A vs B, most explanatory first."""
    t0 = time.perf_counter()
    fa, fb, al = align_pair(a, b)
    ctx = Context(fa, fb, al)
    t1 = time.perf_counter()
    findings: list[Finding] = []
    findings += inputs.check(ctx)
    findings += structure.check(ctx, nested=nested)
    findings += layers.check(ctx)
    findings = placement.apply(ctx, findings)
    if not nested:
        findings += recipe.check(ctx)
        findings = frameworks.apply(ctx, findings)
    findings = _merge(findings)
    findings = group_layers(findings)
    findings = _attach_consequences(ctx, findings)
    findings = order_findings(findings)
    if timings is not None:
        timings["align"] = t1 - t0
        timings["diff"] = time.perf_counter() - t1
    return findings


__all__ = ["diff_graphs", "align_pair", "order_findings", "Finding"]

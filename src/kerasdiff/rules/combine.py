"""From the checkers' findings to the report's: absorb, merge copies, group layers, attach
consequences to root causes, order. Every decision here reads the catalogue entry of a code."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from kerasdiff import catalog
from kerasdiff.findings import Finding, fmt_int, more, show
from kerasdiff.graph import Graph, fmt_shape, ref_call
from kerasdiff.rules.context import Context

_MAX_CONSEQUENCES = 6


def absorb(first: list[Finding], later: list[Finding]) -> list[Finding]:
    """A concrete difference that a framework-semantics finding explains becomes one of its rows
    (its `details`, its code in `related`): one cause, one finding. A semantic finding with
    anchors absorbs only the findings on the same calls (e.g. the output layer)."""
    by_code: dict[str, int] = {f.code: i for i, f in enumerate(later)}
    by_key: dict[tuple[str, str, str], int] = {k: i for i, f in enumerate(later) for k in f.explains}
    rows: dict[int, list] = {}
    related: dict[int, list] = {}
    kept: list[Finding] = []
    for f in first:
        target = catalog.get(f.code).absorbed_by
        i = by_key.get((f.code, f.a_path, f.attribute))
        if i is None:
            i = by_code.get(target) if target else None
        if i is not None and (f.code, f.a_path, f.attribute) not in later[i].explains:
            s = later[i]
            if (s.anchors_a or s.anchors_b) and not (
                set(s.anchors_a) & set(f.anchors_a) or set(s.anchors_b) & set(f.anchors_b)
            ):
                i = None
        if i is None:
            kept.append(f)
            continue
        rows.setdefault(i, []).extend(
            f.details or [(f.a_path, f.b_path, f.attribute, f.a_value, f.b_value, f.a_source, f.b_source)]
        )
        related.setdefault(i, []).append(f.code)
    out = [
        replace(f, details=tuple(rows[i]), related=tuple(dict.fromkeys(related[i]))) if i in rows else f
        for i, f in enumerate(later)
    ]
    return kept + out


def group_layers(findings: list[Finding]) -> list[Finding]:
    """One finding per config change that several layers share (a user changes a default once):
    same code, setting and values; each layer stays a row in `details`."""
    groups: dict[tuple, list[Finding]] = {}
    order: list = []
    for f in findings:
        if not catalog.get(f.code).groupable or "/" in f.a_path:
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
        fixed = first.refill(b_path=f"these {len(b_layers)} layers")
        out.append(
            replace(
                fixed,
                a_path=more(a_layers[0], a_layers[1:]),
                b_path=more(b_layers[0], b_layers[1:]),
                message=(
                    f"{first.attribute} is {show(first.a_value)} in A, {show(first.b_value)} in B "
                    f"on {len(a_layers)} layers: {names}"
                ),
                details=tuple(
                    (f.a_path, f.b_path, f.attribute, f.a_value, f.b_value, f.a_source, f.b_source)
                    for f in fs
                ),
                position=min(f.position for f in fs),
                score=max(f.score for f in fs) + len(fs) - 1,
                anchors_a=tuple(k for f in fs for k in f.anchors_a),
                anchors_b=tuple(k for f in fs for k in f.anchors_b),
                consequences=tuple(dict.fromkeys(c for f in fs for c in f.consequences)),
            )
        )
    return out


def merge_copies(findings: list[Finding]) -> list[Finding]:
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
            copies = extra_b[key]
            f = replace(
                f,
                b_path=f"{f.b_path} (+{len(copies)} copies: {', '.join(copies[:3])}"
                f"{', ...' if len(copies) > 3 else ''})",
            )
        bkey = (f.code, f.b_path, f.attribute, show(f.a_value), show(f.b_value))
        # Missing layers are one finding per place: several runs are several edits.
        if bkey in by_b and f.kind != "missing-layer":
            g = by_b[bkey]
            extra_a.setdefault(bkey, []).append(f.a_path)
            by_b[bkey] = replace(g, anchors_a=g.anchors_a + f.anchors_a)
            continue
        by_b[bkey] = f
    for bkey, f in by_b.items():
        if bkey in extra_a:
            copies = extra_a[bkey]
            f = replace(
                f,
                a_path=f"{f.a_path} (+{len(copies)} copies: {', '.join(copies[:3])}"
                f"{', ...' if len(copies) > 3 else ''})",
            )
        out.append(f)
    return out


def _roots(
    g: Graph, order: tuple[str, ...], anchored: dict[str, int], input_anchor: dict[int, int]
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


def attach_consequences(ctx: Context, findings: list[Finding]) -> list[Finding]:
    """Shape and parameter changes downstream of a structural finding are its consequences."""
    anchored_a: dict[str, int] = {}
    anchored_b: dict[str, int] = {}
    in_a: dict[int, int] = {}
    in_b: dict[int, int] = {}
    for i, f in enumerate(findings):
        if not catalog.get(f.code).structural:
            continue
        for anchors, calls, inputs in ((f.anchors_a, anchored_a, in_a), (f.anchors_b, anchored_b, in_b)):
            for k in anchors:
                if k.startswith("in:"):
                    inputs.setdefault(int(k[3:]), i)
                else:
                    calls.setdefault(k, i)
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
    structural = [i for i, f in enumerate(out) if catalog.get(f.code).structural]
    if pa != pb and structural and not any("model params" in c for f in out for c in f.consequences):
        best = max(structural, key=lambda i: (out[i].score, -out[i].position))
        r = max(pa, pb) / max(1, min(pa, pb))
        ratio = (f" ({r:.1f}x)" if r >= 1.05 else f" ({pb - pa:+,})") if min(pa, pb) else ""
        out[best] = replace(
            out[best],
            consequences=out[best].consequences
            + (f"model params {fmt_int(pa)} (A) vs {fmt_int(pb)} (B){ratio}",),
        )
    return out


def order_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first; then framework semantics, the model, its training; among equals the one
    explaining most (score + the rule's weight), then upstream first. Every report shows
    findings in this order."""

    def key(f: Finding) -> tuple:
        rule = catalog.get(f.code)
        return (
            catalog.SEVERITY_RANK[f.severity],
            catalog.SECTIONS.index(rule.section),
            -(f.score + rule.rank_weight),
            f.position,
            f.code,
            f.a_path,
        )

    return sorted(findings, key=key)


def combine(ctx: Context, first: list[Finding], later: list[Finding]) -> list[Finding]:
    findings = absorb(first, later)
    findings = merge_copies(findings)
    findings = group_layers(findings)
    findings = attach_consequences(ctx, findings)
    return order_findings(findings)


__all__ = ["combine", "absorb", "group_layers", "merge_copies", "attach_consequences", "order_findings"]

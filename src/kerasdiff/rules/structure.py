"""Structural rules: missing/extra layers, connections, outputs, sharing, nesting, model class."""

from __future__ import annotations

from typing import Any, Iterator

from kerasdiff.align import map_ref
from kerasdiff.findings import Finding, fmt_int, make, more, same, show
from kerasdiff.graph import Graph, Layer, ref_call
from kerasdiff.rules import checker
from kerasdiff.rules.context import Context
from kerasdiff.rules.placement import fused, swap_finding

_NOOP_CLASSES = {"Identity"}


def is_noop(layer: Layer) -> bool:
    cfg = layer.config
    if layer.cls in _NOOP_CLASSES:
        return True
    if layer.cls == "Activation" and cfg.get("activation") == "linear":
        return True
    if layer.cls in (
        "Dropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "AlphaDropout",
        "GaussianDropout",
    ) and not cfg.get("rate"):
        return True
    return layer.cls == "GaussianNoise" and not cfg.get("stddev")


def brief(layer: Layer) -> str:
    """Dropout(rate=0.5), Dense(units=8, activation=relu)..."""
    keys = [
        k
        for k in (
            "units",
            "filters",
            "kernel_size",
            "rate",
            "activation",
            "pool_size",
            "axis",
            "target_shape",
            "call_arguments",
        )
        if k in layer.config
    ]
    inner = ", ".join(f"{k}={show(layer.config[k])}" for k in keys[:3])
    return f"{layer.cls}({inner})"


def _gap_findings(ctx: Context) -> Iterator[Finding]:
    """Unmatched calls become one finding per contiguous run on each side."""
    a, b = ctx.a, ctx.b
    for s in ctx.swaps.found:
        yield swap_finding(ctx, s)
    skip = ctx.swaps.a_gaps | ctx.swaps.b_gaps
    for side, run, before in ctx.al.gap_runs():
        if set(run) <= skip:
            continue  # a layer moved to the other side of its neighbour: reported as one swap
        g = a if side == "a" else b
        other = b if side == "a" else a
        calls = g.call_map()
        layers: list[Layer] = []
        for k in run:
            lay = g.layer(calls[k].layer)
            if lay not in layers:
                layers.append(lay)
        noops = [l for l in layers if is_noop(l)]
        real = [l for l in layers if not is_noop(l)]
        where = "at the start"
        if before is not None:
            where = f"after {other.layer(other.call_map()[before].layer).key}"
        for group, code in ((real, "KD161" if side == "a" else "KD162"), (noops, "KD163")):
            if not group:
                continue
            desc = ", ".join(brief(l) for l in group[:4]) + (
                f" and {len(group) - 4} more" if len(group) > 4 else ""
            )
            paths = ", ".join(l.key for l in group[:4]) + (", ..." if len(group) > 4 else "")
            params = sum(l.params or 0 for l in group)
            other_side = "B" if side == "a" else "A"
            msg = f"{'A' if side == 'a' else 'B'} has {desc} ({paths}) that {other_side} lacks {where}" + (
                f"; {fmt_int(params)} params" if params else ""
            )
            anchor_path = other.layer(other.call_map()[before].layer).key if before else "(input)"
            pos = ctx.a_pos.get(run[0], 0) if side == "a" else ctx.a_pos.get(before or "", 0)
            src = group[0].origin
            if side == "a":
                f = make(
                    code,
                    a_path=paths,
                    b_path=anchor_path,
                    attribute="layer",
                    a_value=desc,
                    b_value=None,
                    message=msg,
                    a_source=src,
                    position=pos,
                    anchors_a=run,
                    where=f"at this position (after {anchor_path})",
                )
            else:
                f = make(
                    code,
                    a_path=anchor_path,
                    b_path=paths,
                    attribute="layer",
                    a_value=None,
                    b_value=desc,
                    message=msg,
                    b_source=src,
                    position=pos,
                    anchors_b=run,
                    where=f"after {anchor_path}",
                )
            fusion = ctx.fusions.runs.get((side, run)) if code != "KD163" else None
            yield fused(ctx, side, fusion, f) if fusion is not None else f


def _topology(ctx: Context) -> Iterator[Finding]:
    a, b = ctx.a, ctx.b
    inputs_a_to_b = {i: j for i, j in ctx.al.input_pairs if i is not None and j is not None}
    ac, bc = a.call_map(), b.call_map()
    reported: set[tuple[str, str]] = set()
    for x, y in ctx.al.pairs:
        if x is None or y is None:
            continue
        ca, cb = ac[x], bc[y]
        mapped = [map_ref(r, ctx.al, inputs_a_to_b) for r in ca.inputs]
        if None in mapped:
            continue  # fed by a layer B lacks: the missing-layer finding explains it
        if any(ref_call(r) is not None and ref_call(r) not in ctx.al.b_to_a for r in cb.inputs):
            continue  # fed by an extra layer in B: explained there
        if tuple(mapped) == cb.inputs:
            continue
        la, lb = a.layer(ca.layer), b.layer(cb.layer)
        if (la.key, lb.key) in reported:
            continue
        reported.add((la.key, lb.key))
        src_a = [_ref_name(a, r) for r in ca.inputs]
        src_b = [_ref_name(b, r) for r in cb.inputs]
        # Say, for each of B's arguments, which of A's arguments it corresponds to.
        where = []
        for r in cb.inputs:
            k = mapped.index(r) + 1 if r in mapped else None
            where.append(f"A's #{k}" if k else "not an input in A")
        yield make(
            "KD171",
            a_path=la.key,
            b_path=lb.key,
            attribute="inputs",
            a_value=", ".join(src_a),
            b_value=", ".join(src_b),
            message=f"{la.cls} {la.key} receives [{', '.join(src_a)}] in A; in B its "
            f"arguments are [{', '.join(src_b)}] = [{', '.join(where)}]",
            a_source=la.origin,
            b_source=lb.origin,
            position=ctx.a_pos[x],
            anchors_a=(x,),
            anchors_b=(y,),
        )


def _ref_name(g: Graph, ref: str) -> str:
    c = ref_call(ref)
    if c is None:
        idx = int(ref.rpartition(":")[2])
        return f"input {idx}" if idx >= len(g.inputs) else f"input {idx} ({g.inputs[idx].name})"
    return g.call_map()[c].layer


def _outputs(ctx: Context) -> Iterator[Finding]:
    a, b = ctx.a, ctx.b
    names_a = [_ref_name(a, o.ref) for o in a.outputs]
    names_b = [_ref_name(b, o.ref) for o in b.outputs]
    if len(a.outputs) != len(b.outputs):
        yield make(
            "KD172",
            a_path="(outputs)",
            b_path="(outputs)",
            attribute="outputs",
            a_value=", ".join(names_a),
            b_value=", ".join(names_b),
            message=f"A has {len(a.outputs)} output(s) [{', '.join(names_a)}], "
            f"B has {len(b.outputs)} [{', '.join(names_b)}]",
            position=10**9,
        )
        return
    inputs_a_to_b = {i: j for i, j in ctx.al.input_pairs if i is not None and j is not None}
    mapped = [map_ref(oa.ref, ctx.al, inputs_a_to_b) for oa in a.outputs]
    b_refs = [ob.ref for ob in b.outputs]
    wrong = [i for i, m in enumerate(mapped) if m is not None and m != b_refs[i]]
    if not wrong:
        return
    if sorted(str(mapped[i]) for i in wrong) == sorted(b_refs[i] for i in wrong):
        # The same outputs in another order: one finding, not one per position.
        yield make(
            "KD172",
            a_path="(outputs)",
            b_path="(outputs)",
            attribute="outputs order",
            a_value=", ".join(names_a),
            b_value=", ".join(names_b),
            message=f"the outputs are in a different order: A [{', '.join(names_a)}], "
            f"B [{', '.join(names_b)}]; losses, loss weights and targets given as "
            "lists now go to other outputs",
            position=10**9,
        )
        return
    for i in wrong:
        others = [j for j, r in enumerate(b_refs) if r == mapped[i]]
        how = f"B's output {others[0]}" if others else "not an output in B"
        yield make(
            "KD172",
            a_path=names_a[i],
            b_path=names_b[i],
            attribute=f"outputs[{i}]",
            a_value=names_a[i],
            b_value=names_b[i],
            message=f"output {i} is {names_a[i]} in A but {names_b[i]} in B (A's {names_a[i]} is {how})",
            position=10**9,
        )


def _sharing(ctx: Context) -> Iterator[Finding]:
    """One layer called at N sites vs N independent copies, grouped per block."""
    a, b = ctx.a, ctx.b
    ac, bc = a.call_map(), b.call_map()
    a_targets: dict[str, list[str]] = {}
    b_targets: dict[str, list[str]] = {}
    for x, y in ctx.al.pairs:
        if x is None or y is None:
            continue
        la, lb = ac[x].layer, bc[y].layer
        a_targets.setdefault(la, [])
        if lb not in a_targets[la]:
            a_targets[la].append(lb)
        b_targets.setdefault(lb, [])
        if la not in b_targets[lb]:
            b_targets[lb].append(la)
    for side, g, og, targets in (("A", a, b, a_targets), ("B", b, a, b_targets)):
        groups: dict[tuple[str, int], list[str]] = {}
        for key, copies in targets.items():
            if len(copies) > 1:
                groups.setdefault((g.layer(key).block, len(copies)), []).append(key)
        for (block, n), keys in groups.items():
            shared_params = sum(g.layer(k).params or 0 for k in keys)
            copy_layers = [c for k in keys for c in targets[k]]
            copy_params = sum(og.layer(c).params or 0 for c in copy_layers)
            other = "B" if side == "A" else "A"
            what = (
                f"block {block} ({len(keys)} layers)"
                if block
                else (
                    keys[0]
                    if len(keys) == 1
                    else f"{len(keys)} layers ({', '.join(keys[:3])}{', ...' if len(keys) > 3 else ''})"
                )
            )
            first_copies = more(targets[keys[0]][0], targets[keys[0]][1:], named=5)
            msg = (
                f"{side} shares {what} across {n} call sites (one set of weights, "
                f"{fmt_int(shared_params)} params); {other} builds {n} independent copies "
                f"({len(copy_layers)} layers, {fmt_int(copy_params)} params)"
            )
            cons = []
            pa, pb = a.total_params(), b.total_params()
            if pa and pb and pa != pb:
                cons.append(
                    f"model params {fmt_int(pa)} (A) vs {fmt_int(pb)} (B): "
                    f"{max(pa, pb) / min(pa, pb):.1f}x as many in "
                    f"{'A' if pa > pb else 'B'}"
                )
            anchors = tuple(
                c for k in keys for c in (ctx.a_calls_of if side == "A" else ctx.b_calls_of).get(k, [])
            )
            pos = min((ctx.a_pos.get(c, 0) for c in anchors), default=0) if side == "A" else 0
            src = g.layer(keys[0]).origin
            osrc = og.layer(targets[keys[0]][0]).origin
            path = block or keys[0]
            kw: dict[str, Any] = dict(
                attribute="sharing",
                message=msg,
                consequences=tuple(cons),
                position=pos,
                score=float(len(copy_layers)),
            )
            if side == "A":
                yield make(
                    "KD181",
                    a_path=path,
                    b_path=first_copies,
                    a_value=f"shared by {n} calls",
                    b_value=f"{n} independent copies",
                    a_source=src,
                    b_source=osrc,
                    anchors_a=anchors,
                    **kw,
                )
            else:
                yield make(
                    "KD181",
                    a_path=first_copies,
                    b_path=path,
                    a_value=f"{n} independent copies",
                    b_value=f"shared by {n} calls",
                    a_source=osrc,
                    b_source=src,
                    anchors_b=anchors,
                    **kw,
                )


def _nesting(ctx: Context, shared_blocks: set[str]) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for la_key, lb_key in ctx.al.layer_pairs:
        ba, bb = ctx.a.layer(la_key).block, ctx.b.layer(lb_key).block
        if (ba or bb) and (not ba or not bb) and (ba, bb) not in seen:
            seen.add((ba, bb))
            if ba in shared_blocks or bb in shared_blocks:
                continue
            if ba:
                msg = (
                    f"A groups layers in the nested {ctx.a.blocks.get(ba, 'model')} {ba}; B calls them inline"
                )
            else:
                msg = (
                    f"B groups layers in the nested {ctx.b.blocks.get(bb, 'model')} {bb}; A calls them inline"
                )
            yield make(
                "KD902",
                a_path=ba or "(top level)",
                b_path=bb or "(top level)",
                attribute="block",
                a_value=ba or None,
                b_value=bb or None,
                message=msg,
                position=10**9,
            )


def _model_settings(ctx: Context) -> Iterator[Finding]:
    """A library model's constructor settings (keras-hub): the fix is spelled where it is made."""
    a, b = ctx.a, ctx.b
    if a.cls != b.cls or not a.config or not b.config:
        return
    for key in list(a.config) + [k for k in b.config if k not in a.config]:
        if key == "settings_unreadable":
            continue
        va, vb = a.config.get(key), b.config.get(key)
        if same(va, vb):
            continue
        yield make(
            "KD145",
            a_path="(model)",
            b_path="(model)",
            attribute=key,
            a_value=va,
            b_value=vb,
            message=f"{a.cls} is built with {key}={show(va)} in A, {show(vb)} in B",
            position=-1,
            model_cls=b.cls,
        )


@checker(
    "KD103", "KD161", "KD162", "KD163", "KD171", "KD172", "KD173", "KD145", "KD181", "KD901", "KD902", "KD904"
)
def check(ctx: Context) -> Iterator[Finding]:
    yield from _gap_findings(ctx)
    yield from _topology(ctx)
    yield from _outputs(ctx)
    shared = list(_sharing(ctx))
    yield from shared
    if ctx.nested:
        return
    yield from _nesting(ctx, {f.a_path for f in shared} | {f.b_path for f in shared})
    yield from _model_settings(ctx)
    if ctx.a.cls != ctx.b.cls:
        yield make(
            "KD901",
            a_path="(model)",
            b_path="(model)",
            attribute="class",
            a_value=ctx.a.cls,
            b_value=ctx.b.cls,
            message=f"model class is {ctx.a.cls} in A, {ctx.b.cls} in B",
            position=10**9,
        )
    a, b = ctx.a, ctx.b
    opaque = [(side, g) for side, g in (("A", a), ("B", b)) if g.structure == "sequence"]
    same_code = len(opaque) == 2 and a.call_source is not None and a.call_source == b.call_source
    if opaque and not same_code:
        if len(opaque) == 2 and a.call_source and b.call_source:
            msg = (
                f"the forward pass is Python code (call()) on both sides and it differs: "
                f"{a.call_source} vs {b.call_source}; layers were compared in creation order"
            )
        else:
            side, g = opaque[0]
            msg = (
                f"{side} ({g.cls}) has no inspectable layer graph (its forward pass is call() "
                "code); its layers were compared in the order they were created"
            )
        yield make(
            "KD904",
            a_path="(model)",
            b_path="(model)",
            attribute="structure",
            a_value=a.call_source or a.structure,
            b_value=b.call_source or b.structure,
            message=msg,
            position=10**9,
        )

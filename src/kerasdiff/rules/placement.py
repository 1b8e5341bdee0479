"""Where an activation is applied: `Conv(relu) -> BN` vs `Conv -> BN -> ReLU`, and a layer missing
between a layer and its activation. Without this, one edit reads as "missing ReLU" plus
"activation differs" plus "missing BatchNormalization"; it is one cause and one finding."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from kerasdiff.align import FOLDABLE
from kerasdiff.graph import Graph, ref_call
from kerasdiff.rules.base import Context, Finding, make
from kerasdiff.rules.structure import brief

# Layers an activation may be moved across (they change what the activation sees).
_TRANSPARENT = {"BatchNormalization", "LayerNormalization", "GroupNormalization", "Dropout",
                "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise"}


def _act_of(g: Graph, call: str) -> Optional[str]:
    layer = g.layer(g.call_map()[call].layer)
    fold = FOLDABLE.get(layer.cls)
    return fold(layer.config) if fold else None


def _producer(g: Graph, call: str) -> Optional[str]:
    c = g.call_map()[call]
    return ref_call(c.inputs[0]) if len(c.inputs) == 1 else None


def _in_layer_activation(g: Graph, call: str) -> Optional[str]:
    return g.layer(g.call_map()[call].layer).config.get("activation")


def apply(ctx: Context, findings: list[Finding]) -> list[Finding]:
    out = list(findings)
    for side in ("a", "b"):
        out = _side(ctx, out, side)
    return out


def _side(ctx: Context, findings: list[Finding], side: str) -> list[Finding]:
    g, other = (ctx.a, ctx.b) if side == "a" else (ctx.b, ctx.a)
    match = ctx.al.a_to_b if side == "a" else ctx.al.b_to_a
    gap_code = "KD161" if side == "a" else "KD162"
    result: list[Finding] = []
    drop_kd101: set[tuple[str, str]] = set()   # (layer on A, layer on B) whose KD101 is explained
    for f in findings:
        run = f.anchors_a if side == "a" else f.anchors_b
        if f.code != gap_code or not run:
            result.append(f)
            continue
        act_call = run[-1]
        act = _act_of(g, act_call)
        if act is None:
            result.append(f)
            continue
        # Walk back from the activation to the layer whose counterpart applies it in-layer.
        inside = set(run)
        between: list[str] = []        # calls between that layer and the activation, upstream first
        cur = _producer(g, act_call)
        found = None
        while cur is not None:
            if cur in match:
                peer = match[cur]
                if (_in_layer_activation(g, cur) == "linear"
                        and _in_layer_activation(other, peer) == act):
                    found = (cur, peer)
                    break
                if g.layer(g.call_map()[cur].layer).cls not in _TRANSPARENT:
                    break
            elif cur not in inside:
                break
            between.insert(0, cur)
            cur = _producer(g, cur)
        if found is None:
            result.append(f)
            continue
        x, y = found
        lx, ly = g.layer(g.call_map()[x].layer), other.layer(other.call_map()[y].layer)
        missing = [c for c in between if c in inside]
        moved_across = [c for c in between if c not in inside]
        act_layer = g.layer(g.call_map()[act_call].layer)
        me, them = ("A", "B") if side == "a" else ("B", "A")
        pair = (lx.key, ly.key) if side == "a" else (ly.key, lx.key)
        drop_kd101.add(pair)
        paths = dict(a_path=lx.key if side == "a" else ly.key, b_path=ly.key if side == "a" else lx.key)
        srcs = dict(a_source=(act_layer if side == "a" else ly).origin,
                    b_source=(ly if side == "a" else act_layer).origin)
        if missing:
            layers = [g.layer(g.call_map()[c].layer) for c in missing]
            desc = ", ".join(brief(l) for l in layers)
            params = sum(l.params or 0 for l in layers)
            msg = (f"{them} lacks {desc} ({', '.join(l.key for l in layers)}) between {ly.key} and its "
                   f"{act}: {me} has {lx.key} -> {' -> '.join(l.key for l in layers)} -> "
                   f"{act_layer.key}, {them} applies {act} inside {ly.key}"
                   + (f"; {params:,} params" if params else ""))
            new = replace(f, message=msg, a_value=desc if side == "a" else f.a_value,
                          b_value=desc if side == "b" else f.b_value,
                          a_path=", ".join(l.key for l in layers) if side == "a" else f.a_path,
                          b_path=", ".join(l.key for l in layers) if side == "b" else f.b_path,
                          fix=(f"Add {desc} to {them} between {ly.key} and its activation: "
                               f"`{ly.key}` with activation=None, then {desc}, then "
                               f"Activation('{act}')" if side == "a" else
                               f"Remove {desc} from B (between {ly.key} and its activation), or "
                               f"add it to A if it is intended."))
            result.append(new)
        else:
            across = [g.layer(g.call_map()[c].layer) for c in moved_across]
            names = ", ".join(l.key for l in across)
            msg = (f"{me} applies {act} ({act_layer.key}) after {names}; {them} applies it inside "
                   f"{ly.key}, before {names}")
            result.append(make("KD103", **paths, attribute="activation",
                               a_value=f"after {across[-1].key}" if side == "a" else f"inside {lx.key}",
                               b_value=f"inside {ly.key}" if side == "a" else f"after {across[-1].key}",
                               message=msg, position=f.position, anchors_a=f.anchors_a,
                               anchors_b=f.anchors_b, **srcs))
    if not drop_kd101:
        return result
    # The in-layer activation difference is the same edit: drop it (also from a grouped finding).
    return [f for f in result if not (f.code == "KD101" and f.attribute == "activation"
                                      and (f.a_path, f.b_path) in drop_kd101)]

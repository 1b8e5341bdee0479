"""Where an activation is applied: `Conv(relu) -> BN` vs `Conv -> BN -> ReLU`, and a layer missing
between a layer and its activation. Without this, one edit reads as "missing ReLU" plus
"activation differs" plus "missing BatchNormalization"; it is one cause and one finding.

The facts are computed once per comparison (`Context.fusions`): which unmatched runs are such an
edit, and which matched layer pairs' activation difference they already explain. The structure
rules report the run accordingly (KD161/KD162 with the layer between, or KD103) and the layer
rules leave out the explained KD101."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Optional

from kerasdiff.align import FOLDABLE
from kerasdiff.findings import Finding, make
from kerasdiff.graph import Graph, Layer, ref_call

if TYPE_CHECKING:
    from kerasdiff.rules.context import Context

# Layers an activation may be moved across (they change what the activation sees).
_TRANSPARENT = {
    "BatchNormalization",
    "LayerNormalization",
    "GroupNormalization",
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "GaussianNoise",
}


@dataclass(frozen=True)
class Fusion:
    """An unmatched run that ends in an activation whose counterpart applies it in-layer."""

    x: str  # the call (on the run's side) whose peer applies the activation
    y: str  # that peer (other side)
    act_call: str  # the activation call ending the run
    act: str  # the activation
    missing: tuple[str, ...]  # calls of the run between x and the activation
    moved_across: tuple[str, ...]  # matched calls between x and the activation


@dataclass(frozen=True)
class Fusions:
    runs: dict = field(default_factory=dict)  # (side, run) -> Fusion
    explained: frozenset = frozenset()  # (A layer, B layer) pairs whose KD101 is explained


def _act_of(g: Graph, call: str) -> Optional[str]:
    layer = g.layer(g.call_map()[call].layer)
    fold = FOLDABLE.get(layer.cls)
    return fold(layer.config) if fold else None


def _producer(g: Graph, call: str) -> Optional[str]:
    c = g.call_map()[call]
    return ref_call(c.inputs[0]) if len(c.inputs) == 1 else None


def _in_layer_activation(g: Graph, call: str) -> Optional[str]:
    return g.layer(g.call_map()[call].layer).config.get("activation")


def _real_layers(g: Graph, run: tuple[str, ...]) -> bool:
    """Does the run report anything but no-op layers (only then is it a KD161/KD162)?"""
    from kerasdiff.rules.structure import is_noop

    return any(not is_noop(g.layer(g.call_map()[k].layer)) for k in run)


def fusions(ctx: Context) -> Fusions:
    runs: dict = {}
    explained: set = set()
    for side, run, _ in ctx.al.gap_runs():
        g, other = (ctx.a, ctx.b) if side == "a" else (ctx.b, ctx.a)
        if not _real_layers(g, run):
            continue
        fu = _fusion(g, other, ctx.al.a_to_b if side == "a" else ctx.al.b_to_a, run)
        if fu is None:
            continue
        runs[side, run] = fu
        lx, ly = g.layer(g.call_map()[fu.x].layer), other.layer(other.call_map()[fu.y].layer)
        explained.add((lx.key, ly.key) if side == "a" else (ly.key, lx.key))
    return Fusions(runs, frozenset(explained))


def _fusion(g: Graph, other: Graph, match: dict, run: tuple[str, ...]) -> Optional[Fusion]:
    act_call = run[-1]
    act = _act_of(g, act_call)
    if act is None:
        return None
    # Walk back from the activation to the layer whose counterpart applies it in-layer.
    inside = set(run)
    between: list[str] = []  # calls between that layer and the activation, upstream first
    cur = _producer(g, act_call)
    while cur is not None:
        if cur in match:
            peer = match[cur]
            if _in_layer_activation(g, cur) == "linear" and _in_layer_activation(other, peer) == act:
                return Fusion(
                    cur,
                    peer,
                    act_call,
                    act,
                    tuple(c for c in between if c in inside),
                    tuple(c for c in between if c not in inside),
                )
            if g.layer(g.call_map()[cur].layer).cls not in _TRANSPARENT:
                return None
        elif cur not in inside:
            return None
        between.insert(0, cur)
        cur = _producer(g, cur)
    return None


def fused(ctx: Context, side: str, fu: Fusion, f: Finding) -> Finding:
    """The finding for a fused run: the layer between a layer and its activation (KD161/KD162,
    `f` rewritten), or the activation applied at another place (KD103)."""
    from kerasdiff.rules.structure import brief

    g, other = (ctx.a, ctx.b) if side == "a" else (ctx.b, ctx.a)
    lx, ly = g.layer(g.call_map()[fu.x].layer), other.layer(other.call_map()[fu.y].layer)
    act_layer = g.layer(g.call_map()[fu.act_call].layer)
    me, them = ("A", "B") if side == "a" else ("B", "A")
    if fu.missing:
        layers: list[Layer] = [g.layer(g.call_map()[c].layer) for c in fu.missing]
        desc = ", ".join(brief(l) for l in layers)
        keys = ", ".join(l.key for l in layers)
        params = sum(l.params or 0 for l in layers)
        msg = (
            f"{them} lacks {desc} ({keys}) between {ly.key} and its "
            f"{fu.act}: {me} has {lx.key} -> {' -> '.join(l.key for l in layers)} -> "
            f"{act_layer.key}, {them} applies {fu.act} inside {ly.key}"
            + (f"; {params:,} params" if params else "")
        )
        if side == "a":
            where = (
                f"between {ly.key} and its activation: `{ly.key}` with activation=None, then "
                f"{desc}, then Activation('{fu.act}')"
            )
            return replace(f, message=msg, a_value=desc, a_path=keys).refill(where=where)
        return replace(f, message=msg, b_value=desc, b_path=keys).refill(
            where=f"between {ly.key} and its activation"
        )
    across = [g.layer(g.call_map()[c].layer) for c in fu.moved_across]
    names = ", ".join(l.key for l in across)
    msg = (
        f"{me} applies {fu.act} ({act_layer.key}) after {names}; {them} applies it inside "
        f"{ly.key}, before {names}"
    )
    paths: dict[str, Any] = dict(
        a_path=lx.key if side == "a" else ly.key, b_path=ly.key if side == "a" else lx.key
    )
    srcs: dict[str, Any] = dict(
        a_source=(act_layer if side == "a" else ly).origin, b_source=(ly if side == "a" else act_layer).origin
    )
    return make(
        "KD103",
        **paths,
        attribute="activation",
        a_value=f"after {across[-1].key}" if side == "a" else f"inside {lx.key}",
        b_value=f"inside {ly.key}" if side == "a" else f"after {across[-1].key}",
        message=msg,
        position=f.position,
        anchors_a=f.anchors_a,
        anchors_b=f.anchors_b,
        **srcs,
    )


__all__ = ["Fusion", "Fusions", "fusions", "fused"]


@dataclass(frozen=True)
class Swap:
    """Two adjacent layers in the other order: A applies `first` then `second`, B the reverse."""

    a_first: str  # A's calls, in A's order
    a_second: str
    b_first: str  # B's calls, in B's order (b_first is the counterpart of a_second)
    b_second: str


@dataclass(frozen=True)
class Swaps:
    found: tuple[Swap, ...] = ()
    pairs: frozenset = frozenset()  # matched (A call, B call) pairs that are part of a swap
    a_gaps: frozenset = frozenset()  # unmatched calls that are part of a swap
    b_gaps: frozenset = frozenset()


def _same_layer(ga: Graph, ka: str, gb: Graph, kb: str) -> bool:
    la, lb = ga.layer(ga.call_map()[ka].layer), gb.layer(gb.call_map()[kb].layer)
    return la.cls == lb.cls and la.config == lb.config


def _feeds(g: Graph, producer: str, consumer: str) -> bool:
    """`consumer` takes exactly `producer`'s output (a chain link)."""
    c = g.call_map()[consumer]
    return len(c.inputs) == 1 and ref_call(c.inputs[0]) == producer


_SWAP_WINDOW = 6  # matched pairs an alignment puts between the two ends of one reordering


def _regions(ctx: Context) -> list[tuple[int, int]]:
    """Stretches of the alignment where it had to give up: gaps, or matches of different classes."""
    a, b, pairs = ctx.a, ctx.b, ctx.al.pairs
    acm, bcm = a.call_map(), b.call_map()
    odd = [
        i
        for i, (x, y) in enumerate(pairs)
        if x is None or y is None or a.layer(acm[x].layer).cls != b.layer(bcm[y].layer).cls
    ]
    regions: list[tuple[int, int]] = []
    for i in odd:
        if regions and i - regions[-1][1] <= _SWAP_WINDOW:
            regions[-1] = (regions[-1][0], i)
        else:
            regions.append((i, i))
    return regions


def swaps(ctx: Context) -> Swaps:
    """Adjacent layers applied in the other order (Dropout before instead of after a Dense). The
    alignment shows them as crossed matches or as a layer missing on one side and extra on the
    other; a stretch of it is a set of swaps when B's layers there are A's with disjoint
    neighbours transposed, every other layer in place."""
    a, b, pairs = ctx.a, ctx.b, ctx.al.pairs
    found: list[Swap] = []
    matched: set = set()
    a_gaps: set = set()
    b_gaps: set = set()
    for lo, hi in _regions(ctx):
        window = pairs[lo : hi + 1]
        sa = [x for x, _ in window if x is not None]
        sb = [y for _, y in window if y is not None]
        if len(sa) != len(sb) or len(sa) < 2:
            continue
        here: list[Swap] = []
        k = 0
        while k < len(sa):
            if _same_layer(a, sa[k], b, sb[k]):
                k += 1
            elif (
                k + 1 < len(sa)
                and _same_layer(a, sa[k], b, sb[k + 1])
                and _same_layer(a, sa[k + 1], b, sb[k])
                and _feeds(a, sa[k], sa[k + 1])
                and _feeds(b, sb[k], sb[k + 1])
            ):
                here.append(Swap(sa[k], sa[k + 1], sb[k], sb[k + 1]))
                k += 2
            else:
                break
        if k < len(sa) or not here:
            continue
        found += here
        matched |= {(x, y) for x, y in window if x is not None and y is not None}
        a_gaps |= {x for x, y in window if y is None}
        b_gaps |= {y for x, y in window if x is None}
    return Swaps(tuple(found), frozenset(matched), frozenset(a_gaps), frozenset(b_gaps))


def swap_finding(ctx: Context, s: Swap) -> Finding:
    from kerasdiff.rules.structure import brief

    a, b = ctx.a, ctx.b
    first, second = a.layer(a.call_map()[s.a_first].layer), a.layer(a.call_map()[s.a_second].layer)
    b_first, b_second = b.layer(b.call_map()[s.b_first].layer), b.layer(b.call_map()[s.b_second].layer)
    msg = (
        f"A applies {brief(first)} ({first.key}) before {brief(second)} ({second.key}); "
        f"B applies {brief(b_second)} ({b_second.key}) after {brief(b_first)} ({b_first.key})"
    )
    return make(
        "KD173",
        a_path=f"{first.key} -> {second.key}",
        b_path=f"{b_first.key} -> {b_second.key}",
        attribute="order",
        a_value=f"{first.cls} before {second.cls}",
        b_value=f"{first.cls} after {second.cls}",
        message=msg,
        a_source=first.origin,
        b_source=b_second.origin,
        position=ctx.a_pos.get(s.a_first, 0),
        anchors_a=(s.a_first, s.a_second),
        anchors_b=(s.b_first, s.b_second),
        first=first.cls,
        second=second.cls,
    )

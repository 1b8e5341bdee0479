"""Weights: where each side's weights came from, and their values where they are meant to be equal.

Two models that each start from their own initializers are not a weights finding (that is
seeding, KD351/KD352). Weights that came from somewhere (a file, arrays, training) are compared
value by value with the other side's when it also got them from somewhere (KD511); one side
with loaded weights (in its script: load_weights, set_weights, a preset) and the other freshly
initialized is KD513; a clone_model of the other side
(in one script run), which copies the architecture only, is KD512.
"""

from __future__ import annotations

from typing import Any, Iterator

from kerasdiff.findings import Finding, make
from kerasdiff.rules import checker
from kerasdiff.rules.context import Context

_LOADED = ("file", "set", "trained")


def _how(w: dict) -> str:
    if w.get("how") == "file":
        return f"loaded from {w.get('file')} ({w.get('via')})"
    if w.get("how") == "set":
        return "set from arrays (set_weights)"
    if w.get("how") == "trained":
        return "trained (--run-fit)"
    if w.get("how") == "clone":
        return f"freshly initialized by clone_model({w.get('source') or 'another model'})"
    return "freshly initialized"


def _diff(x: dict, y: dict) -> tuple[float, bool]:
    """max |diff| of the kept values, and whether they are all of the layer's values."""
    xs, ys = x.get("sample") or [], y.get("sample") or []
    mad = max((abs(p - q) for p, q in zip(xs, ys)), default=0.0)
    return mad, bool(x.get("exact") and y.get("exact"))


@checker("KD511", "KD512", "KD513", top_only=True)
def check(ctx: Context) -> Iterator[Finding]:
    a, b = ctx.a, ctx.b
    wa, wb = (a.recipe or {}).get("weights"), (b.recipe or {}).get("weights")
    if not wa or not wb or (a.spec and a.spec == b.spec):
        return
    ha, hb = wa.get("how"), wb.get("how")
    same_run = bool(a.recipe.get("run")) and a.recipe.get("run") == b.recipe.get("run")
    for me, w, other, g in (("B", wb, a, b), ("A", wa, b, a)):
        if same_run and w.get("how") == "clone" and w.get("source") == other.name:
            yield _clone(ctx, me, w, other, g)
            return
    if (ha in _LOADED) != (hb in _LOADED):
        loaded, fresh = (("A", wa), ("B", wb)) if ha in _LOADED else (("B", wb), ("A", wa))
        if loaded[1].get("via") == "saved file":
            # A saved file given as the spec holds its weights by nature: compared with the
            # script that builds the model, the question is the architecture, not which
            # weights a fresh build happens to draw.
            return
        yield make(
            "KD513",
            a_path="(weights)",
            b_path="(weights)",
            attribute="weights",
            a_value=_how(wa),
            b_value=_how(wb),
            message=f"{loaded[0]}'s weights are {_how(loaded[1])}; {fresh[0]}'s are {_how(fresh[1])}: "
            "the models start from different weights whatever their architecture",
            a_source=wa.get("origin"),
            b_source=wb.get("origin"),
            position=10**8,
        )
        return
    if ha in _LOADED and hb in _LOADED:
        yield from _values(ctx, wa, wb)


def _clone(ctx: Context, me: str, w: dict, other: Any, g: Any) -> Finding:
    target = g.name or "the clone"
    return make(
        "KD512",
        a_path="(weights)",
        b_path="(weights)",
        attribute="weights",
        a_value=_how(ctx.a.recipe["weights"]),
        b_value=_how(ctx.b.recipe["weights"]),
        message=f"{me} ({target}) is clone_model({other.name}): clone_model copies the architecture only, "
        f"so {target} starts from fresh weights, not {other.name}'s",
        a_source=w.get("origin") if me == "A" else None,
        b_source=w.get("origin") if me == "B" else None,
        position=10**8,
        target=target,
        source=other.name,
    )


def _values(ctx: Context, wa: dict, wb: dict) -> Iterator[Finding]:
    la, lb = wa.get("layers") or {}, wb.get("layers") or {}
    rows = []
    worst = 0.0
    for ka, kb in ctx.al.layer_pairs:
        x, y = la.get(ka), lb.get(kb)
        if x is None or y is None or x.get("sha") == y.get("sha") or x.get("shapes") != y.get("shapes"):
            continue
        mad, exact = _diff(x, y)
        worst = max(worst, mad)
        label = f"max |diff| {mad:.3g}" + (
            "" if exact else f" over {len(x.get('sample') or [])} sampled values"
        )
        rows.append((ka, kb, "weights", "A's values", label, None, None))
    if not rows:
        return
    names = ", ".join(r[0] for r in rows[:6]) + (", ..." if len(rows) > 6 else "")
    yield make(
        "KD511",
        a_path=rows[0][0],
        b_path=rows[0][1],
        attribute="weights",
        a_value=_how(wa),
        b_value=_how(wb),
        message=f"{len(rows)} layer(s) hold different weight values ({names}); max |diff| "
        f"{worst:.3g}. A's weights are {_how(wa)}, B's {_how(wb)}",
        a_source=wa.get("origin"),
        b_source=wb.get("origin"),
        details=tuple(rows),
        position=10**8,
    )

"""Keras 3 across backends: what one script computes differently on another backend although
its graph is the same (KD704). Plain data: the backend facts are in each graph's `env`."""

from __future__ import annotations

from typing import Any, Iterator

from kerasdiff.findings import Finding, make

CODES = ("KD704",)
_WIDE = ("float64", "mixed_float64")


def _truncates(g: Any) -> bool:
    """JAX without x64 keeps float64 arrays as float32."""
    env = g.env or {}
    return env.get("backend") == "jax" and env.get("x64") is False


def check(ctx: Any) -> Iterator[Finding]:
    a, b = ctx.a, ctx.b
    if _truncates(a) == _truncates(b):
        return  # both computed alike (both truncated, or neither)
    narrow_is_a = _truncates(a)
    la_map, lb_map = a.layer_map(), b.layer_map()
    rows = []
    for ka, kb in ctx.al.layer_pairs:
        la, lb = la_map.get(ka), lb_map.get(kb)
        if la is None or lb is None:
            continue
        if la.dtype in _WIDE and lb.dtype in _WIDE:
            rows.append((la, lb))
    if not rows:
        return
    la, lb = rows[0]
    side = "A" if narrow_is_a else "B"
    yield make(
        "KD704",
        a_path=la.key,
        b_path=lb.key,
        attribute="dtype_policy",
        a_value="float32 (JAX without x64)" if narrow_is_a else la.dtype,
        b_value=lb.dtype if narrow_is_a else "float32 (JAX without x64)",
        message=f"both models say float64 ({len(rows)} layer(s)), but {side} runs on JAX without x64, "
        "which stores and computes them in float32",
        a_source=la.origin,
        b_source=lb.origin,
        side=side,
    )

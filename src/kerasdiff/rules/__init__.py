"""Rules stage: every checker on an aligned pair, then the catalogue-driven combine steps.

A checker is a function `check(ctx: Context) -> Iterable[Finding]`, registered with
`@checker("KD101", ...)` naming the codes it may produce, in any module of this package (they are
found by import; nothing else to register). Checkers marked `after=True` run in a second phase
and see the first phase's findings as `ctx.earlier` (KD501, framework semantics). Framework
packages add their own checkers through `run(..., plugins=...)`. What a code needs besides its
checker (groupable, structural, section, ranking weight, absorbed-by) is in its catalogue entry.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

from kerasdiff import catalog
from kerasdiff.align import Alignment, align
from kerasdiff.findings import Finding
from kerasdiff.graph import Graph
from kerasdiff.rules.combine import combine, order_findings
from kerasdiff.rules.context import Context

Check = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Checker:
    codes: frozenset[str]
    check: Check
    after: bool = False  # second phase: sees the first phase's findings (ctx.earlier)
    top_only: bool = False  # not for the inner graphs of wrapper layers (TimeDistributed, ...)

    @property
    def name(self) -> str:
        return f"{self.check.__module__}.{self.check.__qualname__}"


_REGISTRY: list[Checker] = []


def checker(*codes: str, after: bool = False, top_only: bool = False) -> Callable[[Check], Check]:
    """Register a checker for `codes` (each must be in the catalogue)."""
    unknown = [c for c in codes if c not in catalog.BY_CODE]
    if unknown:
        raise ValueError(f"checker for codes not in the catalogue: {unknown}")

    def register(fn: Check) -> Check:
        _REGISTRY.append(Checker(frozenset(codes), fn, after, top_only))
        return fn

    return register


def make_checker(fn: Check, *codes: str, after: bool = True, top_only: bool = True) -> Checker:
    """A plug-in checker (framework packages): not registered here, passed to run()."""
    unknown = [c for c in codes if c not in catalog.BY_CODE]
    if unknown:
        raise ValueError(f"checker for codes not in the catalogue: {unknown}")
    return Checker(frozenset(codes), fn, after, top_only)


_LOADED = False
# Checkers run in this order (it is the order of equal-ranked findings), then any other module.
_FIRST = ("inputs", "structure", "layers", "recipe", "probe")
_NOT_RULES = ("combine", "context", "placement")


def checkers() -> tuple[Checker, ...]:
    """Every checker of this package (importing its modules registers them)."""
    global _LOADED
    if not _LOADED:
        found = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in _NOT_RULES)
        for mod in found:
            importlib.import_module(f"{__name__}.{mod}")
        _LOADED = True

    def rank(c: Checker) -> tuple:
        mod = c.check.__module__.rsplit(".", 1)[-1]
        return (_FIRST.index(mod) if mod in _FIRST else len(_FIRST), mod)

    return tuple(sorted(_REGISTRY, key=rank))  # stable: definition order within a module


def _run(chk: Checker, ctx: Context) -> list[Finding]:
    out = list(chk.check(ctx))
    wrong = {f.code for f in out} - chk.codes
    if wrong:  # a checker may only emit what it declared: the catalogue stays the one truth
        raise AssertionError(f"{chk.name} produced undeclared codes {sorted(wrong)}")
    return out


def run(
    al: Alignment, *, probe: Optional[dict] = None, nested: bool = False, plugins: Sequence[Checker] = ()
) -> list[Finding]:
    """All findings for an aligned pair, combined and ordered (most explanatory first)."""
    every = [c for c in (*checkers(), *plugins) if not (nested and c.top_only)]
    ctx = Context(al, probe=probe, nested=nested)
    first: list[Finding] = []
    for chk in every:
        if not chk.after:
            first += _run(chk, ctx)
    ctx.earlier = tuple(first)
    later: list[Finding] = []
    for chk in every:
        if chk.after:
            later += _run(chk, ctx)
    return combine(ctx, first, later)


def diff_graphs(a: Graph, b: Graph, nested: bool = False, plugins: Sequence[Checker] = ()) -> list[Finding]:
    """Align and run every rule: the findings for A vs B, most explanatory first."""
    return run(align(a, b), nested=nested, plugins=plugins)


__all__ = [
    "checker",
    "make_checker",
    "checkers",
    "run",
    "diff_graphs",
    "order_findings",
    "Checker",
    "Context",
    "Finding",
]

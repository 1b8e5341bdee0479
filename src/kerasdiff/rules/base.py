"""Finding type, the rule context, and value formatting shared by all rules."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

from kerasdiff import catalog
from kerasdiff.align import Alignment
from kerasdiff.graph import Graph


DETAIL_FIELDS = ("a_path", "b_path", "attribute", "a_value", "b_value", "a_source", "b_source")


@dataclass(frozen=True)
class Finding:
    """One explained difference. Fields mirror the JSON contract of DESIGN.md."""

    code: str
    kind: str
    severity: str
    title: str
    a_path: str
    b_path: str
    attribute: str
    a_value: Any
    b_value: Any
    message: str
    why: str
    fix: str
    a_source: Optional[str] = None
    b_source: Optional[str] = None
    consequences: tuple[str, ...] = ()
    # One grouped finding's per-layer rows: (a_path, b_path, attribute, a_value, b_value,
    # a_source, b_source). Empty for a finding about one place.
    details: tuple[tuple, ...] = ()
    related: tuple[str, ...] = ()  # codes of the concrete findings this one explains (and holds)
    score: float = 0.0          # how much of the divergence it explains (ordering only)
    position: int = 0           # upstream first among equals
    anchors_a: tuple[str, ...] = field(default=(), compare=False)  # call keys / "in:i" it sits on
    anchors_b: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict:
        return {
            "code": self.code, "kind": self.kind, "severity": self.severity, "title": self.title,
            "a_path": self.a_path, "b_path": self.b_path, "attribute": self.attribute,
            "a_value": self.a_value, "b_value": self.b_value, "message": self.message,
            "why": self.why, "fix": self.fix, "a_source": self.a_source, "b_source": self.b_source,
            "consequences": list(self.consequences),
            "details": [dict(zip(DETAIL_FIELDS, d)) for d in self.details],
            "related": list(self.related),
        }


@dataclass
class Context:
    a: Graph
    b: Graph
    al: Alignment
    a_pos: dict = field(default_factory=dict)  # call key -> index in A's canonical order
    b_pos: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.a_pos = {k: i for i, k in enumerate(self.al.a_order)}
        self.b_pos = {k: i for i, k in enumerate(self.al.b_order)}
        self.a_calls_of: dict[str, list[str]] = {}
        for k in self.al.a_order:
            self.a_calls_of.setdefault(self.a.call_map()[k].layer, []).append(k)
        self.b_calls_of: dict[str, list[str]] = {}
        for k in self.al.b_order:
            self.b_calls_of.setdefault(self.b.call_map()[k].layer, []).append(k)


class _Lit(str):
    """A value in a fix template: `{v}` reads as shown, `{v!r}` as the Python literal to type."""

    def __new__(cls, v: Any) -> "_Lit":
        obj = str.__new__(cls, show(short(v)))
        obj.literal = repr(v) if isinstance(v, str) else show(short(v))  # type: ignore[attr-defined]
        return obj

    def __repr__(self) -> str:
        return self.literal  # type: ignore[attr-defined]


def short(v: Any) -> Any:
    """Floats at 6 significant digits, for reading (never for comparing)."""
    if isinstance(v, float):
        return float(f"{v:.6g}")
    if isinstance(v, dict):
        return {k: short(x) for k, x in v.items()}
    if isinstance(v, list):
        return [short(x) for x in v]
    return v


class _Safe(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def make(code: str, *, a_path: str, b_path: str, attribute: str, a_value: Any, b_value: Any,
         message: str, a_source: Optional[str] = None, b_source: Optional[str] = None,
         position: int = 0, anchors_a: tuple = (), anchors_b: tuple = (), score: float = 0.0,
         consequences: tuple = ()) -> Finding:
    """Build a finding; kind, severity, title, why and fix come from the catalogue only."""
    rule = catalog.get(code)
    fields_ = {"a_path": a_path, "b_path": b_path, "attribute": attribute,
               "a_value": _Lit(a_value), "b_value": _Lit(b_value)}
    try:
        fix = rule.fix.format_map(_Safe(fields_))
    except (ValueError, KeyError, IndexError):
        fix = rule.fix
    fix = fix.replace("'None'", "None")
    return Finding(code, rule.kind, rule.severity, rule.title, a_path, b_path, attribute,
                   a_value, b_value, message, rule.why, fix, a_source, b_source,
                   tuple(consequences), (), (), score, position, tuple(anchors_a), tuple(anchors_b))


def show(v: Any) -> str:
    """Compact, human form of a normalized config value."""
    if isinstance(v, dict):
        if "callable" in v:
            src = v.get("source")
            acts = f" (acts as {show(v['acts_as'])})" if v.get("acts_as") else ""
            return f"{v['callable']}" + (f" [source {src[:7]}]" if src else "") + acts
        if "class" in v:
            cfg = v.get("config")
            inner = ""
            if isinstance(cfg, dict):
                inner = ", ".join(f"{k}={show(x)}" for k, x in cfg.items()
                                  if x is not None and k not in ("input_axes", "output_axes"))
            src = v.get("source")
            return f"{v['class']}({inner})" + (f" [source {src[:7]}]" if src else "")
        return "{" + ", ".join(f"{k}: {show(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "(" + ", ".join(show(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, float):
        return repr(v)
    if v is None:
        return "None"
    return str(v)


def same(x: Any, y: Any) -> bool:
    """Config equality: numbers compare by value (1 == 1.0), containers element-wise."""
    if isinstance(x, bool) or isinstance(y, bool):
        return x is y or x == y
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        return x == y or math.isclose(x, y, rel_tol=1e-9, abs_tol=0.0)
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return len(x) == len(y) and all(same(p, q) for p, q in zip(x, y))
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
    return x == y


def more(first: str, rest: list, named: int = 3) -> str:
    """'dense (+2 more: dense_1, dense_2)': one path standing for several."""
    if not rest:
        return first
    shown = ", ".join(rest[:named]) + (", ..." if len(rest) > named else "")
    return f"{first} (+{len(rest)} more: {shown})"


def fmt_int(n: Optional[int]) -> str:
    return "?" if n is None else f"{n:,}"

"""The Finding value and the formatting of config values, shared by rules and report formats.

A finding's kind, severity, title, why and fix come from its catalogue entry only (`make`); the
fix is the entry's template filled with the finding's fields, so `kerasdiff rules` and every
report say the same thing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from kerasdiff import catalog

DETAIL_FIELDS = ("a_path", "b_path", "attribute", "a_value", "b_value", "a_source", "b_source")


@dataclass(frozen=True)
class Finding:
    """One explained difference. Fields mirror the JSON report (README.md)."""

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
    score: float = 0.0  # how much of the divergence it explains (ordering only)
    position: int = 0  # upstream first among equals
    anchors_a: tuple[str, ...] = field(default=(), compare=False)  # call keys / "in:i" it sits on
    anchors_b: tuple[str, ...] = field(default=(), compare=False)
    # The values the fix template was filled with (refilled when findings are grouped).
    params: tuple[tuple[str, Any], ...] = field(default=(), compare=False)
    # A framework-semantics finding: the concrete findings it explains, as (code, a_path,
    # attribute); they become its rows (combine.absorb), more precise than `absorbed_by`.
    explains: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "kind": self.kind,
            "severity": self.severity,
            "title": self.title,
            "a_path": self.a_path,
            "b_path": self.b_path,
            "attribute": self.attribute,
            "a_value": self.a_value,
            "b_value": self.b_value,
            "message": self.message,
            "why": self.why,
            "fix": self.fix,
            "a_source": self.a_source,
            "b_source": self.b_source,
            "consequences": list(self.consequences),
            "details": [dict(zip(DETAIL_FIELDS, d)) for d in self.details],
            "related": list(self.related),
        }

    def refill(self, **fields: Any) -> Finding:
        """The same finding with some template fields changed, the fix filled in again."""
        values = {
            "a_path": self.a_path,
            "b_path": self.b_path,
            "attribute": self.attribute,
            "a_value": self.a_value,
            "b_value": self.b_value,
            **dict(self.params),
        }
        values.update(fields)
        extra = {k: v for k, v in values.items() if k not in _FIELDS}
        return replace(self, fix=fill(self.code, values), params=tuple(sorted(extra.items())))


_FIELDS = ("a_path", "b_path", "attribute", "a_value", "b_value")


class _Lit(str):
    """A value in a fix template: `{v}` reads as shown, `{v!r}` as the Python literal to type."""

    literal: str

    def __new__(cls, v: Any) -> _Lit:
        obj = str.__new__(cls, show(short(v)))
        obj.literal = repr(v) if isinstance(v, str) else show(short(v))
        return obj

    def __repr__(self) -> str:
        return self.literal


class _Safe(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(code: str, values: dict) -> str:
    """The catalogue's fix template of `code` filled with `values`."""
    rule = catalog.get(code)
    fields_ = {k: (_Lit(v) if k in ("a_value", "b_value") else v) for k, v in values.items()}
    for k in catalog.OPTIONAL_FIELDS:
        fields_.setdefault(k, "")
    try:
        fix = rule.fix.format_map(_Safe(fields_))
    except (ValueError, KeyError, IndexError):
        fix = rule.fix
    return fix.replace("'None'", "None")


def make(
    code: str,
    *,
    a_path: str,
    b_path: str,
    attribute: str,
    a_value: Any,
    b_value: Any,
    message: str,
    a_source: Optional[str] = None,
    b_source: Optional[str] = None,
    position: int = 0,
    anchors_a: tuple = (),
    anchors_b: tuple = (),
    score: float = 0.0,
    consequences: tuple = (),
    details: tuple = (),
    related: tuple = (),
    explains: tuple = (),
    **params: Any,
) -> Finding:
    """Build a finding; kind, severity, title, why and fix come from the catalogue only.
    `params` are the extra fields of the fix template (e.g. `new_optimizer`)."""
    rule = catalog.get(code)
    values = {
        "a_path": a_path,
        "b_path": b_path,
        "attribute": attribute,
        "a_value": a_value,
        "b_value": b_value,
        **params,
    }
    return Finding(
        code,
        rule.kind,
        rule.severity,
        rule.title,
        a_path,
        b_path,
        attribute,
        a_value,
        b_value,
        message,
        rule.why,
        fill(code, values),
        a_source,
        b_source,
        tuple(consequences),
        tuple(details),
        tuple(related),
        score,
        position,
        tuple(anchors_a),
        tuple(anchors_b),
        tuple(sorted(params.items())),
        tuple(explains),
    )


def short(v: Any) -> Any:
    """Floats at 6 significant digits, for reading (never for comparing)."""
    if isinstance(v, float):
        return float(f"{v:.6g}")
    if isinstance(v, dict):
        return {k: short(x) for k, x in v.items()}
    if isinstance(v, list):
        return [short(x) for x in v]
    return v


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
                inner = ", ".join(
                    f"{k}={show(x)}"
                    for k, x in cfg.items()
                    if x is not None and k not in ("input_axes", "output_axes")
                )
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
        # A key one version's config has and the other's lacks, set to None, is the same
        # "not set" (Keras 3.15 added input_axes=None to GlorotUniform's config).
        keys = set(x) | set(y)
        return all(
            same(x[k], y[k]) if k in x and k in y else (x.get(k) is None and y.get(k) is None) for k in keys
        )
    return bool(x == y)


def more(first: str, rest: list, named: int = 3) -> str:
    """'dense (+2 more: dense_1, dense_2)': one path standing for several."""
    if not rest:
        return first
    shown = ", ".join(rest[:named]) + (", ..." if len(rest) > named else "")
    return f"{first} (+{len(rest)} more: {shown})"


def fmt_int(n: Optional[int]) -> str:
    return "?" if n is None else f"{n:,}"


__all__ = ["Finding", "make", "fill", "show", "short", "same", "more", "fmt_int", "DETAIL_FIELDS"]

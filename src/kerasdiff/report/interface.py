"""What every report format receives, and the closed set of formats."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional

from kerasdiff.findings import Finding, show
from kerasdiff.graph import Graph

SCHEMA_VERSION = 1


class Format(str, enum.Enum):
    """Every --format value: the one list (the CLI's choices come from here)."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"
    HTML = "html"


@dataclass(frozen=True)
class Report:
    """The outcome of one comparison, ready to render."""

    a: Graph
    b: Graph
    findings: tuple[Finding, ...]
    fail_on: str = "error"
    ignored: int = 0
    timings: dict = field(default_factory=dict)
    probe: Optional[dict] = None
    baseline: Optional[dict] = None  # kerasdiff.baseline.Outcome.to_dict() under --baseline
    # the alignment's matched calls in A's canonical order, gaps as None (the HTML view's rows)
    rows: tuple[tuple[Optional[str], Optional[str]], ...] = ()

    def baseline_lines(self) -> list[str]:
        """What the baseline did, in plain sentences (every format shows them)."""
        if self.baseline is None:
            return []
        b = self.baseline
        lines = [f"{b['hidden']} known finding(s) hidden by the baseline {b['file']}"]
        stale = b.get("stale") or []
        if stale:
            shown = "; ".join(f"{e.get('code')} {e.get('message')}" for e in stale[:3])
            lines.append(
                f"{len(stale)} baseline entr{'y' if len(stale) == 1 else 'ies'} no longer found "
                f"(fixed, or moved: write the baseline again to drop {'it' if len(stale) == 1 else 'them'}): "
                f"{shown}{'; ...' if len(stale) > 3 else ''}"
            )
        return lines

    @property
    def failing(self) -> tuple[Finding, ...]:
        from kerasdiff.catalog import SEVERITY_RANK

        if self.fail_on == "never":
            return ()
        limit = SEVERITY_RANK[self.fail_on]
        return tuple(f for f in self.findings if SEVERITY_RANK[f.severity] <= limit)

    @property
    def equivalent(self) -> bool:
        return not self.failing

    def counts(self) -> dict:
        c = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            c[f.severity] += 1
        return c

    def verdict(self) -> str:
        c = self.counts()
        parts = [
            f"{c['error']} error{'s' if c['error'] != 1 else ''}",
            f"{c['warning']} warning{'s' if c['warning'] != 1 else ''}",
            f"{c['info']} info",
        ]
        word = "EQUIVALENT" if self.equivalent else "DIVERGENT"
        head = ""
        if self.findings and not self.equivalent:
            top = self.failing[0]
            where = top.a_path if not top.a_path.startswith("(") else top.b_path
            if where.startswith("("):  # "(model)", "(outputs)": the setting says more
                where = top.attribute or where.strip("()")
            where = where.split(" (+")[0]
            where = where if len(where) <= 40 else where[:37] + "..."
            head = f" - first: {top.code} {_lower_first(top.title)} ({where})"
        return f"{word}: {', '.join(parts)}{head}"


def source_location(src: Optional[str]) -> tuple[Optional[str], Optional[int]]:
    """'path/to/file.py:12' -> ('path/to/file.py', 12); anything else -> (src or None, None)."""
    if not src:
        return None, None
    path, sep, line = src.rpartition(":")
    if sep and line.isdigit():
        return path, int(line)
    return src, None


def spec_file(g: Graph) -> str:
    """The file part of a model spec (`x.py:NAME` -> `x.py`)."""
    spec = g.spec or ""
    head, sep, tail = spec.rpartition(":")
    if sep and head.endswith(".py") and tail.isidentifier():
        return head
    return spec


def primary_location(report: Report, f: Finding) -> tuple[str, Optional[int], str]:
    """Where a finding points: B's source line (the side usually being changed; for a grouped
    finding its first row's), else A's, else B's (or A's) file without a line.
    Returns (file, line or None, side)."""
    rows_b = [(d[6], "B") for d in f.details]
    rows_a = [(d[5], "A") for d in f.details]
    for src, side in ((f.b_source, "B"), *rows_b, (f.a_source, "A"), *rows_a):
        path, line = source_location(src)
        if path:
            return path, line, side
    return spec_file(report.b) or spec_file(report.a), None, "B"


def finding_lines(f: Finding) -> list[str]:
    """A finding as plain lines: message, A/B values and paths, consequences (no why/fix)."""
    out = [f.message]
    if f.details:
        for a_path, b_path, attr, a_value, b_value, a_src, b_src in f.details:
            out.append(f"A {a_path}.{attr} = {show(a_value)}" + (f" ({a_src})" if a_src else ""))
            out.append(f"B {b_path}.{attr} = {show(b_value)}" + (f" ({b_src})" if b_src else ""))
    elif f.kind != "framework-semantics":
        out.append(f"A {f.a_path}: {show(f.a_value)}" + (f" ({f.a_source})" if f.a_source else ""))
        out.append(f"B {f.b_path}: {show(f.b_value)}" + (f" ({f.b_source})" if f.b_source else ""))
    out += [f"effect: {c}" for c in f.consequences]
    return out


def model_summary(g: Graph) -> dict:
    return {
        "spec": g.spec,
        "name": g.name,
        "class": g.cls,
        "framework": g.framework,
        "params": g.total_params(),
        "layers": len(g.layers),
        "env": dict(g.env),
    }


def _lower_first(title: str) -> str:
    """'Layer setting differs' -> 'layer setting differs'; names keep their case (PyTorch, BatchNorm)."""
    word = title.split(" ", 1)[0]
    return title if any(c.isupper() for c in word[1:]) else title[:1].lower() + title[1:]

"""What every report format receives, and the closed set of formats."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional

from kerasdiff.graph import Graph
from kerasdiff.rules.base import Finding

SCHEMA_VERSION = 1


class Format(str, enum.Enum):
    """Every --format value DESIGN.md names; formats not built yet say so (exit 2)."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"


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
        parts = [f"{c['error']} error{'s' if c['error'] != 1 else ''}",
                 f"{c['warning']} warning{'s' if c['warning'] != 1 else ''}",
                 f"{c['info']} info"]
        word = "EQUIVALENT" if self.equivalent else "DIVERGENT"
        head = ""
        if self.findings and not self.equivalent:
            top = self.failing[0]
            where = top.a_path if not top.a_path.startswith("(") else top.b_path
            where = where if len(where) <= 40 else where[:37] + "..."
            head = f" - first: {top.code} {top.title[:1].lower() + top.title[1:]} at {where}"
        return f"{word}: {', '.join(parts)}{head}"


def model_summary(g: Graph) -> dict:
    return {"spec": g.spec, "name": g.name, "class": g.cls, "framework": g.framework,
            "params": g.total_params(), "layers": len(g.layers)}

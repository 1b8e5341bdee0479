"""Reporting stage: render a Report in one of the formats; formats return strings."""

from __future__ import annotations

from typing import Callable

from kerasdiff.report import github, html, json_format, junit, markdown, sarif, text
from kerasdiff.report.interface import Format, Report

# Every Format has exactly one renderer (tests check the table is exhaustive).
RENDERERS: dict[Format, Callable[..., str]] = {
    Format.TEXT: text.render,
    Format.JSON: json_format.render,
    Format.MARKDOWN: markdown.render,
    Format.SARIF: sarif.render,
    Format.JUNIT: junit.render,
    Format.GITHUB: github.render,
    Format.HTML: html.render,
}
IMPLEMENTED = set(RENDERERS)


def render(
    report: Report,
    fmt: Format,
    *,
    color: bool = False,
    width: int = 100,
    timings: bool = False,
    quiet: bool = False,
) -> str:
    if quiet and fmt is Format.TEXT:
        return text.render_quiet(report)
    if fmt is Format.TEXT:
        return text.render(report, color=color, width=width, timings=timings)
    return RENDERERS[fmt](report)


__all__ = ["Format", "Report", "render", "IMPLEMENTED", "RENDERERS"]

"""Reporting stage: render a Report in one of the formats; formats return strings."""

from __future__ import annotations

from kerasdiff.errors import KerasdiffError
from kerasdiff.report import json_format, text
from kerasdiff.report.interface import Format, Report

IMPLEMENTED = {Format.TEXT, Format.JSON}


def render(report: Report, fmt: Format, *, color: bool = False, width: int = 100,
           timings: bool = False, quiet: bool = False) -> str:
    if fmt not in IMPLEMENTED:
        raise KerasdiffError("", f"--format {fmt.value} is not available yet",
                             "use --format text or --format json")
    if fmt is Format.JSON:
        return json_format.render(report)
    if quiet:
        return text.render_quiet(report)
    return text.render(report, color=color, width=width, timings=timings)


__all__ = ["Format", "Report", "render", "IMPLEMENTED"]

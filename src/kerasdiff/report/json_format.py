"""JSON report exactly per DESIGN.md (schema_version, equivalent, a, b, findings, probe, timings)."""

from __future__ import annotations

import json

from kerasdiff.report.interface import SCHEMA_VERSION, Report, model_summary

TIMING_KEYS = ("load_a", "load_b", "extract", "align", "diff", "probe", "report")


def render(report: Report, color: bool = False, width: int = 100) -> str:
    timings = {k: round(float(report.timings.get(k, 0.0)), 6) for k in TIMING_KEYS}
    doc = {
        "schema_version": SCHEMA_VERSION,
        "equivalent": report.equivalent,
        "fail_on": report.fail_on,
        "a": model_summary(report.a),
        "b": model_summary(report.b),
        "findings": [f.to_dict() for f in report.findings],
        "ignored": report.ignored,
        "probe": report.probe,
        "timings": timings,
    }
    return json.dumps(doc, indent=2, default=str) + "\n"

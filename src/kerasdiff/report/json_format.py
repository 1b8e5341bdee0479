"""JSON report: the fixed fields tools parse (schema_version 1; see README.md, Formats)."""

from __future__ import annotations

import json
import time

from kerasdiff import __version__
from kerasdiff.baseline import fingerprints
from kerasdiff.report.interface import SCHEMA_VERSION, Report, model_summary

TIMING_KEYS = ("load_a", "load_b", "extract", "align", "diff", "probe", "report")


def render(report: Report, color: bool = False, width: int = 100) -> str:
    started = time.perf_counter()
    doc = {
        "schema_version": SCHEMA_VERSION,
        "kerasdiff_version": __version__,
        "equivalent": report.equivalent,
        "fail_on": report.fail_on,
        "a": model_summary(report.a),
        "b": model_summary(report.b),
        "findings": [
            {**f.to_dict(), "fingerprint": fp}
            for f, fp in zip(report.findings, fingerprints(report.findings, report.a, report.b))
        ],
        "ignored": report.ignored,
        "baseline": report.baseline,
        "probe": report.probe,
    }
    # "report" is this rendering itself (everything but the final dump).
    measured = {**report.timings, "report": time.perf_counter() - started}
    doc["timings"] = {k: round(float(measured.get(k, 0.0)), 6) for k in TIMING_KEYS}
    return json.dumps(doc, indent=2, default=str) + "\n"

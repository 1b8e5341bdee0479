"""The pipeline in one place: load -> extract -> align -> rules -> Report (no rendering here)."""

from __future__ import annotations

import time
from typing import Iterable

from kerasdiff import catalog
from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Graph
from kerasdiff.report.interface import Report


def ignored_codes(tokens: Iterable[str]) -> set[str]:
    codes: set[str] = set()
    for tok in tokens:
        for part in tok.split(","):
            if not part.strip():
                continue
            hit = catalog.codes_matching(part)
            if not hit:
                raise KerasdiffError("--ignore", f"unknown code or kind '{part.strip()}'",
                                     "see `kerasdiff rules` for codes; kinds: " + ", ".join(catalog.KINDS))
            codes |= hit
    return codes


def compare_graphs(a: Graph, b: Graph, *, fail_on: str = "error", ignore: Iterable[str] = (),
                   timings: dict | None = None) -> Report:
    from kerasdiff.rules import diff_graphs

    timings = dict(timings or {})
    skip = ignored_codes(ignore)
    if a.framework == "sklearn" or b.framework == "sklearn":
        from kerasdiff.load.sklearn_loader import complete_with

        # An unfitted estimator never called fit(): its input width comes from the Keras side.
        a, b = complete_with(a, b), complete_with(b, a)
    findings = diff_graphs(a, b, timings=timings)
    kept = tuple(f for f in findings if f.code not in skip)
    return Report(a, b, kept, fail_on=fail_on, ignored=len(findings) - len(kept), timings=timings)


def compare_specs(spec_a: str, spec_b: str, *, fail_on: str = "error", ignore: Iterable[str] = (),
                  timeout: float = 300.0, run_fit: bool = False) -> tuple[Report, dict]:
    """Load both specs (isolated workers) and compare them; returns the report and script output."""
    from kerasdiff.load import load_pair, parse_spec

    ignored_codes(ignore)  # fail fast on a typo, before paying for TensorFlow
    a, b = parse_spec(spec_a), parse_spec(spec_b)
    loaded = load_pair(a, b, timeout=timeout, run_fit=run_fit)
    t = dict(loaded.timings)
    report = compare_graphs(loaded.a, loaded.b, fail_on=fail_on, ignore=ignore, timings=t)
    t0 = time.perf_counter()
    return report, {"output": loaded.output, "t0": t0}

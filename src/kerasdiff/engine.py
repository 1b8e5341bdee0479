"""The pipeline in one place: load -> extract -> align -> rules -> Report (no rendering here)."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Iterable, Optional

from kerasdiff import catalog
from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Graph
from kerasdiff.report.interface import Report
from kerasdiff.settings import Settings


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


def _origin(g: Graph, key: object) -> str | None:
    layer = g.layer_map().get(str(key)) if key else None
    return layer.origin if layer is not None else None


def with_probe(report: Report, probe: dict, ignore: Iterable[str] = ()) -> Report:
    """Attach the probe's outcome; unexplained different outputs become a KD501 finding."""
    from kerasdiff.rules import order_findings
    from kerasdiff.rules.base import make
    from kerasdiff.rules.recipe import RECIPE_KINDS

    findings = list(report.findings)
    explained = any(f.severity == "error" and f.kind not in RECIPE_KINDS for f in findings)
    ignored = report.ignored
    if probe.get("ran") and not probe.get("equal") and not explained:
        first = probe.get("first_divergence") or {}
        mad = first.get("max_abs_diff")
        f = make("KD501", a_path=str(first.get("a_path", "")), b_path=str(first.get("b_path", "")),
                 attribute="output", a_value="A's outputs", b_value=f"max |diff| {mad:.3g}"
                 if isinstance(mad, float) else "different shape",
                 a_source=_origin(report.a, first.get("a_path")),
                 b_source=_origin(report.b, first.get("b_path")),
                 message=f"with A's weights copied into B, the outputs first differ at "
                         f"{first.get('a_path')} (A) / {first.get('b_path')} (B)"
                         + (f": max |diff| {mad:.3g}" if isinstance(mad, float) else ""),
                 score=50.0)
        if f.code in ignored_codes(ignore):
            ignored += 1
        else:
            findings = order_findings(findings + [f])
    return replace(report, findings=tuple(findings), probe=probe, ignored=ignored)


def compare_specs(spec_a: str, spec_b: str, settings: Optional[Settings] = None) -> tuple[Report, dict]:
    """Load both specs (isolated workers) and compare them; returns the report and script output."""
    from kerasdiff.load import load_pair, parse_spec

    st = settings or Settings()
    ignored_codes(st.ignore)  # fail fast on a typo, before paying for TensorFlow
    a, b = parse_spec(spec_a, st.limits), parse_spec(spec_b, st.limits)
    loaded = load_pair(a, b, timeout=st.timeout, run_fit=st.run_fit, keep=st.probe, limits=st.limits)
    try:
        t = dict(loaded.timings)
        report = compare_graphs(loaded.a, loaded.b, fail_on=st.fail_on, ignore=st.ignore, timings=t)
        if st.probe and loaded.session is not None:
            from kerasdiff import probe as probe_mod

            t0 = time.perf_counter()
            try:
                result = probe_mod.run(loaded.session, loaded.a, loaded.b,
                                       atol=probe_mod.DEFAULT_ATOL if st.atol is None else st.atol,
                                       rtol=probe_mod.DEFAULT_RTOL if st.rtol is None else st.rtol)
            except KerasdiffError as exc:  # the diff stands; the probe says why it has no answer
                result = probe_mod.not_run(exc.line().removeprefix("kerasdiff: "))
            t["probe"] = time.perf_counter() - t0
            report = with_probe(report, result, st.ignore)
            report = replace(report, timings={**report.timings, **t})
    finally:
        if loaded.session is not None:
            loaded.session.close()
    return report, {"output": loaded.output}

"""The pipeline, one value per stage: specs -> loaded sides -> Graph pair -> Alignment -> (probe)
-> findings -> Report. Rendering is the caller's (one renderer per format, kerasdiff.report)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Iterable, Optional

from kerasdiff import catalog
from kerasdiff.align import Alignment, align
from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Graph
from kerasdiff.report.interface import Report
from kerasdiff.settings import Settings

if TYPE_CHECKING:
    from kerasdiff.load.forkserver import ForkServers


def ignored_codes(tokens: Iterable[str]) -> set[str]:
    codes: set[str] = set()
    for tok in tokens:
        for part in tok.split(","):
            if not part.strip():
                continue
            hit = catalog.codes_matching(part)
            if not hit:
                raise KerasdiffError(
                    "--ignore",
                    f"unknown code or kind '{part.strip()}'",
                    "see `kerasdiff rules` for codes; kinds: " + ", ".join(catalog.KINDS),
                )
            codes |= hit
    return codes


def complete(a: Graph, b: Graph) -> tuple[Graph, Graph]:
    """The Graph pair: each side completed with what only the other side knows."""
    from kerasdiff.load.registry import complete as complete_pair

    return complete_pair(a, b)


def findings_of(al: Alignment, probe: Optional[dict] = None) -> list:
    """Every rule on the aligned pair, the frameworks' own rules included."""
    from kerasdiff import rules
    from kerasdiff.load.registry import checkers_for

    return rules.run(al, probe=probe, plugins=checkers_for(al.raw_a, al.raw_b))


def report_of(
    al: Alignment,
    findings: list,
    *,
    fail_on: str = "error",
    ignore: Iterable[str] = (),
    probe: Optional[dict] = None,
    timings: Optional[dict] = None,
) -> Report:
    skip = ignored_codes(ignore)
    kept = tuple(f for f in findings if f.code not in skip)
    return Report(
        al.raw_a,
        al.raw_b,
        kept,
        fail_on=fail_on,
        ignored=len(findings) - len(kept),
        timings=dict(timings or {}),
        probe=probe,
        rows=al.pairs,
    )


def compare_graphs(
    a: Graph, b: Graph, *, fail_on: str = "error", ignore: Iterable[str] = (), probe: Optional[dict] = None
) -> Report:
    """Two graphs already loaded (tests, tools): the same pipeline without the loading."""
    ignored_codes(ignore)
    a, b = complete(a, b)
    al = align(a, b)
    return report_of(al, findings_of(al, probe), fail_on=fail_on, ignore=ignore, probe=probe)


def probe_reason(a: Graph, b: Graph) -> Optional[str]:
    """Why --probe cannot run these two models, or None."""
    from kerasdiff.load.registry import of

    for g in (a, b):
        fw = of(g)
        if fw is None or not fw.can_probe:
            return f"the probe cannot run {fw.label if fw else 'a model without a framework'}"
    return None


def compare_specs(
    spec_a: str, spec_b: str, settings: Optional[Settings] = None, servers: Optional[ForkServers] = None
) -> tuple[Report, dict]:
    """Load both specs (isolated workers) and compare them; returns the report and script output.
    servers: a kerasdiff.load.forkserver.ForkServers to fork the workers from (many pairs)."""
    from kerasdiff import baseline
    from kerasdiff.load import load_pair, parse_spec
    from kerasdiff.load.registry import of as framework_of

    st = settings or Settings()
    ignored_codes(st.ignore)  # fail fast on a typo, before paying for TensorFlow
    # a baseline that cannot be read, or written, fails before TensorFlow too
    entries = baseline.read(st.baseline) if st.baseline and not st.write_baseline else None
    baseline.check_path(st.write_baseline)
    specs = parse_spec(spec_a, st.limits), parse_spec(spec_b, st.limits)
    loaded = load_pair(
        *specs, timeout=st.timeout, run_fit=st.run_fit, keep=st.probe, limits=st.limits, servers=servers
    )
    try:
        for spec, g in zip(specs, (loaded.a, loaded.b)):
            fw = framework_of(g)
            if spec.env and (fw is None or spec.env not in fw.environments):
                what = "Keras 2 (tf_keras)" if spec.env == "keras2" else "Keras 3 on that backend"
                raise KerasdiffError(
                    spec.shown,
                    f"@{spec.env} runs {what}, but the script's model is "
                    f"{fw.label if fw else 'not a Keras model'}",
                    "drop the suffix: an environment suffix is for Keras scripts",
                )
        timings = dict(loaded.timings)
        a, b = complete(loaded.a, loaded.b)
        t0 = time.perf_counter()
        al = align(a, b)
        timings["align"] = time.perf_counter() - t0
        probe = None
        if st.probe:
            probe = _probe(loaded.session, al, st)
            timings["probe"] = probe.pop("seconds")
        t0 = time.perf_counter()
        found = findings_of(al, probe)
        timings["diff"] = time.perf_counter() - t0
        report = report_of(al, found, fail_on=st.fail_on, ignore=st.ignore, probe=probe, timings=timings)
        if st.write_baseline:
            # recorded, then applied: the run that writes the baseline shows what it hid
            baseline.write(st.write_baseline, report.findings, report.a, report.b)
            entries = baseline.read(st.write_baseline)
        if entries is not None:
            report = baseline.apply(report, entries, st.write_baseline or st.baseline or "")
    finally:
        if loaded.session is not None:
            loaded.session.close()
    return report, {"output": loaded.output}


def _probe(session: object, al: Alignment, st: Settings) -> dict:
    """The behavioural check on the comparison's alignment; never fails the comparison."""
    from kerasdiff import probe as probe_mod

    t0 = time.perf_counter()
    reason = probe_reason(al.raw_a, al.raw_b)
    if reason is not None or session is None:
        result = probe_mod.not_run(reason or "the models are not loaded")
    else:
        try:
            result = probe_mod.run(
                session,
                al,
                atol=probe_mod.DEFAULT_ATOL if st.atol is None else st.atol,
                rtol=probe_mod.DEFAULT_RTOL if st.rtol is None else st.rtol,
                train=st.probe_train,
            )
        except KerasdiffError as exc:  # the diff stands; the probe says why it has no answer
            result = probe_mod.not_run(exc.line().removeprefix("kerasdiff: "))
    return {**result, "seconds": time.perf_counter() - t0}

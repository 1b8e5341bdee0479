"""JUnit XML: one test case per finding (a failure at or above --fail-on), so CI dashboards list them."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from kerasdiff.catalog import SEVERITY_RANK
from kerasdiff.report.interface import Report, finding_lines
from kerasdiff.sanitize import xml


def render(report: Report, color: bool = False, width: int = 100) -> str:
    return render_many([(None, report, None)])


def render_many(items: list) -> str:
    """One <testsuites> with a <testsuite> per (name, report, error) (--pairs: one per pair)."""
    suites = ET.Element("testsuites", name="kerasdiff")
    for name, report, error in items:
        if report is not None:
            _suite(suites, report, name)
        else:
            suite = ET.SubElement(
                suites,
                "testsuite",
                name=xml(f"kerasdiff {name}"),
                tests="1",
                failures="0",
                errors="1",
                skipped="0",
                time="0",
            )
            case = ET.SubElement(suite, "testcase", classname="kerasdiff", name=xml(str(name)), time="0")
            err = ET.SubElement(
                case, "error", type="trouble", message=xml(error.line() if error else "failed")
            )
            err.text = xml(error.line() if error else "failed")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _suite(suites: ET.Element, report: Report, name: object = None) -> None:
    limit = SEVERITY_RANK.get(report.fail_on, -1)
    # Every string may come from a model file: xml() keeps the document well-formed.
    suite_name = xml(f"kerasdiff {name or f'{report.a.spec} vs {report.b.spec}'}")
    total = sum(float(v) for v in report.timings.values())
    failing = [f for f in report.findings if SEVERITY_RANK[f.severity] <= limit]
    cases = list(report.findings)
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=suite_name,
        tests=str(max(1, len(cases))),
        failures=str(len(failing)),
        errors="0",
        skipped="0",
        time=f"{total:.3f}",
    )
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="verdict", value=xml(report.verdict()))
    ET.SubElement(props, "property", name="fail_on", value=report.fail_on)
    if not cases:
        ET.SubElement(suite, "testcase", classname="kerasdiff", name="models are equivalent", time="0")
    for n, f in enumerate(cases, 1):
        where = f.a_path if f.a_path == f.b_path else f"{f.a_path} -> {f.b_path}"
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"kerasdiff.{f.kind}",
            name=xml(f"{n:02d} {f.code} {f.title} at {where}"),
            time="0",
        )
        text = xml("\n".join(finding_lines(f) + [f"why: {f.why}", f"fix: {f.fix}"]))
        if SEVERITY_RANK[f.severity] <= limit:
            fail = ET.SubElement(case, "failure", type=f"{f.code} {f.severity}", message=xml(f.message))
            fail.text = text
        else:
            out = ET.SubElement(case, "system-out")
            out.text = f"[{f.severity}] " + text

"""The catalogue is the only source of codes; reports render it faithfully (no TensorFlow here)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace

import pytest

from graphs import mlp, siamese
from kerasdiff import __version__, catalog
from kerasdiff.docs import render_markdown
from kerasdiff.engine import compare_graphs
from kerasdiff.errors import KerasdiffError
from kerasdiff.report import IMPLEMENTED, Format, render

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_codes_unique_and_well_formed():
    codes = [r.code for r in catalog.RULES]
    assert len(codes) == len(set(codes))
    assert not set(codes) & catalog.REMOVED
    for r in catalog.RULES:
        assert r.kind in catalog.KINDS and r.severity in catalog.SEVERITIES
        assert r.title and r.what and r.why and r.fix and r.example
        # only `fix` is a template: a field in the other texts would be printed as "{field}"
        assert not re.search(r"\{[a-z_]+(![rs])?\}", r.title + r.what + r.why), r.code


def test_codes_page_is_generated_from_the_catalogue():
    with open(os.path.join(ROOT, "docs", "codes.md"), encoding="utf-8") as fh:
        assert fh.read() == render_markdown(), "run: python -m kerasdiff.docs docs/codes.md"


def test_codes_are_only_defined_in_catalogue():
    src = os.path.join(ROOT, "src", "kerasdiff")
    import re

    for dirpath, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".py") or name == "catalog.py":
                continue
            with open(os.path.join(dirpath, name), encoding="utf-8") as fh:
                text = fh.read()
            for code in re.findall(r'"(KD\d{3})"', text):
                assert code in catalog.BY_CODE, f"{name} uses undeclared code {code}"


def test_every_format_has_a_renderer():
    """The closed set of formats is exhaustive: each renders a divergent and an empty report."""
    assert set(Format) == IMPLEMENTED
    for report in (compare_graphs(mlp(), mlp("relu")), compare_graphs(mlp(), mlp())):
        for fmt in Format:
            out = render(report, fmt)
            assert out.endswith("\n") and out.strip(), fmt


def _he_everywhere():
    from graphs import chain, dense

    he = {"class": "HeNormal", "config": {"seed": None}}
    return chain(
        *[
            dense(k, u, act, fi, kernel_initializer=he)
            for k, u, act, fi in (
                ("dense", 8, "relu", 3),
                ("dense_1", 8, "relu", 8),
                ("dense_2", 5, "linear", 8),
            )
        ]
    )


def test_markdown_report():
    out = render(compare_graphs(mlp(), mlp("relu")), Format.MARKDOWN)
    assert out.startswith("## kerasdiff: **DIVERGENT**: 1 error")
    assert "| 1 | KD101 | error | activation | Activation differs | linear | relu | `model.py:7` |" in out
    assert "<details><summary>1. KD101" in out and "**Why:**" in out and "**Fix:**" in out
    grouped = render(compare_graphs(mlp(), _he_everywhere()), Format.MARKDOWN)
    assert "| B | dense_2.kernel_initializer | HeNormal() | model.py:7 |" in grouped
    pipes = render(compare_graphs(mlp(), mlp(), fail_on="info"), Format.MARKDOWN)
    assert "No differences found" in pipes


def test_github_annotations_escape_and_respect_fail_on():
    report = compare_graphs(mlp(), mlp("relu"))
    lines = render(report, Format.GITHUB).splitlines()
    assert lines[0].startswith("::error file=model.py,line=7,title=kerasdiff KD101%3A Activation differs::")
    assert "\n" not in lines[0] and "%0Awhy: " in lines[0]
    assert lines[-1] == report.verdict()
    lenient = render(compare_graphs(mlp(), mlp("relu"), fail_on="never"), Format.GITHUB)
    assert lenient.startswith("::notice ")


def test_junit_report_is_valid_xml_with_failures():
    from xml.etree import ElementTree as ET

    root = ET.fromstring(render(compare_graphs(siamese(True), siamese(False)), Format.JUNIT))
    suite = root.find("testsuite")
    assert suite.get("failures") == "1" and suite.get("tests") == "1"
    case = suite.find("testcase")
    assert case.get("classname") == "kerasdiff.shared-layer" and "KD181" in case.get("name")
    assert "fix:" in case.find("failure").text
    ok = ET.fromstring(render(compare_graphs(mlp(), mlp()), Format.JUNIT)).find("testsuite")
    assert ok.get("failures") == "0" and ok.find("testcase").find("failure") is None


def test_sarif_report_shape():
    doc = json.loads(render(compare_graphs(mlp(), mlp("relu")), Format.SARIF))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["KD101"]
    res = run["results"][0]
    assert res["ruleId"] == "KD101" and res["ruleIndex"] == 0 and res["level"] == "error"
    loc = res["locations"][0]["physicalLocation"]
    assert loc == {"artifactLocation": {"uri": "model.py"}, "region": {"startLine": 7}}
    assert res["message"]["text"].startswith("Dense dense_2 (an output layer)")


def test_json_report_has_the_fixed_fields():
    report = replace(compare_graphs(mlp(), mlp("relu")), timings={"load_a": 1.0})
    doc = json.loads(render(report, Format.JSON))
    assert doc["schema_version"] == 1 and doc["equivalent"] is False and doc["probe"] is None
    assert doc["kerasdiff_version"] == __version__ and doc["timings"]["load_a"] == 1.0
    assert set(doc["a"]) == {"spec", "name", "class", "framework", "params", "layers", "env"}
    f = doc["findings"][0]
    for key in (
        "code",
        "kind",
        "severity",
        "title",
        "a_path",
        "b_path",
        "attribute",
        "a_value",
        "b_value",
        "message",
        "why",
        "fix",
    ):
        assert key in f
    assert (f["code"], f["kind"], f["a_value"], f["b_value"]) == ("KD101", "activation", "linear", "relu")
    assert set(doc["timings"]) == {"load_a", "load_b", "extract", "align", "diff", "probe", "report"}
    assert all(isinstance(v, float) for v in doc["timings"].values())


def test_text_report_plain_without_terminal():
    report = compare_graphs(siamese(True), siamese(False))
    out = render(report, Format.TEXT, color=False)
    assert "\x1b[" not in out
    assert out.startswith("DIVERGENT: 1 error")
    assert "KD181" in out and "why:" in out and "fix:" in out
    assert "[bold]" not in out


def test_text_report_escapes_markup_in_user_strings():
    from dataclasses import replace

    g = mlp()
    weird = replace(g, spec="[red]evil[/red].py")
    out = render(compare_graphs(weird, g), Format.TEXT)
    assert "[red]evil[/red].py" in out


def test_quiet_and_fail_on():
    report = compare_graphs(mlp(), mlp(), fail_on="info")
    assert report.equivalent
    assert render(report, Format.TEXT, quiet=True).startswith("EQUIVALENT")
    seeded = compare_graphs(siamese(True), siamese(False), fail_on="never")
    assert seeded.equivalent


def test_ignore_by_code_and_kind():
    r = compare_graphs(mlp(), mlp("relu"), ignore=["activation"])
    assert r.findings == () and r.ignored == 1 and r.equivalent
    r = compare_graphs(mlp(), mlp("relu"), ignore=["KD101"])
    assert r.equivalent
    with pytest.raises(KerasdiffError):
        compare_graphs(mlp(), mlp(), ignore=["KD999"])


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["rules"], ["rules", "KD101"]])
def test_fast_commands_do_not_import_tensorflow(argv):
    code = (
        f"import sys; from kerasdiff.cli import main; rc = main({argv!r}); "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'imported TF'; "
        "sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()

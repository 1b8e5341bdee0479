"""The CI formats as their consumers take them: SARIF against the official 2.1.0 schema
(vendored), JUnit through a JUnit-reading library, GitHub annotations within what a step shows,
Markdown within a comment's size. Plain-data graphs; no TensorFlow."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import jsonschema
import pytest
from junitparser import Failure, JUnitXml

from graphs import chain, dense, mlp, siamese
from kerasdiff import baseline
from kerasdiff.engine import compare_graphs
from kerasdiff.findings import make
from kerasdiff.report import Format, render
from kerasdiff.report.github import PER_LEVEL
from kerasdiff.report.markdown import MAX_CHARS

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "schemas", "sarif-schema-2.1.0.json"), encoding="utf-8") as _fh:
    SARIF_SCHEMA = json.load(_fh)


def _reports():
    wide = chain(*[dense(f"d{i}", 6, "relu", 6) for i in range(6)], input_shape=(None, 6))
    wider = chain(*[dense(f"d{i}", 6 if i != 3 else 7, "tanh", 6) for i in range(6)], input_shape=(None, 6))
    base = compare_graphs(mlp(), mlp("relu"))
    return {
        "one error": base,
        "equal": compare_graphs(mlp(), mlp()),
        "shared vs copied": compare_graphs(siamese(True), siamese(False)),
        "grouped and structural": compare_graphs(wide, wider),
        "below fail-on": replace(base, fail_on="never"),
        "baseline": baseline.apply(
            base, [{"fingerprint": "0" * 16, "code": "KD101", "message": "old"}], "b.json"
        ),
    }


@pytest.mark.parametrize("name", list(_reports()))
def test_sarif_validates_against_the_official_schema(name):
    report = _reports()[name]
    doc = json.loads(render(report, Format.SARIF))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)
    results = doc["runs"][0]["results"]
    assert len(results) == len(report.findings)
    fps = baseline.fingerprints(report.findings, report.a, report.b)
    assert [r["partialFingerprints"]["kerasdiff/v1"] for r in results] == fps


@pytest.mark.parametrize(
    "base,linked",
    [
        ("https://github.com/acme/kerasdiff/blob/v1/docs/codes.md", True),
        (None, False),
        # what a composite action may see: an empty repository and ref
        ("https://github.com//blob//docs/codes.md", False),
        ("javascript:alert(1)//x.md", False),
    ],
)
def test_sarif_rules_link_their_documentation_when_its_address_is_known(monkeypatch, base, linked):
    if base is None:
        monkeypatch.delenv("KERASDIFF_DOCS_URL", raising=False)
    else:
        monkeypatch.setenv("KERASDIFF_DOCS_URL", base)
    doc = json.loads(render(_reports()["shared vs copied"], Format.SARIF))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert rules
    if linked:
        assert [r["helpUri"] for r in rules] == [f"{base}#{r['id'].lower()}" for r in rules]
        # the anchor exists in the generated documentation
        with open(os.path.join(os.path.dirname(HERE), "docs", "codes.md"), encoding="utf-8") as fh:
            doc_text = fh.read()
        assert all(f"\n## {r['id']}\n" in doc_text for r in rules)
    else:
        assert not any("helpUri" in r for r in rules)


def test_the_schema_check_is_real():
    doc = json.loads(render(_reports()["one error"], Format.SARIF))
    doc["runs"][0]["results"][0]["level"] = "fatal"  # not a SARIF level
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)


@pytest.mark.parametrize("name", list(_reports()))
def test_junit_reads_in_a_junit_library(name):
    report = _reports()[name]
    xml = JUnitXml.fromstring(render(report, Format.JUNIT))
    suites = list(xml) if isinstance(xml, JUnitXml) else [xml]
    cases = [c for s in suites for c in s]
    failures = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
    assert len(cases) == max(1, len(report.findings))
    assert len(failures) == len(report.failing)
    assert sum(s.failures for s in suites) == len(report.failing)


def _many(n_errors: int, n_warnings: int):
    """A report with this many error and warning findings (each on its own layer)."""
    base = compare_graphs(mlp(), mlp())
    fs = []
    for i in range(n_errors + n_warnings):
        code = "KD101" if i < n_errors else "KD352"
        fs.append(
            make(
                code,
                a_path=f"d{i}",
                b_path=f"d{i}",
                attribute="activation",
                a_value="relu",
                b_value="tanh",
                message=f"layer d{i} differs",
                a_source=f"a.py:{i + 1}",
                b_source=f"b.py:{i + 1}",
            )
        )
    return replace(base, findings=tuple(fs))


def test_github_annotations_stay_within_what_a_step_shows():
    out = render(_many(23, 4), Format.GITHUB).splitlines()
    errors = [ln for ln in out if ln.startswith("::error ")]
    # warnings below the default --fail-on error are notices (the job does not fail on them)
    notices = [ln for ln in out if ln.startswith("::notice ")]
    assert len(errors) == PER_LEVEL and len(notices) == 4
    summary = [ln for ln in out if ln.startswith("kerasdiff: 13 errors more not annotated")]
    assert len(summary) == 1, out[-3:]
    few = render(_many(3, 2), Format.GITHUB)
    assert "not annotated" not in few and few.count("::error ") == 3


def test_markdown_stays_within_a_comment_and_says_what_it_left_out():
    big = _many(400, 0)
    text = render(big, Format.MARKDOWN)
    assert len(text) <= MAX_CHARS, len(text)
    assert "Report cut at 65,536 characters" in text and text.count("<details>") == text.count("</details>")
    # the table still lists every finding
    assert all(f"| {n} | KD101 |" in text for n in (1, 200, 400))
    small = render(_many(3, 0), Format.MARKDOWN)
    assert "Report cut" not in small and small.count("<details>") == 3

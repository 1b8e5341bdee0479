"""Many pairs in one run (--pairs, [tool.kerasdiff] pairs): the file's checks, one report in every
format (plain-data reports, no TensorFlow), and the real CLI on example pairs."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest
from click.testing import CliRunner
from junitparser import JUnitXml

from graphs import mlp
from kerasdiff import pairs
from kerasdiff.cli import cli
from kerasdiff.engine import compare_graphs
from kerasdiff.errors import KerasdiffError
from kerasdiff.report import Format
from kerasdiff.report.pairs import render
from kerasdiff.settings import Settings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EX = os.path.join(ROOT, "examples")


@pytest.mark.parametrize(
    "entries,cause",
    [
        ([], "has no pairs"),
        ([{"a": "x.py"}], "pair 1 needs a and b"),
        ([{"a": "x.py", "b": "y.py", "colour": 1}], "unknown key 'colour'"),
        ([{"a": "x.py", "b": "y.py", "fail-on": "sometimes"}], "fail-on must be one of"),
        ([{"a": "x.py", "b": "y.py", "ignore": ["KD999"]}], "unknown code or kind 'KD999'"),
    ],
)
def test_a_bad_pairs_table_is_one_clear_error(entries, cause):
    with pytest.raises(KerasdiffError) as exc:
        pairs.from_table(entries, "pairs.toml", Settings())
    assert cause in exc.value.cause


def test_pairs_are_relative_to_their_file_and_carry_their_settings(tmp_path):
    f = tmp_path / "sub" / "pairs.toml"
    f.parent.mkdir()
    f.write_text('[[pair]]\na = "a.py"\nb = "main:models/b.py:m"\nignore = "KD1"\nfail-on = "warning"\n')
    (p,) = pairs.read(str(f), Settings(ignore=("KD9",)))
    assert os.path.abspath(p.a) == str(tmp_path / "sub" / "a.py")
    rev, _, rest = p.b.partition(":")
    assert rev == "main" and os.path.abspath(rest.rsplit(":", 1)[0]) == str(
        tmp_path / "sub" / "models" / "b.py"
    )
    assert p.settings.fail_on == "warning" and p.settings.ignore == ("KD9", "KD1")
    with pytest.raises(KerasdiffError, match="no such pairs file"):
        pairs.read(str(tmp_path / "none.toml"), Settings())


def _outcomes():
    ps = [pairs.Pair(f"a{i}.py", f"b{i}.py", f"pair {i}", Settings()) for i in range(3)]
    return [
        pairs.Outcome(ps[0], report=compare_graphs(mlp(), mlp("relu"))),
        pairs.Outcome(ps[1], report=compare_graphs(mlp(), mlp())),
        pairs.Outcome(ps[2], error=KerasdiffError("b2.py", "no such file", "check the path")),
    ]


def test_one_report_for_all_pairs_in_every_format():
    outcomes = _outcomes()
    assert pairs.exit_code(outcomes) == 2 and pairs.exit_code(outcomes[:2]) == 1
    doc = json.loads(render(outcomes, Format.JSON))
    assert doc["equivalent"] is False and [p["exit_code"] for p in doc["pairs"]] == [1, 0, 2]
    assert doc["pairs"][0]["report"]["findings"][0]["code"] == "KD101"
    assert doc["pairs"][2]["report"] is None and doc["pairs"][2]["error"]["cause"] == "no such file"
    with open(os.path.join(HERE, "schemas", "sarif-schema-2.1.0.json"), encoding="utf-8") as fh:
        schema = json.load(fh)
    sarif = json.loads(render(outcomes, Format.SARIF))
    jsonschema.Draft4Validator(schema).validate(sarif)
    assert [r["properties"]["pair"] for r in sarif["runs"]] == ["pair 0", "pair 1"]
    suites = list(JUnitXml.fromstring(render(outcomes, Format.JUNIT)))
    assert [s.failures for s in suites] == [1, 0, 0] and suites[2].errors == 1
    gh = render(outcomes, Format.GITHUB)
    assert gh.count("::error file=") == 1 and "::error title=kerasdiff pair 2::" in gh
    md = render(outcomes, Format.MARKDOWN)
    assert md.startswith("## kerasdiff: TROUBLE: 3 pairs") and md.count("\n### ") == 3
    text = render(outcomes, Format.TEXT)
    assert "=== 1/3 pair 0 ===" in text and text.rstrip().endswith("no such file (check the path)")


@pytest.mark.keras
def test_cli_pairs_file_and_pyproject_pairs(tmp_path, monkeypatch):
    f = tmp_path / "pairs.toml"
    a0, b0 = (
        os.path.join(EX, "seed000-output-activation", "a.py"),
        os.path.join(EX, "seed000-output-activation", "b.py"),
    )
    e0, e1 = os.path.join(EX, "equiv-input-shape", "a.py"), os.path.join(EX, "equiv-input-shape", "b.py")
    f.write_text(
        f'[[pair]]\nname = "head"\na = "{a0}"\nb = "{b0}"\n\n[[pair]]\na = "{e0}"\nb = "{e1}"\n\n'
        f'[[pair]]\nname = "accepted"\na = "{a0}"\nb = "{b0}"\nignore = ["KD101"]\n'
    )
    result = CliRunner().invoke(cli, ["--pairs", str(f), "--jobs", "2", "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert [(p["name"], p["exit_code"]) for p in doc["pairs"]] == [
        ("head", 1),
        (f"{e0} vs {e1}", 0),
        ("accepted", 0),
    ]
    # [tool.kerasdiff] pairs, run by `kerasdiff` with no specs; a missing file is trouble (exit 2)
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.kerasdiff]\npairs = [{{a = "{e0}", b = "{e1}"}}, {{a = "{e0}", b = "missing.py"}}]\n'
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["-q"])
    assert result.exit_code == 2, result.output
    assert (
        "TROUBLE: 2 pairs, 1 equivalent, 1 trouble" in result.output
        and "missing.py: no such file" in result.output
    )
    both = CliRunner().invoke(cli, [e0, e1, "--pairs", str(f)])
    assert both.exit_code == 2 and "takes no A B" in both.output

"""Baselines (--write-baseline / --baseline) and the fingerprints behind them. Plain-data graphs
for the fingerprints (no TensorFlow); the real CLI for the round trip."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from graphs import chain, dense, layer, mlp
from kerasdiff import baseline
from kerasdiff.cli import cli
from kerasdiff.engine import compare_graphs
from kerasdiff.errors import KerasdiffError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _fps(a, b) -> list[str]:
    report = compare_graphs(a, b)
    return sorted(baseline.fingerprints(report.findings, report.a, report.b))


def test_fingerprints_survive_renamed_layers_and_an_unrelated_layer():
    base = _fps(mlp(), mlp("sigmoid"))
    assert len(base) == 1
    renamed = mlp("sigmoid", names=("first", "second", "head"))
    assert _fps(mlp(), renamed) == base  # names never enter a fingerprint

    # a layer of another kind added elsewhere (a Dropout after the first Dense) on both sides
    def with_dropout(last: str):
        return chain(
            dense("dense", 8, "relu", 3),
            layer("dropout", "Dropout", (None, 8), rate=0.1),
            dense("dense_1", 8, "relu", 8),
            dense("dense_2", 5, last, 8),
        )

    assert _fps(with_dropout("linear"), with_dropout("sigmoid")) == base
    # values are not part of it (DESIGN.md: code, attribute, place): another value, same finding
    assert _fps(mlp(), mlp("tanh")) == base
    # the same attribute on another layer is another finding
    units = _fps(
        mlp(),
        chain(dense("dense", 8, "relu", 3), dense("dense_1", 8, "tanh", 8), dense("dense_2", 5, "linear", 8)),
    )
    assert units != base and len(units) == 1


def test_identical_places_get_distinct_fingerprints():
    a = chain(*[dense(f"d{i}", 4, "relu", 4) for i in range(4)], input_shape=(None, 4))
    b = chain(*[dense(f"d{i}", 4, "tanh", 4) for i in range(4)], input_shape=(None, 4))
    report = compare_graphs(a, b)
    fps = baseline.fingerprints(report.findings, report.a, report.b)
    assert len(set(fps)) == len(fps) == len(report.findings) >= 1


def test_apply_hides_known_findings_and_lists_stale_entries(tmp_path):
    a, b = mlp(), mlp("sigmoid")
    report = compare_graphs(a, b)
    path = str(tmp_path / "baseline.json")
    baseline.write(path, report.findings, report.a, report.b)
    doc = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))
    assert doc["schema_version"] == 1 and [e["code"] for e in doc["findings"]] == ["KD101"]
    assert set(doc["findings"][0]) == {"fingerprint", "code", "message"}
    hidden = baseline.apply(report, baseline.read(path), path)
    assert hidden.findings == () and hidden.equivalent and hidden.baseline["hidden"] == 1
    assert hidden.baseline["stale"] == []
    # the difference is fixed: nothing to hide, and the entry is stale (info, not a failure)
    fixed = baseline.apply(compare_graphs(a, mlp()), baseline.read(path), path)
    assert fixed.findings == () and fixed.baseline["hidden"] == 0
    assert [e["code"] for e in fixed.baseline["stale"]] == ["KD101"]
    assert "1 baseline entry no longer found" in fixed.baseline_lines()[1]
    # a new difference next to the known one still fails
    new = compare_graphs(
        a,
        chain(dense("dense", 8, "elu", 3), dense("dense_1", 8, "relu", 8), dense("dense_2", 5, "sigmoid", 8)),
    )
    kept = baseline.apply(new, baseline.read(path), path)
    assert [f.code for f in kept.findings] == ["KD101"] and not kept.equivalent
    assert kept.findings[0].b_value == "elu" and kept.baseline["hidden"] == 1


@pytest.mark.parametrize(
    "text,cause",
    [
        ("{", "is not a baseline file"),
        ('{"schema_version": 2, "findings": []}', "is not a kerasdiff baseline"),
        ('{"schema_version": 1, "findings": [{"code": "KD101"}]}', "is not a kerasdiff baseline"),
    ],
)
def test_a_file_that_is_not_a_baseline_is_one_clear_error(tmp_path, text, cause):
    p = tmp_path / "b.json"
    p.write_text(text)
    with pytest.raises(KerasdiffError) as exc:
        baseline.read(str(p))
    assert cause in exc.value.cause
    with pytest.raises(KerasdiffError, match="no such baseline file"):
        baseline.read(str(tmp_path / "absent.json"))


def test_cli_refuses_a_bad_baseline_before_loading(tmp_path):
    bad = tmp_path / "b.json"
    bad.write_text("[]")
    a = os.path.join(ROOT, "examples", "seed000-output-activation", "a.py")
    result = CliRunner().invoke(cli, [a, a, "--baseline", str(bad)])
    assert result.exit_code == 2 and "is not a kerasdiff baseline" in result.stderr, result.output
    result = CliRunner().invoke(cli, [a, a, "--write-baseline", str(tmp_path / "no" / "such" / "b.json")])
    assert result.exit_code == 2 and "its folder does not exist" in result.stderr, result.output


@pytest.mark.keras
def test_cli_round_trip_json_and_sarif_carry_the_fingerprint(tmp_path):
    ex = os.path.join(ROOT, "examples", "seed000-output-activation")
    a, b = os.path.join(ex, "a.py"), os.path.join(ex, "b.py")
    path = str(tmp_path / "kerasdiff-baseline.json")
    run = CliRunner().invoke
    first = run(cli, [a, b, "--format", "json"])
    assert first.exit_code == 1
    found = json.loads(first.stdout)["findings"]
    wrote = run(cli, [a, b, "--write-baseline", path])
    assert wrote.exit_code == 0 and "known finding(s) hidden by the baseline" in wrote.output, wrote.output
    assert [
        e["fingerprint"] for e in json.loads((tmp_path / "kerasdiff-baseline.json").read_text())["findings"]
    ] == [f["fingerprint"] for f in found]
    again = run(cli, [a, b, "--baseline", path, "--format", "json"])
    data = json.loads(again.stdout)
    assert again.exit_code == 0 and data["findings"] == [] and data["baseline"]["hidden"] == len(found)
    sarif = json.loads(run(cli, [a, b, "--format", "sarif"]).stdout)
    fps = [r["partialFingerprints"]["kerasdiff/v1"] for r in sarif["runs"][0]["results"]]
    assert fps == [f["fingerprint"] for f in found]
    # the pair compared with itself: every entry is stale, reported, exit 0
    clean = run(cli, [a, a, "--baseline", path])
    assert clean.exit_code == 0 and "no longer found" in clean.output, clean.output

"""CLI wiring that needs no TensorFlow: settings, option validation, exit code 2 paths."""

from __future__ import annotations

import os

from click.testing import CliRunner

from kerasdiff.cli import cli, main
from kerasdiff.settings import from_pyproject, load_pyproject

EX = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
A = os.path.join(EX, "seed000-output-activation", "a.py")


def test_settings_from_nearest_pyproject(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.kerasdiff]\nfail-on = "warning"\nignore = ["KD112"]\n')
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert from_pyproject(*load_pyproject()) == {"fail-on": "warning", "ignore": ("KD112",)}


def test_bad_settings_value_is_trouble(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.kerasdiff]\nfail-on = "sometimes"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [A, A])
    assert result.exit_code == 2
    assert (
        "[tool.kerasdiff] fail-on must be one of error, warning, info, never, not 'sometimes'"
        in result.output
    )


def test_unknown_ignore_code_fails_fast():
    result = CliRunner().invoke(cli, [A, A, "--ignore", "KD999"])
    assert result.exit_code == 2
    assert "unknown code or kind 'KD999'" in result.output
    assert "Traceback" not in result.output


def test_bad_probe_tolerance_fails_fast():
    result = CliRunner().invoke(cli, [A, A, "--probe", "--atol", "-1"])
    assert result.exit_code == 2
    assert "--atol: must be a finite number >= 0, not -1.0" in result.output
    assert "Traceback" not in result.output


def test_missing_file_and_bad_kind():
    result = CliRunner().invoke(cli, ["missing.py", A])
    assert result.exit_code == 2 and "missing.py: no such file" in result.output
    result = CliRunner().invoke(cli, ["model.onnx", A])
    assert result.exit_code == 2 and "unknown kind of model file" in result.output


def test_usage_errors_exit_2_and_name_kerasdiff():
    assert main(["only_one.py"]) == 2
    result = CliRunner().invoke(cli, ["only_one.py"])
    assert result.exit_code == 2 and "kerasdiff [OPTIONS] A B" in result.output


def test_rules_command():
    result = CliRunner().invoke(cli, ["rules", "shared-layer"])
    assert result.exit_code == 0 and "KD181" in result.output and "why:" in result.output
    result = CliRunner().invoke(cli, ["rules", "KD999"])
    assert result.exit_code == 2
    assert main(["rules", "--format", "markdown"]) == 0

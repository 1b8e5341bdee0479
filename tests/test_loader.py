"""Loading user scripts and saved files through the real CLI, with real Keras models.

Every CLI call spawns a worker process (TensorFlow import, a few seconds), so each call here checks
a genuinely different case; cheap checks that fail before any worker starts are grouped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from kerasdiff.cli import cli

pytestmark = pytest.mark.keras  # real workers / real Keras models

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures", "loader")


def fx(name: str) -> str:
    return os.path.join(FIX, name)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def assert_trouble(result, *needles: str) -> str:
    """Exit 2, exactly one line on stderr naming the file and cause, and no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("kerasdiff: "), line
    for needle in needles:
        assert needle in line, (needle, line)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    return line


@pytest.fixture(scope="session")
def saved(tmp_path_factory):
    """Save fixture models in-process as .keras/.h5/.json, plus broken and unsafe files."""
    import runpy

    import keras

    d = tmp_path_factory.mktemp("saved")
    for stem in ("small", "small_sequential"):
        model = runpy.run_path(fx(stem + ".py"))["model"]
        model.save(str(d / f"{stem}.keras"))
        model.save(str(d / f"{stem}.h5"))
        (d / f"{stem}.json").write_text(model.to_json())
    lam = keras.Sequential(
        [keras.Input(shape=(3,)), keras.layers.Lambda(lambda t: t * 2.0), keras.layers.Dense(1)]
    )
    lam.save(str(d / "lambda.keras"))
    (d / "garbage.keras").write_bytes(b"not a zip at all")
    (d / "garbage.h5").write_bytes(b"\x00garbage that is not HDF5" * 10)
    (d / "broken.json").write_text('{"class_name": "Sequential", "config": ')
    (d / "layer.json").write_text("[1, 2, 3]")
    return d


# ----------------------------------------------------------------------------- trouble (exit 2)


def test_cheap_bad_specs_fail_before_any_worker(saved):
    """Missing file, syntax error and corrupt saved files are caught without starting TensorFlow."""
    t0 = time.perf_counter()
    cases = [
        (["missing_model.py", fx("plain.py")], ["missing_model.py", "no such file"]),
        ([fx("syntax_error.py"), fx("plain.py")], ["syntax_error.py:4", "syntax error", "never closed"]),
        ([str(saved / "garbage.keras"), fx("plain.py")], ["garbage.keras", "not a .keras archive"]),
        ([str(saved / "garbage.h5"), fx("plain.py")], ["garbage.h5", "not an HDF5 file"]),
        ([str(saved / "broken.json"), fx("plain.py")], ["broken.json", "not valid JSON"]),
        ([fx("plain.py"), str(saved / "layer.json")], ["layer.json", "not a Keras model config"]),
        ([fx("plain.py:no-such")], None),  # usage error (one argument): click's own exit 2
        ([fx("plain.py") + ":1bad", fx("plain.py")], ["'1bad' is not a Python name"]),
    ]
    for args, needles in cases:
        result = run(*args)
        if needles is None:
            assert result.exit_code == 2
            continue
        assert_trouble(result, *needles)
    assert time.perf_counter() - t0 < 10, "cheap checks must not start TensorFlow workers"


@pytest.mark.parametrize(
    "spec, needles",
    [
        ("raises.py", ["raises.py:6", "KeyError", "'hiden'"]),
        (
            "no_model.py",
            [
                "no_model.py",
                "no model found at module level (a Keras model or a scikit-learn MLP)",
                "build_model()",
            ],
        ),
        (
            "several.py",
            ["several.py", "2 models found", "several.py:small", "several.py:large", "FILE.py:NAME"],
        ),
        ("several.py:nope", ["several.py:nope", "no module-level name 'nope'", "several.py:small"]),
        ("several.py:answer", ["several.py:answer", "'answer' is an int, not a Keras model"]),
        ("several.py:build", ["several.py:build", "build() needs arguments (units)", "defaults"]),
        ("reads_stdin.py", ["reads_stdin.py:4", "reads standard input"]),
        ("exits.py", ["exits.py:8", "sys.exit(3)", "__main__"]),
    ],
)
def test_script_trouble_is_one_line(spec, needles):
    # The same file named twice runs in one worker: one TensorFlow start per case.
    assert_trouble(run(fx(spec), fx(spec)), *needles)


def test_lambda_in_saved_file_is_refused_before_loading(saved):
    line = assert_trouble(
        run(str(saved / "lambda.keras"), str(saved / "lambda.keras")),
        "lambda.keras",
        "layer 'lambda' (Lambda)",
        "never runs code",
        "compare the script",
    )
    assert len(line) < 300


def test_timeout_names_the_busy_line_and_stops_the_script():
    t0 = time.perf_counter()
    result = run("--timeout", "3", fx("slow.py"), fx("slow.py"))
    assert_trouble(result, "slow.py", "--timeout 3 s", "busy at line 8")
    assert time.perf_counter() - t0 < 40  # the script sleeps 60 s; it was stopped


def test_verbose_shows_script_output_and_traceback():
    result = run("--verbose", fx("raises.py"), fx("raises.py"))
    assert result.exit_code == 2
    assert "reading the layer sizes" in result.stderr  # the script's captured print
    assert "Traceback (most recent call last)" in result.stderr
    assert 'raises.py", line 6' in result.stderr
    assert "kerasdiff/load/script.py" not in result.stderr  # starts at the user's code
    assert result.stderr.strip().splitlines()[-1].startswith("kerasdiff: ")


# ----------------------------------------------------------------------------- good loads


def _json(result) -> dict:
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "stem, suffix",
    [
        ("small", ".keras"),
        ("small", ".h5"),
        ("small", ".json"),
        ("small_sequential", ".keras"),
    ],
)
def test_saved_file_equals_the_script_that_built_it(saved, stem, suffix):
    """A functional model in every format, and a Sequential with an implicit input (input_shape=,
    which a saved file records as an InputLayer: an info finding only)."""
    result = run("--format", "json", "--fail-on", "warning", fx(stem + ".py"), str(saved / (stem + suffix)))
    report = _json(result)
    assert result.exit_code == 0, report["findings"]
    assert report["equivalent"] is True
    assert {f["severity"] for f in report["findings"]} <= {"info"}
    assert report["a"]["params"] == report["b"]["params"]
    assert report["a"]["layers"] == report["b"]["layers"]


def test_one_script_two_models_runs_once_in_its_folder_and_does_not_train(tmp_path):
    """x.py:a x.py:b: one run (side effect counted), cwd and sys.path are the script's folder,
    fit/predict/evaluate are intercepted, save() writes nothing, __main__ does not run."""
    project = tmp_path / "project"
    shutil.copytree(fx("project"), project)
    before = sorted(os.listdir(project))
    t0 = time.perf_counter()
    result = run("--format", "json", "--verbose", f"{project}/pair.py:a", f"{project}/pair.py:b")
    elapsed = time.perf_counter() - t0
    report = _json(result)
    assert result.exit_code == 1
    assert [f["code"] for f in report["findings"] if f["severity"] == "error"] == ["KD101"]
    assert (project / "runs.txt").read_text() == "ran\n"
    assert sorted(os.listdir(project)) == sorted(before + ["runs.txt"])  # no .pyc, no trained.keras
    assert "built (32, 1) last loss 0.0" in result.stderr  # --verbose shows the script's output
    assert result.stderr.count("--- output of") == 1
    assert report["a"]["name"] == "a" and report["b"]["name"] == "b"
    assert elapsed < 60  # epochs=10**6 did not train


def test_builder_and_base_network_are_not_ambiguous():
    """A module-level base network used inside the full model is not a second candidate;
    build_model() is found; the `if __name__ == '__main__':` block does not run."""
    report = _json(run("--format", "json", fx("shared_module.py"), fx("shared_builder.py")))
    assert report["equivalent"] is True
    assert report["a"]["name"] == "model" and report["b"]["name"] == "build_model"
    assert not [f for f in report["findings"] if f["severity"] != "info"]


def test_global_dtype_policy_does_not_leak_to_the_other_side():
    """mixed.py sets mixed_float16 globally; plain.py must still load as float32: exactly one KD201
    (the first Dense), not on the output layer pinned to float32, and not zero (a leak into B)."""
    # mixed.py first: if its policy leaked, plain.py would build in mixed_float16 and show nothing.
    report = _json(run("--format", "json", fx("mixed.py"), fx("plain.py")))
    assert [f["code"] for f in report["findings"]] == ["KD201"], report["findings"]
    dtype = report["findings"][0]
    assert (dtype["a_value"], dtype["b_value"]) == ("mixed_float16", "float32")


def test_python_m_kerasdiff_version_without_tensorflow():
    out = subprocess.run(
        [sys.executable, "-m", "kerasdiff", "--version"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and out.stdout.startswith("kerasdiff ")
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from kerasdiff.cli import main; rc = main(['--version']);"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules; sys.exit(rc)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr


def test_sklearn_script_without_scikit_learn_says_how_to_install(monkeypatch):
    """Where scikit-learn is missing, an sklearn script is exit 2 with the install command."""
    monkeypatch.setenv("PYTHONPATH", os.path.join(HERE, "fixtures", "no_sklearn", "site-packages"))
    sk = os.path.normpath(os.path.join(HERE, "..", "examples", "seed004-sklearn-mlp", "sk.py"))
    assert_trouble(run(sk, sk), f"{sk}:3: ", "No module named 'sklearn'", 'pip install "kerasdiff[sklearn]"')

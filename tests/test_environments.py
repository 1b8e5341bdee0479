"""`SPEC@ENV` (DESIGN.md): one script under Keras 3 on another backend, each environment in its
own worker; the suffix counts only when it names an environment."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from kerasdiff.cli import cli
from kerasdiff.errors import KerasdiffError
from kerasdiff.load import parse_spec

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
A = os.path.join(ROOT, "examples", "seed000-output-activation", "a.py")


def test_the_suffix_names_an_environment_or_is_part_of_the_path(tmp_path):
    s = parse_spec(A + "@jax")
    assert (s.path, s.env, s.name, s.shown) == (A, "jax", None, A + "@jax")
    named = parse_spec(A + ":model@torch")
    assert (named.name, named.env, named.job_key) == ("model", "torch", A + "@torch")
    assert parse_spec(A).job_key == A  # no suffix: as python would run it
    folder = tmp_path / "runs@2024"
    folder.mkdir()
    (folder / "m.py").write_text("x = 1\n")
    plain = parse_spec(str(folder / "m.py"))
    assert plain.env is None and plain.path.endswith("runs@2024/m.py")
    # a name after the @ of a script that is no file: a mistyped environment, said as such
    with pytest.raises(KerasdiffError, match="unknown environment '@keras3'") as exc:
        parse_spec(A + "@keras3")
    assert "@keras2" in exc.value.hint and "@jax" in exc.value.hint
    with pytest.raises(KerasdiffError, match="unknown environment '@nowhere'"):
        parse_spec(A + ":model@nowhere")


@pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("jax") is not None,
    reason="jax is installed here: the fast tier checks this",
)
def test_a_backend_that_is_not_installed_is_one_line_before_any_worker():
    from kerasdiff.load.interface import check_environment

    with pytest.raises(KerasdiffError) as exc:
        check_environment(parse_spec(A + "@jax"))
    assert "backend needs the jax package, which is not installed" in exc.value.cause
    assert exc.value.hint == 'pip install "kerasdiff[jax]"'


@pytest.mark.keras
def test_one_script_on_two_backends_runs_twice_and_computes_alike():
    pytest.importorskip("jax", reason="the jax extra is not installed: pip install -e '.[jax]'")
    result = CliRunner().invoke(cli, [A + "@tensorflow", A + "@jax", "--probe", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["a"]["env"]["backend"], doc["b"]["env"]["backend"]) == ("tensorflow", "jax")
    assert doc["a"]["spec"].endswith("a.py@tensorflow") and doc["b"]["spec"].endswith("a.py@jax")
    assert doc["probe"]["equal"] is True, doc["probe"]  # the weights copied across backends
    torch_side = CliRunner().invoke(cli, [A + "@torch", A, "--format", "json"])
    assert torch_side.exit_code == 0 and json.loads(torch_side.stdout)["a"]["env"]["backend"] == "torch"


@pytest.mark.keras
def test_a_backend_suffix_on_a_scikit_learn_side_is_refused():
    ex = os.path.join(ROOT, "examples", "seed004-sklearn-mlp")
    result = CliRunner().invoke(cli, [os.path.join(ex, "sk.py") + "@jax", os.path.join(ex, "keras_mlp.py")])
    assert (
        result.exit_code == 2
        and "runs Keras 3 on that backend, but the script's model is a scikit-learn" in result.stderr
    )


def test_float64_on_jax_without_x64_is_named_and_only_then():
    from dataclasses import replace

    from graphs import chain, dense
    from kerasdiff.engine import compare_graphs

    g = chain(dense("dense", 4, "tanh"), dense("dense_1", 1, "linear", 4))
    wide = replace(g, framework="keras", layers=tuple(replace(lay, dtype="float64") for lay in g.layers))
    tf_side = replace(wide, env={"backend": "tensorflow"})
    jax_side = replace(wide, env={"backend": "jax", "x64": False})
    report = compare_graphs(tf_side, jax_side)
    assert [f.code for f in report.findings] == ["KD704"] and not report.equivalent
    assert "B runs on JAX without x64" in report.findings[0].message
    assert "JAX_ENABLE_X64=1" in report.findings[0].fix
    # x64 on, both on JAX, or a float32 model: nothing to say
    assert compare_graphs(tf_side, replace(jax_side, env={"backend": "jax", "x64": True})).equivalent
    assert compare_graphs(jax_side, jax_side).equivalent
    narrow = replace(g, framework="keras")
    assert compare_graphs(
        replace(narrow, env={"backend": "tensorflow"}), replace(narrow, env=jax_side.env)
    ).equivalent

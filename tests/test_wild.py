"""Models from the wild: the transfer-learning idiom, builders next to module-level models,
custom layers whose settings live outside get_config(), libraries that override fit."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, load_graph
from kerasdiff.engine import compare_graphs

pytestmark = pytest.mark.keras

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "wild")
KERASDIFF = os.path.join(os.path.dirname(sys.executable), "kerasdiff")


def fx(name: str) -> str:
    return os.path.join(FIX, name)


def test_a_base_without_top_plus_a_head_is_one_model():
    g = load_graph(fx("transfer.py"))
    assert g.name == "model" and g.layers[-1].cls == "Dense"
    assert any(l.cls == "GlobalAveragePooling2D" for l in g.layers)
    assert not any(l.trainable for l in g.layers if l.cls == "Conv2D")  # the frozen base is in it
    base = load_graph(fx("transfer.py"), "base")  # still reachable by name
    assert base.name == "base" and base.layers[-1].cls != "Dense"


def test_a_builder_and_a_different_module_level_model_are_never_picked_silently():
    proc = subprocess.run(
        [KERASDIFF, fx("builder_and_model.py"), fx("builder_and_model.py")],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert proc.returncode == 2, proc.stdout
    line = proc.stderr.strip().splitlines()[-1]
    assert "build_model() and the module-level model(s) model build different models" in line
    assert "builder_and_model.py:build_model" in line and "builder_and_model.py:model" in line
    # The same structure both ways is the usual script: the builder's model is used.
    assert load_graph(fx("builder_same.py")).name == "build_model"


def test_settings_outside_get_config_are_compared():
    from kerasdiff.load.keras import reset_state
    from kerasdiff.load.script import load_file

    reset_state()
    a, b = load_file(fx("custom_settings.py"), "script", ["a", "b"], cwd=ROOT).graphs
    found = compare_graphs(a, b).findings
    rows = {(f.attribute, str(f.a_value), str(f.b_value)) for f in found if f.code == "KD141"}
    assert ("factor", "2.0", "3.0") in rows, [f.message for f in found]  # get_config() raised
    assert ("offset", "0.0", "1.0") in rows, [f.message for f in found]  # left out of the config
    assert not any(f.code == "KD153" for f in found)
    assert not compare_graphs(a, a).findings


def test_the_recipe_is_the_fit_call_the_user_wrote(tmp_path):
    mark = tmp_path / "ran"
    env = {**os.environ, "KD_TEST_MARK": str(mark)}
    proc = subprocess.run(
        [KERASDIFF, fx("library_fit.py"), fx("library_fit.py"), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert not mark.exists(), "the overriding fit ran: nothing may train while kerasdiff reads"
    from kerasdiff.load.keras import reset_state
    from kerasdiff.load.script import load_file

    reset_state()
    g = load_file(fx("library_fit.py"), "script", [None], cwd=ROOT).graphs[0]
    fit = g.recipe["fit"]
    assert (fit["batch_size"], fit["batch_size_given"], fit["epochs"]) == (16, True, 3), json.dumps(fit)

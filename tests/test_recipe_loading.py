"""The training recipe the loader records (docs/recipe.md), on real scripts in tests/fixtures/recipe."""

from __future__ import annotations

import os
from functools import cache

import pytest
from click.testing import CliRunner

from conftest import ROOT

pytestmark = pytest.mark.keras  # real workers / real Keras models

FX = os.path.join(ROOT, "tests", "fixtures", "recipe")


def fx(name: str) -> str:
    return os.path.join(FX, name)


@cache
def recipes(script: str, *names: str) -> dict:
    """Run one fixture script once in this process; {name: Graph.recipe}."""
    from kerasdiff.load import script as runner
    from kerasdiff.load.keras import reset_state

    reset_state()
    result = runner.load_file(fx(script), "script", list(names), cwd=ROOT)
    return {g.name: g.recipe for g in result.graphs}


def cli(*args: str):
    from kerasdiff.cli import cli as main

    return CliRunner().invoke(main, list(args))


# --------------------------------------------------------------------------- seed 001


def test_one_optimizer_in_two_models_same_id_and_shared_with_names_the_first():
    r = recipes("train.py", "functional", "sequen")
    fa, sq = r["functional"], r["sequen"]
    oa, ob = fa["compile"]["optimizer"], sq["compile"]["optimizer"]
    assert fa["run"] == sq["run"] and fa["run"].endswith(":" + fx("train.py"))
    assert fa["run"].split(":")[0].isdigit()
    assert oa["given_as"] == ob["given_as"] == "object"
    assert isinstance(oa["id"], int) and oa["id"] == ob["id"]
    assert oa["shared_with"] == []
    assert [s["name"] for s in ob["shared_with"]] == ["functional"]
    assert ob["shared_with"][0]["id"] != oa["id"]
    # Read at compile time, before the real compile: nothing trained (fit is intercepted).
    assert (ob["iterations"], ob["built"]) == (0, False)
    assert oa["class"] == "Adam"
    assert oa["config"]["learning_rate"] == 0.01  # the float32 variable, shown as written
    assert oa["config"]["epsilon"] == 1e-7 and oa["config"]["beta_2"] == 0.999
    assert "name" not in oa["config"]
    assert fa["compile"]["origin"].endswith("train.py:22")
    assert sq["compile"]["outputs"] == [sq["compile"]["outputs"][0]] and sq["compile"]["outputs"][0]


def test_seeds_recorded_in_call_order_without_nested_calls():
    seeds = recipes("train.py", "functional", "sequen")["functional"]["seeds"]
    assert [(s["fn"], s["value"]) for s in seeds] == [
        ("keras.utils.set_random_seed", 42),
        ("np.random.seed", 7),
        ("random.seed", 3),
        ("tf.random.set_seed", 11),
        ("tf.config.experimental.enable_op_determinism", True),
    ]
    assert [s["origin"].rsplit(":", 1)[1] for s in seeds] == ["8", "9", "10", "11", "12"]


def test_fit_defaults_positional_binding_and_callbacks():
    r = recipes("train.py", "functional", "sequen")
    f = r["functional"]["fit"]
    assert f["count"] == 1 and f["origin"].endswith("train.py:23")
    assert (f["batch_size"], f["batch_size_given"], f["epochs"], f["shuffle"]) == (32, False, 2, True)
    assert (f["validation_split"], f["validation_data"], f["class_weight"], f["sample_weight"]) == (
        0.0,
        False,
        None,
        False,
    )
    assert (f["steps_per_epoch"], f["initial_epoch"], f["x_rows"], f["callbacks"]) == (None, 0, 64, [])
    # sequen.fit(x, y, 16, 3, 0, [EarlyStopping(patience=3)], 0.2): bound like Keras binds them.
    s = r["sequen"]["fit"]
    assert (s["batch_size"], s["batch_size_given"], s["epochs"], s["validation_split"]) == (16, True, 3, 0.2)
    assert s["callbacks"] == [
        {
            "class": "EarlyStopping",
            "config": {
                "monitor": "val_loss",
                "min_delta": 0,
                "patience": 3,
                "mode": "auto",
                "baseline": None,
                "restore_best_weights": False,
                "start_from_epoch": 0,
            },
        }
    ]


def test_compile_record_shape_with_defaults():
    c = recipes("train.py", "functional", "sequen")["functional"]["compile"]
    assert c["count"] == 1
    assert c["loss"] == [{"name": "mean_squared_error", "config": {"reduction": "sum_over_batch_size"}}]
    assert (c["loss_given_as"], c["loss_weights"], c["loss_weights_given_as"]) == ("single", [1.0], "none")
    assert c["metrics"] == [["mean_absolute_error"]] and c["weighted_metrics"] == [[]]
    assert (c["run_eagerly"], c["jit_compile"], c["steps_per_execution"]) == (False, "auto", 1)


# --------------------------------------------------------------------------- losses, metrics


LOSS_NAMES = (
    "by_string",
    "by_class",
    "by_function",
    "logits",
    "probs",
    "onehot",
    "binary",
    "custom",
    "never",
)


def test_loss_spellings_normalize_identically_and_string_optimizer_gets_defaults():
    r = recipes("losses.py", *LOSS_NAMES)
    losses = [r[n]["compile"]["loss"] for n in ("by_string", "by_class", "by_function")]
    assert (
        losses[0]
        == losses[1]
        == losses[2]
        == [{"name": "mean_squared_error", "config": {"reduction": "sum_over_batch_size"}}]
    )
    s, o = r["by_string"]["compile"]["optimizer"], r["by_class"]["compile"]["optimizer"]
    assert (s["given_as"], o["given_as"]) == ("string", "object")
    assert s["config"] == o["config"] and s["config"]["epsilon"] == 1e-7
    assert s["config"]["learning_rate"] == 0.001
    assert s["id"] is None and s["shared_with"] == []


def test_from_logits_and_crossentropy_kwargs_filled():
    r = recipes("losses.py", *LOSS_NAMES)
    a = r["logits"]["compile"]["loss"][0]
    b = r["probs"]["compile"]["loss"][0]
    assert a["name"] == b["name"] == "sparse_categorical_crossentropy"
    assert a["config"]["from_logits"] is True and b["config"]["from_logits"] is False
    assert {k: v for k, v in a["config"].items() if k != "from_logits"} == {
        k: v for k, v in b["config"].items() if k != "from_logits"
    }
    assert r["binary"]["compile"]["loss"][0]["config"] == {
        "from_logits": False,
        "label_smoothing": 0.0,
        "axis": -1,
        "reduction": "sum_over_batch_size",
    }


def test_accuracy_resolved_like_keras():
    r = recipes("losses.py", *LOSS_NAMES)
    assert r["logits"]["compile"]["metrics"] == [["sparse_categorical_accuracy (from 'accuracy')"]]
    assert r["probs"]["compile"]["metrics"] == [["sparse_categorical_accuracy (from 'acc')"]]
    assert r["onehot"]["compile"]["metrics"] == [["categorical_accuracy (from 'accuracy')"]]
    assert r["binary"]["compile"]["metrics"] == [["binary_accuracy (from 'accuracy')"]]


def test_custom_loss_schedule_and_never_compiled():
    r = recipes("losses.py", *LOSS_NAMES)
    c = r["custom"]["compile"]
    loss = c["loss"][0]
    assert loss["name"] == loss["callable"] == "my_loss" and len(loss["source"]) == 12
    assert c["optimizer"]["config"]["learning_rate"] == {
        "class": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.9, "staircase": False},
    }
    assert r["never"]["compile"] is None and r["never"]["fit"] is None
    assert r["never"]["seeds"] == []


# --------------------------------------------------------------------------- several outputs


MULTI = ("as_list", "as_dict", "as_dict_reordered", "list_loss_dict_weights")


def test_loss_weights_list_and_dict_by_name_normalize_identically():
    r = recipes("multi.py", *MULTI)
    a, b, c = (r[n]["compile"] for n in MULTI[:3])
    assert a["outputs"] == b["outputs"] == c["outputs"] == ["zeta", "alpha", "mid"]
    assert a["loss_weights"] == b["loss_weights"] == c["loss_weights"] == [1.0, 0.5, 0.2]
    assert (a["loss_weights_given_as"], b["loss_weights_given_as"]) == ("list", "dict")
    assert a["loss"] == b["loss"] == c["loss"]
    assert [x["name"] for x in c["loss"]] == [
        "mean_squared_error",
        "mean_absolute_error",
        "mean_squared_error",
    ]
    assert c["loss_given_as"] == "dict"
    # metrics by name too; an output without metrics gets an empty list
    assert c["metrics"] == [["mean_squared_error"], ["mean_absolute_error"], []]


def test_list_loss_with_dict_weights_follows_keras_sorted_key_order():
    """Keras 3 packs a weights dict into a list-shaped loss by flattening it (sorted keys)."""
    c = recipes("multi.py", *MULTI)["list_loss_dict_weights"]["compile"]
    assert c["loss_weights"] == [0.5, 0.2, 1.0] and c["loss_given_as"] == "list"


def test_fit_with_an_iterator_and_more_callbacks():
    f = recipes("multi.py", *MULTI)["as_list"]["fit"]
    assert (f["batch_size"], f["batch_size_given"], f["x_rows"]) == (None, False, None)
    assert (f["steps_per_epoch"], f["epochs"], f["shuffle"], f["initial_epoch"]) == (5, 4, False, 1)
    by = {cb["class"]: cb["config"] for cb in f["callbacks"]}
    assert list(by) == ["ReduceLROnPlateau", "LearningRateScheduler", "TerminateOnNaN"]
    assert by["ReduceLROnPlateau"]["factor"] == 0.5 and by["ReduceLROnPlateau"]["patience"] == 10
    assert by["LearningRateScheduler"]["schedule"]["callable"] == "<lambda>"
    assert len(by["LearningRateScheduler"]["schedule"]["source"]) == 12


# --------------------------------------------------------------------------- trouble (CLI, exit 2)


@pytest.mark.parametrize(
    "script, line, hint",
    [
        ("k2_lr.py", 4, "learning_rate=: SGD(learning_rate=0.01)"),
        ("k2_decay.py", 4, "keras.optimizers.schedules.InverseTimeDecay"),
        ("k2_input_shape.py", 3, "input_shape=(3,), or better start the model with keras.Input(shape=(3,))"),
        ("k2_backend.py", 6, "use keras.ops.sqrt instead of keras.backend.sqrt"),
    ],
)
def test_keras2_spellings_exit_2_with_one_line_and_the_keras3_spelling(script, line, hint):
    path = os.path.relpath(fx(script))
    result = cli(path, path)
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert f"{script}:{line}:" in lines[0]
    assert hint in lines[0]


def test_run_fit_shared_optimizer_fails_with_the_script_error_and_a_hint():
    path = os.path.relpath(fx("shared_fit.py"))
    result = cli("--run-fit", f"{path}:functional", f"{path}:sequen")
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert "shared_fit.py:16:" in lines[0]
    assert "can only be called for the variables it was originally built with" in lines[0]
    assert "the same optimizer instance was used for two models; create one optimizer per model" in lines[0]

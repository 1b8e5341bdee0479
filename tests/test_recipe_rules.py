"""Recipe rules on hand-built recipes (docs/recipe.md): exact and TensorFlow-free."""

from __future__ import annotations

import copy
from dataclasses import replace

from graphs import mlp
from kerasdiff.engine import compare_graphs
from kerasdiff.report import Format, render
from kerasdiff.rules import diff_graphs

ADAM = {
    "class": "Adam",
    "given_as": "object",
    "id": 11,
    "shared_with": [],
    "iterations": 0,
    "built": False,
    "config": {"learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False},
}
MSE = {"name": "mean_squared_error", "config": {"reduction": "sum_over_batch_size"}}


def recipe(**over):
    r = {
        "run": "1:/x/train.py",
        "seeds": [{"fn": "keras.utils.set_random_seed", "value": 1, "origin": "train.py:3"}],
        "compile": {
            "origin": "train.py:20",
            "count": 1,
            "optimizer": copy.deepcopy(ADAM),
            "outputs": ["dense_2"],
            "loss": [MSE],
            "loss_given_as": "single",
            "loss_weights": [1.0],
            "loss_weights_given_as": "none",
            "metrics": [["mean_absolute_error"]],
            "weighted_metrics": [[]],
            "run_eagerly": False,
            "jit_compile": "auto",
            "steps_per_execution": 1,
        },
        "fit": {
            "origin": "train.py:30",
            "count": 1,
            "batch_size": 32,
            "batch_size_given": False,
            "epochs": 5,
            "shuffle": True,
            "validation_split": 0.0,
            "validation_data": False,
            "class_weight": None,
            "sample_weight": False,
            "steps_per_epoch": None,
            "initial_epoch": 0,
            "x_rows": 100,
            "callbacks": [{"class": "EarlyStopping", "config": {"monitor": "val_loss", "patience": 3}}],
        },
    }
    for path, value in over.items():
        node = r
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value
    return r


def pair(ra, rb, name_a="functional", name_b="sequen", same_instance=False):
    """Two models of one script run; each has its own optimizer object unless same_instance."""
    if not same_instance and rb.get("compile") and ra.get("compile"):
        rb["compile"]["optimizer"]["id"] = ra["compile"]["optimizer"]["id"] + 1
    return replace(mlp(), recipe=ra, name=name_a, spec="train.py:" + name_a), replace(
        mlp(), recipe=rb, name=name_b, spec="train.py:" + name_b
    )


def codes(ra, rb):
    return [f.code for f in diff_graphs(*pair(ra, rb))]


def test_same_recipe_no_findings():
    assert codes(recipe(), recipe()) == []


def test_shared_optimizer_instance_is_first_error():
    rb = recipe()
    rb["compile"]["optimizer"]["shared_with"] = [{"id": 7, "name": "functional"}]
    found = diff_graphs(*pair(recipe(), rb, same_instance=True))
    assert found[0].code == "KD311" and found[0].kind == "optimizer-state"
    assert "same Adam" in found[0].message and "one optimizer per model" in found[0].fix
    assert [f.code for f in found].count("KD311") == 1


def test_shared_optimizer_seen_from_other_runs():
    rb = recipe(run="2:/x/other.py")
    rb["compile"]["optimizer"]["shared_with"] = [{"id": 7, "name": "functional"}]
    found = diff_graphs(*pair(recipe(run="9:/y/a.py"), rb))
    assert [f.code for f in found] == ["KD311"] and "already compiled into functional" in found[0].message


def test_used_optimizer():
    rb = recipe()
    rb["compile"]["optimizer"]["iterations"] = 5
    assert codes(recipe(), rb) == ["KD312"]


def test_optimizer_class_and_settings():
    rb = recipe()
    rb["compile"]["optimizer"]["class"] = "SGD"
    assert codes(recipe(), rb) == ["KD301"]
    rb = recipe()
    rb["compile"]["optimizer"]["config"]["epsilon"] = 1e-08
    rb["compile"]["optimizer"]["config"]["learning_rate"] = {
        "class": "ExponentialDecay",
        "config": {"decay_steps": 10},
    }
    found = diff_graphs(*pair(recipe(), rb))
    assert sorted(f.a_path for f in found) == ["compile.optimizer.epsilon", "compile.optimizer.learning_rate"]
    assert {f.code for f in found} == {"KD302"}


def test_loss_and_from_logits():
    rb = recipe(compile__loss=[{"name": "categorical_crossentropy", "config": {"from_logits": True}}])
    ra = recipe(compile__loss=[{"name": "categorical_crossentropy", "config": {"from_logits": False}}])
    found = diff_graphs(*pair(ra, rb))
    assert [f.code for f in found] == ["KD321"] and "from_logits=True" in found[0].message


def test_loss_weights_list_vs_dict():
    three = ["age", "income", "gender"]
    ra = recipe(
        compile__outputs=three,
        compile__loss=[MSE] * 3,
        compile__loss_weights=[0.25, 1.0, 10.0],
        compile__loss_weights_given_as="list",
    )
    rb = recipe(
        compile__outputs=three,
        compile__loss=[MSE] * 3,
        compile__loss_weights=[0.25, 1.0, 10.0],
        compile__loss_weights_given_as="dict",
    )
    found = diff_graphs(*pair(ra, rb))
    assert [(f.code, f.severity) for f in found] == [("KD323", "info")]
    rb["compile"]["loss_weights"] = [10.0, 1.0, 0.25]
    found = diff_graphs(*pair(ra, rb))
    assert [f.code for f in found] == ["KD322"]
    assert "age: 0.25 vs 10.0" in found[0].message


def test_metrics_are_a_warning():
    rb = recipe(compile__metrics=[["binary_accuracy (from 'accuracy')"]])
    found = diff_graphs(*pair(recipe(), rb))
    assert [(f.code, f.severity) for f in found] == [("KD331", "warning")]


def test_fit_settings_and_callbacks():
    rb = recipe(
        fit__batch_size=256,
        fit__callbacks=[{"class": "EarlyStopping", "config": {"monitor": "val_loss", "patience": 10}}],
    )
    found = diff_graphs(*pair(recipe(), rb))
    assert sorted((f.code, f.a_path) for f in found) == [
        ("KD341", "fit.batch_size"),
        ("KD342", "fit.callbacks.EarlyStopping.patience"),
    ]
    rb = recipe(fit__callbacks=[])
    found = diff_graphs(*pair(recipe(), rb))
    assert [f.code for f in found] == ["KD342"] and "A's fit only" in found[0].message


def test_one_side_not_compiled_is_a_warning():
    """Nothing known to differ, but the training cannot be compared: a blind spot, not cosmetic."""
    rb = recipe(compile=None, fit=None)
    found = diff_graphs(*pair(recipe(), rb))
    assert [(f.code, f.severity) for f in found] == [("KD343", "warning")]


def test_seeding_differs_and_unseeded_reported_once():
    found = diff_graphs(*pair(recipe(), recipe(seeds=[])))
    assert [(f.code, f.severity) for f in found] == [("KD351", "warning")]
    # 500 unseeded layers: at most one randomness finding.
    from graphs import chain, dense

    big = chain(*[dense(f"d{i}", 4, "relu", 4) for i in range(500)])
    a = replace(big, recipe=recipe(seeds=[], run="1:/x/a.py"), spec="a.py")
    b = replace(big, recipe=recipe(seeds=[], run="2:/x/b.py"), spec="b.py")
    found = diff_graphs(a, b)
    assert [f.code for f in found] == ["KD352"]
    assert diff_graphs(a, replace(a)) == []  # the same spec compared with itself: nothing


def test_training_section_in_text_and_paths_in_json():
    import json

    rb = recipe(fit__batch_size=64)
    report = compare_graphs(*pair(recipe(), rb))
    text = render(report, Format.TEXT)
    assert "Training (compile, fit, seeds)" in text and "KD341" in text
    doc = json.loads(render(report, Format.JSON))
    assert doc["findings"][0]["a_path"] == "fit.batch_size"


def test_a_warning_that_fits_every_pair_ranks_after_the_specific_ones():
    from graphs import chain, dense

    big = chain(dense("d0", 4, "relu", 4), dense("d1", 1, "linear", 4))
    a = replace(big, recipe=recipe(seeds=[], run="1:/x/a.py"), spec="a.py")
    b = replace(big, recipe=recipe(seeds=[], run="2:/x/b.py", compile__metrics=[["mse"]]), spec="b.py")
    assert [f.code for f in diff_graphs(a, b)] == ["KD331", "KD352"]

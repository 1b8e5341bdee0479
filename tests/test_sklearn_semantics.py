"""sklearn MLP semantics -> Keras plan: the numbers (fast; no TensorFlow)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from kerasdiff.graph import Graph
from kerasdiff.load.sklearn import semantics as sem
from kerasdiff.load.sklearn.emit import emit_keras

FIT_1000 = {
    "n_samples": 1000,
    "n_features": 8,
    "x_dtype": "float64",
    "y_shape": [1000],
    "y_kind": "continuous",
}


def _seed004(activation="relu", **kw):
    sk = pytest.importorskip("sklearn.neural_network")
    params = dict(
        hidden_layer_sizes=(64, 64), activation=activation, solver="adam", alpha=0.01, batch_size="auto"
    )
    params.update(kw)
    return sk.MLPRegressor(**params)


def _by_topic(plan):
    return {d["topic"]: d for d in sem.differences(plan)}


def test_module_imports_without_sklearn_or_tensorflow():
    code = (
        "import sys; sys.modules['sklearn'] = None; sys.modules['tensorflow'] = None; "
        "sys.modules['keras'] = None; import kerasdiff.load.sklearn.semantics, kerasdiff.load.sklearn.emit, "
        "kerasdiff.load.sklearn.rules; print('ok')"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0 and "ok" in res.stdout, res.stderr


@pytest.mark.parametrize("activation", ["relu", "logistic"])
def test_seed004_plan_numbers(activation):
    facts = sem.facts_from_estimator(_seed004(activation), fit=FIT_1000)
    assert facts["estimator"] == "MLPRegressor" and not facts["fitted"]
    assert facts["n_features"] == 8 and facts["n_features_source"] == "fit"
    assert facts["n_outputs"] == 1 and facts["out_activation"] == "identity"
    assert facts["out_activation_source"] == "estimator-type"
    assert facts["params"]["hidden_layer_sizes"] == [64, 64]
    json.dumps(facts)

    plan = sem.keras_plan(facts)
    assert plan["batch_size"] == 200  # 'auto' = min(200, 1000)
    assert plan["l2"]["keras_l2"] == pytest.approx(0.01 / (2 * 200))
    assert plan["l2"]["last_batch"] is None  # 1000 = 5 x 200
    assert plan["loss"]["name"] == "mean_squared_error" and plan["loss"]["scale"] == 0.5
    assert plan["optimizer"]["class"] == "Adam"
    assert plan["optimizer"]["config"]["epsilon"] == 1e-8
    assert plan["dtype"] == "float64"
    assert plan["epochs"] == 200
    assert plan["stopping"] == {
        "tol": 1e-4,
        "n_iter_no_change": 10,
        "early_stopping": False,
        "validation_fraction": 0.1,
        "monitor": "loss",
        "max_iter": 200,
    }
    factor = 2.0 if activation == "logistic" else 6.0
    fans = [(8, 64), (64, 64), (64, 1)]
    assert [l["init_limit"] for l in plan["layers"]] == pytest.approx(
        [math.sqrt(factor / (a + b)) for a, b in fans]
    )  # output layer uses the hidden factor too
    assert [l["activation"] for l in plan["layers"]] == [
        "sigmoid" if activation == "logistic" else "relu"
    ] * 2 + ["linear"]

    d = _by_topic(plan)
    assert {"loss", "l2", "init", "dtype", "optimizer", "batch_size", "epochs", "stopping"} <= set(d)
    assert "2.5e-05" in d["l2"]["numbers"] and "400x" in d["l2"]["numbers"]
    assert d["l2"]["kind"] == "regularizer" and d["loss"]["kind"] == "loss"
    assert "1e-08" in d["optimizer"]["numbers"]
    assert "tol=0.0001" in d["stopping"]["numbers"] and "n_iter_no_change=10" in d["stopping"]["numbers"]
    assert "float64" in d["dtype"]["numbers"]
    lim0 = f"{math.sqrt(factor / 72):.6g}"
    assert lim0 in d["init"]["numbers"]
    for diff in sem.differences(plan):
        assert set(diff) == {"code", "topic", "kind", "sklearn", "keras", "numbers", "params"}
        assert diff["kind"] in ("loss", "regularizer", "optimizer", "initializer", "dtype", "training-config")


def test_partial_last_batch_and_early_stopping_n_train():
    facts = sem.facts_from_estimator(_seed004(batch_size=64), fit={**FIT_1000, "n_samples": 1000})
    plan = sem.keras_plan(facts)
    assert plan["l2"]["last_batch"] == 1000 % 64
    assert plan["l2"]["keras_l2_last_batch"] == pytest.approx(0.01 / (2 * 40))
    assert "last batch of 40" in _by_topic(plan)["l2"]["numbers"]

    facts = sem.facts_from_estimator(_seed004(early_stopping=True), fit=FIT_1000)
    plan = sem.keras_plan(facts)
    assert plan["n_train"] == 900 and plan["batch_size"] == 200
    assert plan["l2"]["last_batch"] == 100
    assert plan["stopping"]["monitor"] == "val_r2"


def test_unknown_width_comes_from_the_keras_side():
    facts = sem.facts_from_estimator(_seed004())
    assert facts["n_features"] is None and facts["n_features_source"] is None
    plan = sem.keras_plan(facts)
    assert plan["layers"][0]["init_limit"] is None
    assert plan["batch_size"] == 200 and not plan["batch_size_exact"]
    plan = sem.keras_plan({**facts, "n_features": 5, "n_features_source": "keras"})
    assert plan["layers"][0]["init_limit"] == pytest.approx(math.sqrt(6 / 69))


def test_multi_output_regression_gradient_scale():
    facts = sem.facts_from_estimator(_seed004(), fit={**FIT_1000, "y_shape": [1000, 3]})
    plan = sem.keras_plan(facts)
    assert plan["loss"]["gradient_scale"] == 1.5
    assert "3x" in _by_topic(plan)["loss"]["numbers"]


def test_classifier_output_activation_and_loss():
    sk = pytest.importorskip("sklearn.neural_network")
    clf = sk.MLPClassifier(hidden_layer_sizes=(10,), solver="sgd", learning_rate="invscaling")
    fit = {"n_samples": 300, "n_features": 4, "x_dtype": "float32", "y_shape": [300], "y_kind": "binary"}
    facts = sem.facts_from_estimator(clf, fit=fit)
    assert facts["out_activation"] == "logistic" and facts["out_activation_source"] == "fit-y"
    plan = sem.keras_plan(facts)
    assert plan["layers"][-1]["activation"] == "sigmoid" and plan["layers"][-1]["units"] == 1
    assert plan["loss"] == {"name": "binary_crossentropy", "scale": 1.0}
    assert plan["dtype"] == "float32" and "dtype" not in _by_topic(plan)
    assert plan["optimizer"] == {
        "class": "SGD",
        "config": {"learning_rate": 0.001, "momentum": 0.9, "nesterov": True},
    }
    assert plan["schedule"]["kind"] == "invscaling" and plan["schedule"]["samples_per_epoch"] == 300
    assert plan["batch_size"] == 200 and plan["l2"]["last_batch"] == 100

    facts = sem.facts_from_estimator(clf, fit={**fit, "y_kind": "multiclass", "n_classes": 4})
    plan = sem.keras_plan(facts)
    assert plan["layers"][-1] == {**plan["layers"][-1], "activation": "softmax", "units": 4}
    assert plan["loss"]["name"] == "categorical_crossentropy"

    facts = sem.facts_from_estimator(clf, fit={**fit, "y_shape": [300, 3], "y_kind": "multilabel"})
    plan = sem.keras_plan(facts)
    assert plan["loss"] == {"name": "binary_crossentropy", "scale": 3.0}


def test_lbfgs_has_no_keras_optimizer():
    plan = sem.keras_plan(sem.facts_from_estimator(_seed004(solver="lbfgs"), fit=FIT_1000))
    assert plan["optimizer"] is None
    assert "no Keras equivalent" in _by_topic(plan)["optimizer"]["numbers"]
    assert "make_optimizer" in emit_keras(plan)


def test_pipeline_and_fitted_estimator():
    pytest.importorskip("sklearn")
    import numpy as np
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rs = np.random.RandomState(0)
    X, y = rs.normal(size=(50, 3)), rs.normal(size=50)
    pipe = make_pipeline(StandardScaler(), _seed004(hidden_layer_sizes=(4,), max_iter=2, random_state=0))
    with pytest.warns(Warning):
        pipe.fit(X, y)
    facts = sem.facts_from_estimator(pipe)
    assert facts["pipeline_steps"] == ["StandardScaler"]
    assert facts["fitted"] and facts["n_features"] == 3 and facts["n_features_source"] == "coefs_"
    assert facts["out_activation_source"] == "fitted" and facts["n_samples"] == 50
    assert facts["x_dtype"] == "float64"
    assert "preprocessing" in _by_topic(sem.keras_plan(facts))


def test_plan_to_graph_round_trips():
    plan = sem.keras_plan(sem.facts_from_estimator(_seed004(), fit=FIT_1000))
    g = sem.plan_to_graph(plan, "sk.py", "model")
    assert g.framework == "sklearn" and g.cls == "MLPRegressor"
    assert [l.key for l in g.layers] == ["dense", "dense_1", "dense_2"]
    assert [l.params for l in g.layers] == [8 * 64 + 64, 64 * 64 + 64, 64 + 1]
    assert g.params == sum(l.params for l in g.layers)
    assert g.inputs[0].shape == (None, 8) and g.inputs[0].dtype == "float64"
    assert g.outputs[0].ref == "c2:0" and g.calls[1].inputs == ("c0:0",)
    cfg = g.layers[0].config
    assert cfg["kernel_initializer"] == {
        "class": "RandomUniform",
        "config": {"minval": -math.sqrt(6 / 72), "maxval": math.sqrt(6 / 72), "seed": None},
    }
    assert cfg["bias_initializer"] == cfg["kernel_initializer"]
    assert cfg["kernel_regularizer"] == {"class": "L2", "config": {"l2": 0.01 / 400}}
    assert g.layers[0].dtype == "float64"
    r = g.recipe
    assert r["compile"]["optimizer"]["config"]["epsilon"] == 1e-8
    assert r["compile"]["loss"][0]["name"] == "mean_squared_error"
    assert r["compile"]["loss"][0]["config"]["scale"] == 0.5
    assert r["fit"]["batch_size"] == 200 and r["fit"]["epochs"] == 200
    assert r["sklearn"]["estimator"] == "MLPRegressor" and "facts" not in r["plan"]
    assert r["plan"]["l2"]["keras_l2"] == 0.01 / 400
    back = Graph.from_json(g.to_json())
    assert back == g
    assert json.loads(back.to_json()) == json.loads(g.to_json())


def test_emitted_code_is_valid_python_with_the_numbers():
    plan = sem.keras_plan(sem.facts_from_estimator(_seed004(activation="logistic"), fit=FIT_1000))
    code = emit_keras(plan)
    compile(code, "<emitted>", "exec")
    for needle in (
        "def build_model(",
        "def fit(model, X, y",
        'set_floatx("float64")',
        "RandomUniform(-lim, lim)",
        "L2 = ALPHA / (2.0 * BATCH_SIZE)",
        "BATCH_SIZE = 200",
        "epsilon=1e-08",
        "loss_weights=0.5",
        "class SklearnTolStop",
        "TOL = 0.0001",
        "N_ITER_NO_CHANGE = 10",
        'factor = 2.0 if HIDDEN_ACTIVATION == "logistic"',
    ):
        assert needle in code, needle

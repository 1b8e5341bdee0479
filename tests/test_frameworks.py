"""scikit-learn vs Keras rules on plans built from facts (no TensorFlow, no scikit-learn needed)."""

from __future__ import annotations

import copy
from dataclasses import replace

from graphs import chain, dense
from kerasdiff.engine import compare_graphs
from kerasdiff.load.sklearn import semantics as sem

PARAMS = {
    "hidden_layer_sizes": [8],
    "activation": "relu",
    "solver": "adam",
    "alpha": 0.01,
    "batch_size": "auto",
    "learning_rate": "constant",
    "learning_rate_init": 0.001,
    "power_t": 0.5,
    "max_iter": 50,
    "shuffle": False,
    "random_state": 0,
    "tol": 1e-4,
    "momentum": 0.9,
    "nesterovs_momentum": True,
    "early_stopping": False,
    "validation_fraction": 0.1,
    "beta_1": 0.9,
    "beta_2": 0.999,
    "epsilon": 1e-8,
    "n_iter_no_change": 10,
    "max_fun": 15000,
}


def facts(**over):
    f = {
        "estimator": "MLPRegressor",
        "origin": "sk.py:9",
        "pipeline_steps": [],
        "params": copy.deepcopy(PARAMS),
        "fitted": False,
        "n_features": 3,
        "n_features_source": "fit",
        "n_outputs": 1,
        "n_samples": 400,
        "out_activation": "identity",
        "out_activation_source": "estimator-type",
        "x_dtype": "float64",
    }
    for k, v in over.items():
        if k in PARAMS:
            f["params"][k] = v
        else:
            f[k] = v
    return f


def sk_graph(**over):
    return sem.plan_to_graph(sem.keras_plan(facts(**over)), "sk.py", "mlp")


def keras_like(g, **recipe_over):
    """The Keras side: the sklearn graph itself (a perfect port), then edited per test."""
    k = replace(
        g,
        framework="keras",
        cls="Sequential",
        spec="k.py",
        name="model",
        recipe={**copy.deepcopy(g.recipe), **recipe_over},
    )
    k.recipe.pop("sklearn", None)
    k.recipe.pop("plan", None)
    return k


def codes(a, b):
    return [f.code for f in compare_graphs(a, b).findings]


def test_a_perfect_port_has_no_semantics_findings():
    g = sk_graph()
    found = compare_graphs(g, keras_like(g)).findings
    assert [f for f in found if f.kind == "framework-semantics"] == []
    assert all(f.severity == "info" for f in found)


def test_adam_epsilon_is_explained_first():
    g = sk_graph()
    k = keras_like(g)
    k.recipe["compile"]["optimizer"]["config"]["epsilon"] = 1e-07
    found = compare_graphs(g, k).findings
    assert found[0].code == "KD406" and found[0].related == ("KD302",)
    assert "KD302" not in [f.code for f in found]
    assert "1e-08" in found[0].message or "1e-8" in found[0].message
    assert [(d[2], d[3], d[4]) for d in found[0].details] == [("epsilon", 1e-08, 1e-07)]


def test_batch_size_auto():
    g = sk_graph()
    k = keras_like(g)
    k.recipe["fit"]["batch_size"] = 32
    found = compare_graphs(g, k).findings
    assert found[0].code == "KD407" and "200" in found[0].message
    assert found[0].related == ("KD341",) and "KD341" not in [f.code for f in found]


def test_lbfgs_has_no_keras_equivalent():
    g = sk_graph(solver="lbfgs")
    k = keras_like(sk_graph())
    assert "KD408" in codes(g, k)


def test_pipeline_and_width_from_keras_are_info():
    from kerasdiff.load.sklearn import SklearnFramework

    g = sk_graph(pipeline_steps=["StandardScaler"], n_features=None, n_features_source=None)
    k = keras_like(sk_graph())
    found = compare_graphs(g, k).findings
    by_code = {f.code: f for f in found}
    assert by_code["KD409"].severity == "info" and "StandardScaler" in by_code["KD409"].message
    assert by_code["KD410"].severity == "info" and "3" in by_code["KD410"].message
    assert SklearnFramework().complete(g, k).inputs[0].shape == (None, 3)


def test_classifier_output_activation():
    g = sk_graph(estimator="MLPClassifier", out_activation="logistic", n_outputs=1, task="classification")
    k = keras_like(g)
    lay = k.layers[-1]
    k = replace(k, layers=k.layers[:-1] + (replace(lay, config={**lay.config, "activation": "softmax"}),))
    found = compare_graphs(g, k).findings
    assert found[0].code == "KD411" and "sigmoid" in found[0].message


def test_sides_swapped_mirror():
    g = sk_graph()
    k = keras_like(g)
    k.recipe["fit"]["batch_size"] = 32
    ab = sorted(f.code for f in compare_graphs(g, k).findings)
    ba = sorted(f.code for f in compare_graphs(k, g).findings)
    assert ab == ba


def test_keras_side_without_fit_does_not_guess_fit_defaults():
    g = sk_graph()
    k = keras_like(g, fit=None)
    found = compare_graphs(g, k).findings
    assert [f.code for f in found if f.kind == "framework-semantics"] == []
    assert "KD343" in [f.code for f in found]


def test_hand_built_keras_mlp_reports_the_big_five():
    g = sk_graph(activation="logistic", solver="sgd", alpha=1.0)
    k = chain(dense("dense", 8, "sigmoid", 3), dense("dense_1", 1, "linear", 8), cls="Sequential", name="k")
    k = replace(
        k,
        recipe={
            "run": "2:k.py",
            "seeds": [{"fn": "keras.utils.set_random_seed", "value": 0}],
            "compile": {
                "optimizer": {
                    "class": "SGD",
                    "given_as": "object",
                    "config": {"learning_rate": 0.001, "momentum": 0.9, "nesterov": True},
                },
                "outputs": ["dense_1"],
                "loss": [{"name": "mean_squared_error", "config": {"reduction": "sum_over_batch_size"}}],
                "loss_weights": [1.0],
            },
            "fit": {"batch_size": 200, "epochs": 50, "shuffle": False, "callbacks": []},
        },
    )
    found = compare_graphs(g, k).findings
    sem_codes = [f.code for f in found if f.kind == "framework-semantics"]
    assert found[0].kind == "framework-semantics"
    for code in ("KD401", "KD402", "KD403", "KD404", "KD405"):
        assert code in sem_codes, (code, sem_codes)


def test_port_mistakes_are_one_finding_per_code_with_per_layer_rows():
    """Every Dense of the port keeps Keras's initializers: ONE KD111 listing the 4 settings."""
    g = sk_graph(activation="logistic", solver="sgd", alpha=1.0)
    k = chain(dense("dense", 8, "sigmoid", 3), dense("dense_1", 1, "linear", 8), cls="Sequential", name="k")
    k = replace(
        k,
        recipe={
            "compile": {
                "optimizer": {
                    "class": "SGD",
                    "given_as": "object",
                    "config": {"learning_rate": 0.001, "momentum": 0.9, "nesterov": True},
                },
                "outputs": ["dense_1"],
                "loss": [{"name": "mean_squared_error", "config": {}}],
                "loss_weights": [1.0],
            },
            "fit": {"batch_size": 200, "epochs": 50, "shuffle": False, "callbacks": []},
        },
    )
    found = compare_graphs(g, k).findings
    # one cause, one finding: the per-layer initializer differences sit under KD403
    assert "KD111" not in [f.code for f in found]
    kd403 = [f for f in found if f.code == "KD403"]
    assert len(kd403) == 1 and kd403[0].related == ("KD111",)
    rows = kd403[0].details
    assert [(r[0], r[2]) for r in rows] == [
        ("dense", "kernel_initializer"),
        ("dense", "bias_initializer"),
        ("dense_1", "kernel_initializer"),
        ("dense_1", "bias_initializer"),
    ]
    assert rows[0][3]["class"] == "RandomUniform" and rows[0][4]["class"] == "GlorotUniform"
    assert kd403[0].to_dict()["details"][1]["b_value"]["class"] == "Zeros"
    assert kd403[0].to_dict()["related"] == ["KD111"]
    # the synthetic callbacks standing for sklearn's tol stop are never reported as KD342
    assert not any(f.code == "KD342" and "Sklearn" in f.a_path for f in found)
    kd405 = next(f for f in found if f.code == "KD405")
    # like the other semantic findings, it names its training-config counterpart
    assert kd405.related == ("KD342",) and kd405.details[0][2] == "callbacks"
    assert "no callbacks" in kd405.details[0][4]


def test_unfitted_estimator_takes_its_output_width_from_the_other_model():
    g = sk_graph(n_features=None, n_features_source=None, n_outputs=None)
    k = keras_like(sk_graph())
    found = compare_graphs(g, k).findings
    assert not [f for f in found if f.attribute == "units"], [f.message for f in found]
    kd410 = next(f for f in found if f.code == "KD410")
    assert "output width 1" in kd410.message and "input width 3" in kd410.message
    kd403 = [f for f in found if f.code == "KD403"]
    assert not kd403 or "?" not in kd403[0].message

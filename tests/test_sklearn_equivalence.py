"""The proof: the emitted Keras code trains EXACTLY like the scikit-learn estimator.

Initial weights: sklearn draws them in ``_init_coef`` (kernel, then bias, per layer). We wrap that
method on the estimator instance and keep a copy of every draw (the arrays are then updated in
place by training), so the exact starting point is captured without relying on RNG internals;
the emitted ``sklearn_initial_weights()`` (numpy redraw) is checked against the same capture.
Both sides train with ``shuffle=False`` in float64 on data whose size is a multiple of the batch
size, and the per-epoch losses (``loss_curve_`` vs ``history['loss']``) must agree to 1e-6
relative.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
keras = pytest.importorskip("keras")

from kerasdiff.load.sklearn import semantics as sem  # noqa: E402
from kerasdiff.load.sklearn.emit import emit_keras  # noqa: E402

pytestmark = pytest.mark.keras

RTOL = 1e-6
MEASURED: dict = {}


@pytest.fixture(autouse=True)
def _restore_keras_dtype():
    floatx = keras.config.floatx()
    policy = keras.config.dtype_policy()
    yield
    keras.config.set_floatx(floatx)
    keras.config.set_dtype_policy(policy)


def _capture_init(est):
    """Record copies of sklearn's initial (kernel, bias) draws, in get_weights() order."""
    drawn: list = []
    real = est._init_coef

    def spy(fan_in, fan_out, dtype):
        coef, intercept = real(fan_in, fan_out, dtype)
        drawn.extend([coef.copy(), intercept.copy()])
        return coef, intercept

    est._init_coef = spy
    return drawn


def _exec_emitted(est, n_samples, n_features, y):
    from sklearn.utils.multiclass import type_of_target

    kind = {
        "continuous": "continuous",
        "continuous-multioutput": "continuous",
        "binary": "binary",
        "multiclass": "multiclass",
        "multilabel-indicator": "multilabel",
    }[type_of_target(y)]
    fit_info = {
        "n_samples": n_samples,
        "n_features": n_features,
        "x_dtype": "float64",
        "y_shape": list(np.shape(y)),
        "y_kind": kind,
    }
    plan = sem.keras_plan(sem.facts_from_estimator(est, fit=fit_info))
    code = emit_keras(plan)
    ns: dict = {"__name__": "kerasdiff_emitted"}
    exec(compile(code, "<emitted>", "exec"), ns)  # noqa: S102 - our own generated code
    return plan, ns


def _run_pair(est, X, y, epochs):
    """Fit sklearn (capturing its init), train the emitted Keras model from the same weights."""
    drawn = _capture_init(est)
    est.fit(X, y)
    plan, ns = _exec_emitted(est, X.shape[0], X.shape[1], y)
    model = ns["build_model"](X.shape[1], initial_weights=drawn)
    for w, d in zip(model.get_weights(), drawn):
        assert w.dtype == np.float64
        np.testing.assert_array_equal(w, d)
    hist = ns["fit"](model, X, y, epochs=epochs)
    return plan, ns, drawn, np.asarray(est.loss_curve_), np.asarray(hist.history["loss"])


def _data(n=64, d=3, k=2, seed=0):
    rs = np.random.RandomState(seed)
    X = rs.normal(size=(n, d))
    W = rs.normal(size=(d, k))
    y = np.tanh(X @ W) + 0.1 * rs.normal(size=(n, k))
    return X, y


def _max_rel(a, b):
    return float(np.max(np.abs(a - b) / np.abs(a)))


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("alpha", [0.0, 0.01])
def test_regressor_epoch_losses_match(solver, alpha):
    from sklearn.neural_network import MLPRegressor

    X, y = _data()
    epochs = 5
    est = MLPRegressor(
        hidden_layer_sizes=(8, 6),
        activation="tanh",
        solver=solver,
        alpha=alpha,
        batch_size=16,
        learning_rate_init=0.01,
        max_iter=epochs,
        shuffle=False,
        random_state=3,
        tol=0.0,
        n_iter_no_change=1000,
    )
    with pytest.warns(Warning):  # ConvergenceWarning: max_iter reached (on purpose)
        plan, ns, drawn, sk, kr = _run_pair(est, X, y, epochs)
    # the numpy redraw in the emitted code is sklearn's own init
    redrawn, _ = ns["sklearn_initial_weights"](3, X.shape[1])
    for a, b in zip(redrawn, drawn):
        np.testing.assert_array_equal(a, b)
    assert plan["l2"]["keras_l2"] == alpha / 32
    assert len(sk) == len(kr) == epochs
    err = _max_rel(sk, kr)
    MEASURED[f"MLPRegressor solver={solver} alpha={alpha}"] = err
    print("max relative error", f"MLPRegressor solver={solver} alpha={alpha}", err)
    assert err < RTOL, (sk, kr)


@pytest.mark.parametrize("activation", ["relu", "logistic"])
def test_regressor_default_init_via_random_state(activation):
    """Without copying weights: build_model() redraws sklearn's init from random_state itself."""
    from sklearn.neural_network import MLPRegressor

    X, y = _data(n=40, k=1)
    y = y.ravel()
    est = MLPRegressor(
        hidden_layer_sizes=(5,),
        activation=activation,
        solver="adam",
        alpha=0.001,
        batch_size=20,
        max_iter=4,
        shuffle=False,
        random_state=7,
        tol=0.0,
        n_iter_no_change=1000,
    )
    with pytest.warns(Warning):
        est.fit(X, y)
    plan, ns = _exec_emitted(est, 40, 3, y)
    model = ns["build_model"]()
    hist = ns["fit"](model, X, y, epochs=4)
    err = _max_rel(np.asarray(est.loss_curve_), np.asarray(hist.history["loss"]))
    MEASURED[f"MLPRegressor activation={activation} (init from random_state)"] = err
    print("max relative error", f"MLPRegressor activation={activation} (init from random_state)", err)
    assert err < RTOL


def test_binary_classifier_epoch_losses_match():
    from sklearn.neural_network import MLPClassifier

    rs = np.random.RandomState(1)
    X = rs.normal(size=(64, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    est = MLPClassifier(
        hidden_layer_sizes=(6,),
        activation="relu",
        solver="adam",
        alpha=0.01,
        batch_size=16,
        learning_rate_init=0.01,
        max_iter=5,
        shuffle=False,
        random_state=0,
        tol=0.0,
        n_iter_no_change=1000,
    )
    with pytest.warns(Warning):
        plan, ns, drawn, sk, kr = _run_pair(est, X, y, 5)
    assert plan["layers"][-1]["activation"] == "sigmoid"
    err = _max_rel(sk, kr)
    MEASURED["MLPClassifier binary adam alpha=0.01"] = err
    print("max relative error", "MLPClassifier binary adam alpha=0.01", err)
    assert err < RTOL, (sk, kr)


def test_sgd_invscaling_schedule_matches():
    from sklearn.neural_network import MLPRegressor

    X, y = _data()
    est = MLPRegressor(
        hidden_layer_sizes=(8,),
        activation="relu",
        solver="sgd",
        alpha=0.01,
        batch_size=32,
        learning_rate="invscaling",
        learning_rate_init=0.05,
        power_t=0.25,
        momentum=0.5,
        nesterovs_momentum=False,
        max_iter=5,
        shuffle=False,
        random_state=2,
        tol=0.0,
        n_iter_no_change=1000,
    )
    with pytest.warns(Warning):
        plan, ns, drawn, sk, kr = _run_pair(est, X, y, 5)
    assert plan["schedule"]["kind"] == "invscaling"
    err = _max_rel(sk, kr)
    MEASURED["MLPRegressor sgd invscaling"] = err
    print("max relative error", "MLPRegressor sgd invscaling", err)
    assert err < RTOL, (sk, kr)


def test_tol_stop_stops_at_the_same_epoch():
    from sklearn.neural_network import MLPRegressor

    X, y = _data()
    # a large tol makes the loss "not improve" quickly: sklearn stops after n_iter_no_change + 1
    est = MLPRegressor(
        hidden_layer_sizes=(8,),
        activation="tanh",
        solver="sgd",
        alpha=0.01,
        batch_size=16,
        learning_rate_init=0.01,
        max_iter=50,
        shuffle=False,
        random_state=4,
        tol=0.02,
        n_iter_no_change=3,
    )
    plan, ns, drawn, sk, kr = _run_pair(est, X, y, 50)
    assert len(sk) < 50, "the case must trigger sklearn's tol stop"
    assert len(kr) == len(sk)
    err = _max_rel(sk, kr)
    MEASURED[f"tol stop (stopped after {len(sk)} epochs)"] = err
    print("max relative error", f"tol stop (stopped after {len(sk)} epochs)", err)
    assert err < RTOL


def test_adaptive_learning_rate_matches():
    from sklearn.neural_network import MLPRegressor

    X, y = _data()
    est = MLPRegressor(
        hidden_layer_sizes=(8,),
        activation="tanh",
        solver="sgd",
        alpha=0.0,
        batch_size=16,
        learning_rate="adaptive",
        learning_rate_init=0.01,
        max_iter=12,
        shuffle=False,
        random_state=4,
        tol=0.02,
        n_iter_no_change=2,
    )
    with pytest.warns(Warning):
        plan, ns, drawn, sk, kr = _run_pair(est, X, y, 12)
    assert est._optimizer.learning_rate < 0.01, "the case must trigger the adaptive division"
    assert len(kr) == len(sk)
    err = _max_rel(sk, kr)
    MEASURED["MLPRegressor sgd adaptive"] = err
    print("max relative error", "MLPRegressor sgd adaptive", err)
    assert err < RTOL


def test_emitted_script_runs_standalone(tmp_path):
    """The emitted code is a complete script (as printed by --emit-keras)."""
    import subprocess
    import sys

    from sklearn.neural_network import MLPRegressor

    est = MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    plan = sem.keras_plan(
        sem.facts_from_estimator(
            est,
            fit={
                "n_samples": 50,
                "n_features": 3,
                "x_dtype": "float64",
                "y_shape": [50],
                "y_kind": "continuous",
            },
        )
    )
    path = tmp_path / "emitted.py"
    path.write_text(emit_keras(plan))
    res = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "epochs: 3" in res.stdout


def test_multiclass_classifier_epoch_losses_match():
    """softmax + log-loss on 3 classes (labels one-hot encoded by the emitted fit())."""
    from sklearn.neural_network import MLPClassifier

    rs = np.random.RandomState(5)
    X = rs.normal(size=(48, 4))
    y = np.argmax(X[:, :3] + 0.3 * rs.normal(size=(48, 3)), axis=1)
    est = MLPClassifier(
        hidden_layer_sizes=(7,),
        activation="tanh",
        solver="sgd",
        alpha=0.01,
        batch_size=16,
        learning_rate_init=0.05,
        max_iter=5,
        shuffle=False,
        random_state=1,
        tol=0.0,
        n_iter_no_change=1000,
    )
    with pytest.warns(Warning):
        plan, ns, drawn, sk, kr = _run_pair(est, X, y, 5)
    assert (
        plan["layers"][-1]["activation"] == "softmax" and plan["loss"]["name"] == "categorical_crossentropy"
    )
    err = _max_rel(sk, kr)
    MEASURED["MLPClassifier multiclass sgd alpha=0.01"] = err
    print("max relative error", "MLPClassifier multiclass sgd alpha=0.01", err)
    assert err < RTOL, (sk, kr)

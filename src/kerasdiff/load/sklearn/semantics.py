"""scikit-learn MLPRegressor / MLPClassifier semantics in Keras terms (see docs/sklearn.md).

Runs in the worker (facts, plan, graph) and in the parent (`differences`, for the rules).

Pure Python + NumPy: scikit-learn is imported lazily (only to recognise a Pipeline's estimator
type), TensorFlow never. Every rule below was read from scikit-learn 1.9's
``neural_network/_multilayer_perceptron.py``, ``_stochastic_optimizers.py`` and ``_base.py``:

* loss: ``squared_loss = 0.5 * mean((y - p)^2)`` (mean over samples, then over outputs) -- but
  the gradient is ``delta = p - y`` summed over outputs, i.e. the gradient of
  ``0.5 * sum_outputs mean_samples (y - p)^2``: with k outputs sklearn's steps are k x the
  gradient of the loss it reports (found by the equivalence test; ``loss["gradient_scale"]``);
  ``binary_log_loss`` SUMS the per-label means (multilabel: n_outputs x Keras
  ``binary_crossentropy``, which averages over labels); ``log_loss`` with softmax is the mean
  categorical cross-entropy. Probabilities are clipped to ``finfo(dtype).eps`` for the loss VALUE
  only; the gradient is always the canonical ``p - y`` (Keras computes sigmoid/softmax
  cross-entropy from the logits, so both are exact).
* L2: ``loss += 0.5 * alpha * sum(W^2) / n_samples_in_batch`` over the kernels (``coefs_``)
  only; the gradient ``(X^T delta + alpha * W) / n`` matches it. Keras ``L2(l2)`` adds
  ``l2 * sum(W^2)`` once per batch, so ``l2 = alpha / (2 * batch_size)``.
* init (``_init_coef``): kernels AND biases ``uniform(-b, b)`` with
  ``b = sqrt(factor / (fan_in + fan_out))``, factor 6, or 2 when the HIDDEN activation is
  'logistic' -- for every layer, the output layer included. Draw order: per layer, kernel then
  bias, from ``check_random_state(random_state)``.
* sgd: ``v = momentum * v - lr * g``; nesterov: ``update = momentum * v - lr * g`` else ``v``
  -- exactly Keras ``SGD(momentum, nesterov)``. adam: ``lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)``,
  ``update = -lr_t * m / (sqrt(v) + eps)`` -- exactly Keras ``Adam`` (epsilon differs by default).
* 'invscaling' (sgd only): after each epoch ``lr = lr0 / (t + 1) ** power_t`` where ``t`` is the
  number of SAMPLES seen so far (``t_ += n_samples`` per epoch), so epoch e (0-based) uses
  ``lr0 / (e * n_train + 1) ** power_t``. 'adaptive' (sgd only): when the no-improvement counter
  exceeds ``n_iter_no_change`` the rate is divided by 5 (stop once it is <= 1e-6) and the counter
  restarts. Adam ignores ``learning_rate``.
* stopping: after every epoch, ``count += 1 if loss > best_loss - tol else count = 0``;
  ``best_loss = min(best_loss, loss)``; stop when ``count > n_iter_no_change`` -- also with
  ``early_stopping=False``. With ``early_stopping=True`` the same test runs on the validation
  score (R^2 / accuracy, ``score < best + tol``) of a ``train_test_split(validation_fraction,
  random_state)`` hold-out, and the best weights are restored at the end.
* batch: ``'auto'`` = ``min(200, n_train)``; an int is clipped to ``[1, n_train]``; the last batch
  is partial (``gen_batches``). The epoch loss is the sample-weighted mean of the batch losses
  (Keras's ``loss`` tracker weights by batch size too).
* dtype: X is validated to float64 unless it is float32 (ints become float64).
"""

from __future__ import annotations

import math
from typing import Any, Optional

PARAM_KEYS = (
    "hidden_layer_sizes",
    "activation",
    "solver",
    "alpha",
    "batch_size",
    "learning_rate",
    "learning_rate_init",
    "power_t",
    "max_iter",
    "shuffle",
    "random_state",
    "tol",
    "momentum",
    "nesterovs_momentum",
    "early_stopping",
    "validation_fraction",
    "beta_1",
    "beta_2",
    "epsilon",
    "n_iter_no_change",
    "max_fun",
    "loss",
    "warm_start",
)

ACTIVATION_TO_KERAS = {
    "identity": "linear",
    "logistic": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "softmax": "softmax",
    "exp": "exponential",
}

KERAS_DEFAULTS = {
    "batch_size": 32,
    "epochs": 1,
    "adam_epsilon": 1e-07,
    "sgd_learning_rate": 0.01,
    "dtype": "float32",
    "shuffle": True,
}

_REGRESSORS = ("MLPRegressor",)
_CLASSIFIERS = ("MLPClassifier",)


# ---- facts ------------------------------------------------------------------------------------


def _plain(v: Any) -> Any:
    """JSON-safe copy of a parameter value."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    try:
        import numpy as np

        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, np.ndarray):
            return v.tolist()
    except Exception:  # noqa: BLE001
        pass
    if isinstance(v, (int, float)):
        return v
    if hasattr(v, "get_state") and hasattr(v, "uniform"):
        return "RandomState"  # a numpy RandomState instance: not reproducible from its repr
    return repr(v)


def _split_pipeline(est: Any) -> tuple[Any, list[str]]:
    steps = getattr(est, "steps", None)
    if isinstance(steps, list) and steps:
        names = [type(s).__name__ for _, s in steps[:-1] if s is not None and s != "passthrough"]
        return steps[-1][1], names
    return est, []


def _is_classifier(mlp: Any) -> bool:
    name = type(mlp).__name__
    if name in _CLASSIFIERS:
        return True
    if name in _REGRESSORS:
        return False
    try:
        from sklearn.base import is_classifier  # lazy: only when the class name is not enough

        return bool(is_classifier(mlp))
    except Exception:  # noqa: BLE001
        return hasattr(mlp, "predict_proba")


def facts_from_estimator(est: Any, fit: Optional[dict] = None, origin: Optional[str] = None) -> dict:
    """The JSON facts of an MLP estimator (or a Pipeline ending in one), fitted or not."""
    mlp, steps = _split_pipeline(est)
    fit = fit or {}
    classifier = _is_classifier(mlp)
    try:
        raw = mlp.get_params(deep=False)
    except Exception:  # noqa: BLE001
        raw = {k: getattr(mlp, k) for k in PARAM_KEYS if hasattr(mlp, k)}
    params = {k: _plain(raw[k]) for k in PARAM_KEYS if k in raw}
    hls = params.get("hidden_layer_sizes", [100])
    params["hidden_layer_sizes"] = [int(h) for h in hls] if isinstance(hls, list) else [int(hls)]

    coefs = getattr(mlp, "coefs_", None)
    fitted = coefs is not None
    n_features, nf_src = None, None
    if coefs is not None:
        n_features, nf_src = int(coefs[0].shape[0]), "coefs_"
    elif fit.get("n_features") is not None:
        n_features, nf_src = int(fit["n_features"]), "fit"

    y_kind = fit.get("y_kind")
    y_shape = fit.get("y_shape") or []
    n_outputs = None
    if coefs is not None:
        n_outputs = int(getattr(mlp, "n_outputs_", coefs[-1].shape[1]))
    elif y_shape:
        if not classifier or y_kind == "multilabel":
            n_outputs = int(y_shape[1]) if len(y_shape) > 1 else 1
        elif y_kind == "binary":
            n_outputs = 1
        elif y_kind == "multiclass" and fit.get("n_classes"):
            n_outputs = int(fit["n_classes"])

    if fitted:
        out_act, out_src = str(mlp.out_activation_), "fitted"
    elif not classifier:
        out_act = "exp" if params.get("loss") == "poisson" else "identity"
        out_src = "estimator-type"
    elif y_kind in ("binary", "multilabel"):
        out_act, out_src = "logistic", "fit-y"
    elif y_kind == "multiclass":
        out_act, out_src = "softmax", "fit-y"
    else:
        out_act, out_src = None, None

    n_samples = fit.get("n_samples")
    if (
        n_samples is None
        and fitted
        and getattr(mlp, "n_iter_", None)
        and hasattr(mlp, "t_")
        and not params.get("early_stopping")
    ):
        n_samples = int(mlp.t_) // int(mlp.n_iter_)  # t_ += n_samples after every epoch
    x_dtype = fit.get("x_dtype")
    if x_dtype is None and coefs is not None:
        x_dtype = str(coefs[0].dtype)
    return {
        "estimator": type(mlp).__name__,
        "task": "classification" if classifier else "regression",
        "origin": origin or fit.get("origin"),
        "pipeline_steps": steps,
        "params": params,
        "fitted": fitted,
        "n_features": n_features,
        "n_features_source": nf_src,
        "n_outputs": n_outputs,
        "n_samples": None if n_samples is None else int(n_samples),
        "out_activation": out_act,
        "out_activation_source": out_src,
        "x_dtype": x_dtype,
        "y_kind": y_kind,
    }


# ---- plan -------------------------------------------------------------------------------------


def _g(x: Optional[float]) -> str:
    """A number for messages: short but exact enough to copy."""
    if x is None:
        return "?"
    if isinstance(x, (bool, int)):
        return str(x)
    return f"{x:.6g}"


def init_limit(activation: str, fan_in: Optional[int], fan_out: Optional[int]) -> Optional[float]:
    """sklearn's _init_coef bound; the factor follows the HIDDEN activation for every layer."""
    if fan_in is None or fan_out is None:
        return None
    factor = 2.0 if activation == "logistic" else 6.0
    return math.sqrt(factor / (fan_in + fan_out))


def n_train_samples(
    n_samples: Optional[int], early_stopping: bool, validation_fraction: float
) -> Optional[int]:
    """Samples sklearn trains on: train_test_split puts ceil(fraction * n) in the hold-out."""
    if n_samples is None:
        return None
    if not early_stopping:
        return int(n_samples)
    return int(n_samples) - int(math.ceil(validation_fraction * n_samples))


def sklearn_batch_size(batch_size: Any, n_train: Optional[int]) -> tuple[int, bool]:
    """(batch size, exact?) -- 'auto' is min(200, n); an int is clipped to [1, n]."""
    if batch_size == "auto" or batch_size is None:
        return (200, False) if n_train is None else (min(200, n_train), True)
    b = int(batch_size)
    if n_train is None:
        return max(1, b), False
    return max(1, min(b, n_train)), True


def keras_plan(facts: dict, n_features: Optional[int] = None, n_samples: Optional[int] = None) -> dict:
    """The Keras 3 settings that train exactly like the estimator, plus every difference."""
    p = facts.get("params", {})
    n_features = facts.get("n_features") if facts.get("n_features") is not None else n_features
    n_samples = facts.get("n_samples") if facts.get("n_samples") is not None else n_samples
    n_outputs = facts.get("n_outputs")
    act = p.get("activation", "relu")
    solver = p.get("solver", "adam")
    alpha = float(p.get("alpha", 0.0001))
    early = bool(p.get("early_stopping", False))
    vfrac = float(p.get("validation_fraction", 0.1))
    n_train = n_train_samples(n_samples, early, vfrac)
    batch, batch_exact = sklearn_batch_size(p.get("batch_size", "auto"), n_train)
    out_act = facts.get("out_activation")
    x_dtype = facts.get("x_dtype")
    dtype = "float32" if x_dtype == "float32" else "float64"
    classifier = facts.get("task") == "classification" or facts.get("estimator") in _CLASSIFIERS

    # layers
    hidden = [int(h) for h in p.get("hidden_layer_sizes", [100])]
    units = hidden + [n_outputs]
    fans = [n_features] + units
    layers = []
    for i, u in enumerate(units):
        last = i == len(units) - 1
        a = ACTIVATION_TO_KERAS.get(out_act or "") if last else ACTIVATION_TO_KERAS.get(act, act)
        lim = init_limit(act, fans[i], u)
        layers.append({"units": u, "activation": a, "init_limit": lim, "fan_in": fans[i], "fan_out": u})

    # loss
    if not classifier:
        if p.get("loss") == "poisson":
            loss = {
                "name": "poisson",
                "scale": float(n_outputs or 1),
                "note": "sklearn adds the constant mean(xlogy(y, y) - y) per output",
            }
        else:
            k = int(n_outputs or 1)
            # reported loss 0.5 * mse; gradient of 0.5 * k * mse (delta = p - y summed over outputs)
            loss = {
                "name": "mean_squared_error",
                "scale": 0.5,
                "gradient_scale": 0.5 * k,
                "n_outputs": n_outputs,
            }
    elif out_act == "softmax":
        loss = {"name": "categorical_crossentropy", "scale": 1.0}
    elif out_act == "logistic":
        loss = {"name": "binary_crossentropy", "scale": float(n_outputs or 1)}
    else:
        loss = {"name": "binary_crossentropy or categorical_crossentropy", "scale": 1.0}

    # L2
    last_batch = None
    if n_train is not None and n_train % batch:
        last_batch = n_train % batch
    l2 = {
        "alpha": alpha,
        "batch_size": batch,
        "keras_l2": alpha / (2.0 * batch),
        "last_batch": last_batch,
        "keras_l2_last_batch": None if last_batch is None else alpha / (2.0 * last_batch),
    }

    # optimizer and schedule
    lr0 = float(p.get("learning_rate_init", 0.001))
    schedule = None
    if solver == "sgd":
        optimizer = {
            "class": "SGD",
            "config": {
                "learning_rate": lr0,
                "momentum": float(p.get("momentum", 0.9)),
                "nesterov": bool(p.get("nesterovs_momentum", True)),
            },
        }
        lr_kind = p.get("learning_rate", "constant")
        if lr_kind == "invscaling":
            schedule = {
                "kind": "invscaling",
                "learning_rate_init": lr0,
                "power_t": float(p.get("power_t", 0.5)),
                "samples_per_epoch": n_train,
                "formula": "lr0 / (epoch * n_train + 1) ** power_t",
            }
        elif lr_kind == "adaptive":
            schedule = {
                "kind": "adaptive",
                "divide_by": 5.0,
                "min_learning_rate": 1e-6,
                "formula": "lr /= 5 when the tol test fails n_iter_no_change + 1 epochs "
                "in a row; stop once lr <= 1e-6",
            }
    elif solver == "adam":
        optimizer = {
            "class": "Adam",
            "config": {
                "learning_rate": lr0,
                "beta_1": float(p.get("beta_1", 0.9)),
                "beta_2": float(p.get("beta_2", 0.999)),
                "epsilon": float(p.get("epsilon", 1e-8)),
            },
        }
    else:
        optimizer = None

    stopping = {
        "tol": float(p.get("tol", 1e-4)),
        "n_iter_no_change": int(p.get("n_iter_no_change", 10)),
        "early_stopping": early,
        "validation_fraction": vfrac,
        "monitor": ("val_" + ("accuracy" if classifier else "r2")) if early else "loss",
        "max_iter": int(p.get("max_iter", 200)),
    }
    seed = p.get("random_state")
    plan = {
        "estimator": facts.get("estimator"),
        "task": "classification" if classifier else "regression",
        "solver": solver,
        "hidden_activation": act,
        "n_features": n_features,
        "n_outputs": n_outputs,
        "n_samples": n_samples,
        "n_train": n_train,
        "layers": layers,
        "dtype": dtype,
        "loss": loss,
        "l2": l2,
        "optimizer": optimizer,
        "schedule": schedule,
        "batch_size": batch,
        "batch_size_exact": batch_exact,
        "epochs": int(p.get("max_iter", 200)),
        "shuffle": bool(p.get("shuffle", True)),
        "stopping": stopping,
        "seed": seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        "random_state": seed,
        "pipeline_steps": list(facts.get("pipeline_steps") or []),
        "origin": facts.get("origin"),
    }
    plan["facts"] = dict(facts)
    return plan


# The finding code of each topic (seed: reported once for the pair, by KD351/KD352), and the fix
# template field that a topic's fix fills (kerasdiff.catalog).
_TOPIC_CODE: dict[str, Optional[str]] = {
    "loss": "KD401",
    "l2": "KD402",
    "init": "KD403",
    "dtype": "KD404",
    "stopping": "KD405",
    "optimizer": "KD406",
    "schedule": "KD406",
    "batch_size": "KD407",
    "epochs": "KD407",
    "shuffle": "KD407",
    "preprocessing": "KD409",
    "seed": None,
}
_FIX_FIELD = {"KD401": "loss_fix", "KD405": "stop_fix", "KD406": "optimizer_fix", "KD407": "fit_fix"}


def _diff(
    topic: str,
    kind: str,
    sklearn: str,
    keras: str,
    numbers: str,
    fix: str,
    code: Optional[str] = None,
    **params: str,
) -> dict:
    """One semantic difference, typed: its finding code, the kind of concrete Keras-side finding
    that would show it, the two sides' behaviour, this pair's numbers, the fix's fields."""
    code = code or _TOPIC_CODE[topic]
    if code in _FIX_FIELD:
        params[_FIX_FIELD[code]] = fix
    return {
        "code": code,
        "topic": topic,
        "kind": kind,
        "sklearn": sklearn,
        "keras": keras,
        "numbers": numbers,
        "params": params,
    }


def differences(plan: dict) -> list[dict]:
    """Every way scikit-learn's training differs from a default Keras setup, with this
    estimator's numbers (the framework-semantics rules turn them into findings)."""
    facts = plan.get("facts") or {}
    p = facts.get("params", {})
    out: list[dict] = []
    loss = plan["loss"]
    l2 = plan["l2"]
    batch = plan["batch_size"]
    n_train = plan["n_train"]
    batch_txt = (
        f"batch_size={batch}"
        if plan["batch_size_exact"]
        else f"batch_size={batch} (assumed: 'auto' is min(200, n_samples), n_samples unknown)"
    )

    # loss
    if loss["name"] == "mean_squared_error":
        k = loss.get("n_outputs")
        multi = ""
        if k and k > 1:
            multi = (
                f"; with {k} outputs sklearn's gradient is that of 0.5 * SUM over outputs "
                f"(delta = p - y), {k}x the gradient of the loss it reports, so its data steps "
                f"are x{_g(0.5 * k)} those of Keras mse"
            )
        out.append(
            _diff(
                "loss",
                "loss",
                "0.5 * mean((y - p)^2)",
                "mean((y - p)^2) ('mse')",
                "sklearn's squared_error loss is half of Keras mse: reported losses are x0.5"
                + (
                    " and data gradients x0.5 (with the same learning rate Keras takes 2x larger steps "
                    "on the data term and the L2 term weighs half as much relative to it)"
                    if not multi
                    else ""
                )
                + multi,
                "`compile(loss='mean_squared_error', loss_weights=0.5)`"
                if not multi
                else f"a loss whose value is 0.5 * mse and whose gradient is {k} x that: "
                f"se + {k - 1} * (se - stop_gradient(se)) with se = 0.5 * mean((y - p)^2, axis=-1) "
                "(see --emit-keras)",
            )
        )
    elif loss["name"] == "binary_crossentropy" and loss["scale"] != 1.0:
        out.append(
            _diff(
                "loss",
                "loss",
                "sum over the labels of the mean binary log-loss",
                "binary_crossentropy averages over the labels",
                f"{int(loss['scale'])} labels: sklearn's loss and gradients are x{_g(loss['scale'])} "
                "Keras binary_crossentropy",
                f"binary_crossentropy scaled by {_g(loss['scale'])}",
            )
        )
    elif loss["name"] == "poisson":
        out.append(
            _diff(
                "loss",
                "loss",
                "half Poisson deviance summed over outputs (exp output)",
                "poisson: mean(p - y*log(p + 1e-7)) over outputs",
                f"sklearn's loss = {_g(loss['scale'])} x Keras poisson + a data constant "
                "mean(xlogy(y, y) - y); gradients agree up to Keras's 1e-7 epsilon",
                "`Dense(..., activation='exponential')` with `loss='poisson'` scaled by n_outputs",
            )
        )

    # L2
    alpha = l2["alpha"]
    if alpha > 0:
        last = ""
        if l2["last_batch"]:
            last = (
                f"; n_train={n_train} is not a multiple of {batch}: sklearn's last batch of "
                f"{l2['last_batch']} samples uses alpha/(2*{l2['last_batch']}) = "
                f"{_g(l2['keras_l2_last_batch'])}, a fixed Keras L2 cannot follow that"
            )
        out.append(
            _diff(
                "l2",
                "regularizer",
                f"0.5 * alpha * sum(W^2) / n_samples_in_batch on kernels only (alpha={_g(alpha)})",
                "L2(l2) adds l2 * sum(W^2) once per batch",
                f"alpha={_g(alpha)}, {batch_txt}: the matching Keras value is "
                f"L2(l2=alpha/(2*batch_size)) = L2({_g(l2['keras_l2'])}); L2({_g(alpha)}) would be "
                f"{_g(2 * batch)}x too strong, and biases are not regularized{last}",
                "",
                keras_l2=repr(l2["keras_l2"]),
            )
        )

    # init
    lims = [f"{_g(l['init_limit'])} ({l['fan_in']}->{l['fan_out']})" for l in plan["layers"]]
    act = p.get("activation", "relu")
    factor = "2" if act == "logistic" else "6"
    out.append(
        _diff(
            "init",
            "initializer",
            f"kernels AND biases uniform(-b, b), b = sqrt({factor} / (fan_in + fan_out))"
            + (" (factor 2 because activation='logistic', output layer included)" if factor == "2" else ""),
            "Dense default: glorot_uniform kernels (b = sqrt(6 / (fan_in + fan_out))), zero biases",
            "bounds per layer: "
            + ", ".join(lims)
            + (
                ""
                if factor == "2"
                else "; the kernel bounds equal glorot_uniform's, the biases differ (not zero)"
            ),
            "",
            limits=", ".join(lims),
        )
    )

    # dtype
    if plan["dtype"] == "float64":
        out.append(
            _diff(
                "dtype",
                "dtype",
                f"float64 (X is {facts.get('x_dtype') or 'not float32'}: sklearn converts to float64)",
                "float32",
                "float64 vs float32: ~1e-16 vs ~1e-7 relative rounding per operation",
                "",
            )
        )

    # optimizer
    opt = plan["optimizer"]
    if opt is None:
        out.append(
            _diff(
                "optimizer",
                "optimizer",
                f"solver='lbfgs': full-batch L-BFGS-B (scipy), maxiter={p.get('max_iter')}, "
                f"maxfun={p.get('max_fun')}, gtol={p.get('tol')}",
                "no Keras optimizer implements L-BFGS",
                "no Keras equivalent: training cannot be reproduced",
                "",
                code="KD408",
            )
        )
    elif opt["class"] == "Adam":
        c = opt["config"]
        out.append(
            _diff(
                "optimizer",
                "optimizer",
                f"Adam(learning_rate={_g(c['learning_rate'])}, beta_1={_g(c['beta_1'])}, "
                f"beta_2={_g(c['beta_2'])}, epsilon={_g(c['epsilon'])})",
                "Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07)",
                f"epsilon {_g(c['epsilon'])} vs Keras 1e-07 (same update formula otherwise)"
                + (
                    "; in float64 pass the betas as np.float64: Keras 3 casts a Python float through "
                    "float32 (0.999 -> 0.99900001287), a ~6e-6 relative error in the bias correction"
                    if plan["dtype"] == "float64"
                    else ""
                ),
                f"`keras.optimizers.Adam(learning_rate={c['learning_rate']!r}, beta_1={c['beta_1']!r}, "
                f"beta_2={c['beta_2']!r}, epsilon={c['epsilon']!r})`",
            )
        )
    else:
        c = opt["config"]
        out.append(
            _diff(
                "optimizer",
                "optimizer",
                f"SGD(learning_rate={_g(c['learning_rate'])}, momentum={_g(c['momentum'])}, "
                f"nesterov={c['nesterov']}) (v = m*v - lr*g; nesterov step m*v - lr*g)",
                "SGD(learning_rate=0.01, momentum=0.0, nesterov=False)",
                f"learning_rate {_g(c['learning_rate'])} vs 0.01, momentum {_g(c['momentum'])} vs 0, "
                f"nesterov {c['nesterov']} vs False (the update rules are identical)",
                f"`keras.optimizers.SGD(learning_rate={c['learning_rate']!r}, momentum={c['momentum']!r}, "
                f"nesterov={c['nesterov']!r})`",
            )
        )
    sch = plan["schedule"]
    if sch and sch["kind"] == "invscaling":
        n = sch["samples_per_epoch"]
        e1 = None if n is None else sch["learning_rate_init"] / (n + 1) ** sch["power_t"]
        out.append(
            _diff(
                "schedule",
                "optimizer",
                f"learning_rate='invscaling': lr = {_g(sch['learning_rate_init'])} / (t + 1)^{_g(sch['power_t'])}, "
                "t = samples seen, updated after each epoch",
                "constant learning rate",
                f"epoch e uses lr0 / (e * {n if n is not None else 'n_train'} + 1)^{_g(sch['power_t'])}"
                + (f": epoch 1 already uses {_g(e1)}" if e1 is not None else ""),
                "`keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr0 / (epoch * n_train + 1) "
                "** power_t)`",
            )
        )
    elif sch and sch["kind"] == "adaptive":
        out.append(
            _diff(
                "schedule",
                "optimizer",
                "learning_rate='adaptive': lr /= 5 when the training loss fails to improve by tol for "
                f"n_iter_no_change + 1 = {plan['stopping']['n_iter_no_change'] + 1} epochs; stops when lr <= 1e-6",
                "constant learning rate",
                f"tol={_g(plan['stopping']['tol'])}, n_iter_no_change={plan['stopping']['n_iter_no_change']}",
                "a callback that divides optimizer.learning_rate by 5 on that condition "
                "(ReduceLROnPlateau(factor=0.2) differs: it compares with min_delta to the best, and "
                "uses patience = n_iter_no_change + 1)",
            )
        )

    # batch size, epochs, shuffle
    if batch != KERAS_DEFAULTS["batch_size"]:
        out.append(
            _diff(
                "batch_size",
                "training-config",
                f"batch_size={p.get('batch_size')!r} -> {batch}"
                + (" = min(200, n_samples)" if p.get("batch_size") == "auto" else ""),
                "batch_size=32 (fit default)",
                f"{batch_txt} vs 32: {'?' if n_train is None else math.ceil(n_train / batch)} vs "
                f"{'?' if n_train is None else math.ceil(n_train / 32)} updates per epoch",
                f"`model.fit(..., batch_size={batch})`",
            )
        )
    out.append(
        _diff(
            "epochs",
            "training-config",
            f"max_iter={plan['epochs']} epochs (at most)",
            "epochs=1 (fit default)",
            f"{plan['epochs']} vs 1 epoch",
            f"`model.fit(..., epochs={plan['epochs']})`",
        )
    )
    if not plan["shuffle"]:
        out.append(
            _diff(
                "shuffle",
                "training-config",
                "shuffle=False: batches in data order",
                "fit shuffles by default",
                "shuffle False vs True",
                "model.fit(..., shuffle=False)",
            )
        )
    else:
        out.append(
            _diff(
                "shuffle",
                "training-config",
                f"shuffle=True with random_state={p.get('random_state')!r} (numpy RandomState permutation per epoch)",
                "fit(shuffle=True) uses its own RNG",
                "same batches only with shuffle=False on both sides",
                "set shuffle=False on both sides to compare exactly",
            )
        )

    # stopping
    st = plan["stopping"]
    if not st["early_stopping"]:
        out.append(
            _diff(
                "stopping",
                "training-config",
                f"stops when the training loss has not improved by tol={_g(st['tol'])} for "
                f"n_iter_no_change={st['n_iter_no_change']} epochs (counter > {st['n_iter_no_change']}), "
                "even with early_stopping=False",
                "trains all epochs (no callback)",
                f"tol={_g(st['tol'])}, n_iter_no_change={st['n_iter_no_change']}: training can end long "
                f"before max_iter={st['max_iter']}",
                "a callback: count += 1 if loss > best_loss - tol else 0; best_loss = min(best_loss, loss); "
                "stop when count > n_iter_no_change (EarlyStopping(monitor='loss', min_delta=tol, "
                "patience=n_iter_no_change + 1) is close but not identical)",
            )
        )
    else:
        out.append(
            _diff(
                "stopping",
                "training-config",
                f"early_stopping=True: holds out validation_fraction={_g(st['validation_fraction'])} "
                f"(train_test_split, random_state), stops when the validation "
                f"{'accuracy' if plan['task'] == 'classification' else 'R^2'} has not improved by "
                f"tol={_g(st['tol'])} for n_iter_no_change={st['n_iter_no_change']} epochs, restores the best weights",
                "no validation split, no early stopping",
                f"trains on n_train={n_train if n_train is not None else '?'} samples; batch size and L2 "
                "follow n_train",
                "split with sklearn.model_selection.train_test_split(X, y, test_size=validation_fraction, "
                "random_state=...) and a callback on the validation score that restores the best weights",
            )
        )

    seed = p.get("random_state")
    out.append(
        _diff(
            "seed",
            "training-config",
            f"random_state={seed!r} seeds init{' and shuffling' if plan['shuffle'] else ''} via numpy RandomState",
            "Keras seeds its own initializers (keras.utils.set_random_seed)",
            "the same seed never gives the same draws across the two libraries",
            "copy sklearn's initial weights into the Keras model (the emitted code redraws them "
            "with numpy when random_state is an int)",
        )
    )

    if plan["pipeline_steps"]:
        out.append(
            _diff(
                "preprocessing",
                "training-config",
                "Pipeline steps before the MLP: " + ", ".join(plan["pipeline_steps"]),
                "the Keras model sees X as given",
                f"{len(plan['pipeline_steps'])} preprocessing step(s) transform X before training",
                "",
                steps=", ".join(plan["pipeline_steps"]),
            )
        )
    return out


# ---- graph ------------------------------------------------------------------------------------


def _initializer(lim: Optional[float]) -> dict:
    if lim is None:
        return {"class": "RandomUniform", "config": {"minval": None, "maxval": None, "seed": None}}
    return {"class": "RandomUniform", "config": {"minval": -lim, "maxval": lim, "seed": None}}


def plan_to_graph(plan: dict, spec: str, name: str) -> Any:
    """The plan as a neutral Graph (framework 'sklearn'), in Keras terms."""
    from kerasdiff.graph import Call, Graph, InputSpec, Layer, OutputSpec, Weight

    dtype = plan["dtype"]
    reg = None
    if plan["l2"]["alpha"] > 0:
        reg = {"class": "L2", "config": {"l2": plan["l2"]["keras_l2"]}}
    layers, calls = [], []
    prev = "in:0"
    total = 0
    known = True
    for i, l in enumerate(plan["layers"]):
        key = "dense" if i == 0 else f"dense_{i}"
        config = {
            "units": l["units"],
            "activation": l["activation"] or "linear",
            "use_bias": True,
            "kernel_initializer": _initializer(l["init_limit"]),
            "bias_initializer": _initializer(l["init_limit"]),
            "kernel_regularizer": reg,
            "bias_regularizer": None,
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
        }
        params = None
        weights: tuple = ()
        if l["fan_in"] is not None and l["units"] is not None:
            params = l["fan_in"] * l["units"] + l["units"]
            weights = (
                Weight("kernel", (l["fan_in"], l["units"]), dtype),
                Weight("bias", (l["units"],), dtype),
            )
            total += params
        else:
            known = False
        layers.append(
            Layer(
                key=key,
                cls="Dense",
                config=config,
                name=key,
                params=params,
                weights=weights,
                dtype=dtype,
                origin=plan.get("origin"),
                auto_name=True,
            )
        )
        calls.append(Call(f"c{i}", key, (prev,), ((None, l["units"]),), (dtype,)))
        prev = f"c{i}:0"
    recipe = _recipe(plan)
    recipe["sklearn"] = dict(plan.get("facts") or {})
    recipe["plan"] = {k: v for k, v in plan.items() if k != "facts"}
    return Graph(
        name=name,
        cls=plan.get("estimator") or "MLPRegressor",
        framework="sklearn",
        inputs=(InputSpec("input_layer", (None, plan["n_features"]), dtype, implicit=False),),
        outputs=(OutputSpec(prev, layers[-1].key if layers else ""),),
        layers=tuple(layers),
        calls=tuple(calls),
        params=total if known else None,
        trainable_params=total if known else None,
        structure="graph",
        spec=spec,
        recipe=recipe,
    )


def _recipe(plan: dict) -> dict:
    opt = plan["optimizer"]
    if opt is not None:
        cfg = dict(opt["config"])
        if opt["class"] == "SGD":
            cfg.setdefault("nesterov", False)
        base = {"amsgrad": False} if opt["class"] == "Adam" else {}
        cfg = {
            **base,
            **cfg,
            "weight_decay": None,
            "clipnorm": None,
            "clipvalue": None,
            "global_clipnorm": None,
            "use_ema": False,
            "ema_momentum": 0.99,
            "ema_overwrite_frequency": None,
            "loss_scale_factor": None,
            "gradient_accumulation_steps": None,
        }
        sch = plan.get("schedule")
        optimizer = {
            "class": opt["class"],
            "given_as": "object",
            "config": cfg,
            "id": None,
            "shared_with": [],
            "iterations": 0,
            "built": False,
        }
    else:
        optimizer = None
        sch = None
    loss = plan["loss"]
    if loss["name"] == "mean_squared_error":
        lentry = {
            "name": "mean_squared_error",
            "config": {"reduction": "sum_over_batch_size", "scale": loss["scale"]},
        }
    elif loss["name"] in ("binary_crossentropy", "categorical_crossentropy"):
        lentry = {
            "name": loss["name"],
            "config": {
                "from_logits": False,
                "label_smoothing": 0.0,
                "axis": -1,
                "reduction": "sum_over_batch_size",
                "scale": loss["scale"],
            },
        }
    else:
        lentry = {
            "name": loss["name"],
            "config": {"reduction": "sum_over_batch_size", "scale": loss["scale"]},
        }
    callbacks = []
    st = plan["stopping"]
    # Stand-ins for scikit-learn's own stopping rule and schedule: no script has them, the
    # framework-semantics findings (KD405, KD406) explain them, the recipe rules skip them.
    callbacks.append(
        {
            "class": "SklearnTolStop",
            "synthetic": True,
            "config": {
                "monitor": st["monitor"],
                "tol": st["tol"],
                "n_iter_no_change": st["n_iter_no_change"],
                "restore_best_weights": st["early_stopping"],
            },
        }
    )
    if sch:
        callbacks.append(
            {
                "class": "LearningRateScheduler" if sch["kind"] == "invscaling" else "SklearnAdaptiveLR",
                "synthetic": True,
                "config": dict(sch),
            }
        )
    out_name = "dense" if len(plan["layers"]) == 1 else f"dense_{len(plan['layers']) - 1}"
    return {
        "run": None,
        "seeds": (
            [{"fn": "sklearn random_state", "value": plan["seed"], "origin": None}]
            if plan.get("seed") is not None
            else []
        ),
        "compile": {
            "origin": None,
            "count": 1,
            "optimizer": optimizer,
            "outputs": [out_name],
            "loss": [lentry],
            "loss_given_as": "single",
            "loss_weights": [1.0],
            "loss_weights_given_as": "none",
            "metrics": [[]],
            "weighted_metrics": [[]],
            "run_eagerly": False,
            "jit_compile": "auto",
            "steps_per_execution": 1,
        },
        "fit": {
            "origin": None,
            "count": 1,
            "batch_size": plan["batch_size"],
            "batch_size_given": True,
            "epochs": plan["epochs"],
            "shuffle": plan["shuffle"],
            "validation_split": st["validation_fraction"] if st["early_stopping"] else 0.0,
            "validation_data": False,
            "class_weight": None,
            "sample_weight": False,
            "steps_per_epoch": None,
            "initial_epoch": 0,
            "x_rows": plan["n_samples"],
            "callbacks": callbacks,
        },
    }


def explain(est: Any, fit: Optional[dict] = None) -> dict:
    """facts -> plan in one call (the plan keeps its facts under 'facts')."""
    return keras_plan(facts_from_estimator(est, fit=fit))


__all__ = [
    "facts_from_estimator",
    "keras_plan",
    "plan_to_graph",
    "differences",
    "explain",
    "init_limit",
    "sklearn_batch_size",
    "n_train_samples",
    "ACTIVATION_TO_KERAS",
]

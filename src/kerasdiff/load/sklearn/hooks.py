"""scikit-learn MLPs in user scripts: recognise them, intercept their fit, record where they were built."""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional

# Set while a script runs: the recorder of fit() calls and whether fits really run.
_STATE: dict = {"fits": None, "run_fit": False, "origin": None, "active": False}

INSTALL_HINT = 'install the extra: pip install "kerasdiff[sklearn]" (scikit-learn)'


def _sklearn_loaded() -> bool:
    return "sklearn" in sys.modules


def is_mlp(obj: Any) -> bool:
    """An MLPRegressor/MLPClassifier, or a Pipeline whose last step is one."""
    if not _sklearn_loaded():
        return False
    mod = type(obj).__module__ or ""
    if not mod.startswith("sklearn."):
        return False
    if hasattr(obj, "hidden_layer_sizes") and hasattr(obj, "solver"):
        return True
    steps = getattr(obj, "steps", None)
    if isinstance(steps, list) and steps:
        last = steps[-1][1]
        return hasattr(last, "hidden_layer_sizes") and hasattr(last, "solver")
    return False


def is_other_estimator(obj: Any) -> bool:
    """A scikit-learn estimator kerasdiff cannot compare (a forest, an SVM, ...)."""
    if not _sklearn_loaded() or isinstance(obj, type):
        return False
    mod = type(obj).__module__ or ""
    return (
        mod.startswith("sklearn.") and hasattr(obj, "fit") and hasattr(obj, "get_params") and not is_mlp(obj)
    )


def final_mlp(obj: Any) -> Any:
    steps = getattr(obj, "steps", None)
    return steps[-1][1] if isinstance(steps, list) and steps else obj


def _y_kind(y: Any) -> Optional[str]:
    try:
        from sklearn.utils.multiclass import type_of_target

        kind = type_of_target(y)
    except Exception:  # noqa: BLE001
        return None
    return {
        "continuous": "continuous",
        "continuous-multioutput": "continuous",
        "binary": "binary",
        "multiclass": "multiclass",
        "multilabel-indicator": "multilabel",
    }.get(kind)


def _n_classes(y: Any) -> Optional[int]:
    try:
        import numpy as np

        return int(len(np.unique(np.asarray(y))))
    except Exception:  # noqa: BLE001
        return None


def _shape(a: Any) -> Optional[list]:
    try:
        import numpy as np

        return list(np.shape(a))
    except Exception:  # noqa: BLE001
        return None


def install(script_source: str, run_fit: bool, origin: Callable[[], Optional[str]]) -> None:
    """Patch the MLPs' fit so it records X/y and does not train (only if the script uses sklearn)."""
    _STATE.update(fits={}, made={}, run_fit=run_fit, origin=origin, active=True)
    if "sklearn" not in script_source:
        return  # importing scikit-learn costs time; scripts that never name it don't need it
    try:
        from sklearn.neural_network import _multilayer_perceptron as mlp
    except ImportError:
        return  # the script's own import will fail with a clear hint
    base = mlp.BaseMultilayerPerceptron
    if getattr(base.fit, "_kerasdiff", False):
        return
    real_fit = base.fit

    def fit(self: Any, X: Any, y: Any, *args: Any, **kwargs: Any) -> Any:
        fits = _STATE.get("fits") if _STATE.get("active") else None
        if fits is not None:
            shape = _shape(X) or []
            fits[id(self)] = {
                "n_samples": shape[0] if shape else None,
                "n_features": shape[1] if len(shape) > 1 else None,
                "x_dtype": str(getattr(X, "dtype", "float64")),
                "y_shape": _shape(y),
                "y_kind": _y_kind(y),
                "n_classes": _n_classes(y),
                "origin": (_STATE.get("origin") or (lambda: None))(),
            }
        if _STATE.get("run_fit") or fits is None:
            return real_fit(self, X, y, *args, **kwargs)
        return self  # nothing trains while kerasdiff reads the script

    fit._kerasdiff = True  # type: ignore[attr-defined]
    base.fit = fit
    # Where each estimator was constructed (its settings are written there, not at fit()).
    # functools.wraps keeps the signature scikit-learn's get_params() reads.
    import functools

    for cls in (mlp.MLPRegressor, mlp.MLPClassifier):
        real_init = cls.__init__

        @functools.wraps(real_init)
        def init(self: Any, *args: Any, _real: Any = real_init, **kwargs: Any) -> None:
            _real(self, *args, **kwargs)
            made = _STATE.get("made") if _STATE.get("active") else None
            if made is not None:
                made[id(self)] = (_STATE.get("origin") or (lambda: None))()

        cls.__init__ = init


def stop() -> None:
    """After a load: estimators fit for real again; what was recorded stays readable."""
    _STATE.update(active=False)


def constructed_at(est: Any) -> Optional[str]:
    return (_STATE.get("made") or {}).get(id(final_mlp(est)))


def recorded_fit(est: Any) -> Optional[dict]:
    fits = _STATE.get("fits") or {}
    return fits.get(id(final_mlp(est)))

"""The training recipe: record compile/fit/seeding while a script runs, normalize it per docs/recipe.md.

runner.py installs thin hooks that call `record_compile`, `record_fit` and `record_seed`; after the
script ran, `build_recipe` turns what was recorded for one model into the plain JSON data of
`Graph.recipe` (Keras defaults filled in, per-output settings aligned to the model's outputs the
way Keras 3 aligns them). `hint_for` recognizes Keras 2 spellings and known Keras 3 failures.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from kerasdiff.load.code import source_sha
from kerasdiff.load.interface import ScriptMistake

DEFAULT_REDUCTION = "sum_over_batch_size"
_ACCURACY = ("accuracy", "acc")
_CROSSENTROPY = ("crossentropy", "ce")
# Callback attributes that are training state, not settings.
_CB_STATE = {
    "model",
    "params",
    "validation_data",
    "wait",
    "best",
    "stopped_epoch",
    "best_weights",
    "best_epoch",
    "epochs_since_last_save",
    "cooldown_counter",
    "monitor_op",
    "history",
    "epoch",
    "writer",
    "csv_file",
    "keys",
    "append_header",
    "progbar",
    "seen",
    "target",
    "_model",
    "_chief_worker_only",
    "_supports_tf_logs",
}


@dataclass
class Recorder:
    """What the script did with its models while kerasdiff watched (raw; see build_recipe)."""

    compiles: dict = field(default_factory=dict)  # id(model) -> [compile record, ...]
    fits: dict = field(default_factory=dict)  # id(model) -> [fit record, ...]
    optimizers: dict = field(default_factory=dict)  # id(optimizer) -> [id(model), ...]
    seeds: list = field(default_factory=list)
    # Strong references: an id() must never be reused by another object during the run.
    keep: list = field(default_factory=list)
    models: dict = field(default_factory=dict)  # id(model) -> model
    weights: dict = field(default_factory=dict)  # id(model) -> where its weights came from
    set_layers: set = field(default_factory=set)  # id(layer) whose set_weights the script called


# Added to the way out of a Keras 2 spelling: the script can also run as it is written.
AS_WRITTEN = "; or compare the script as written under Keras 2: add @keras2 to its spec"


class Keras2Spelling(ScriptMistake):
    """Raised by a hook for a Keras 2 argument that Keras 3 would silently ignore."""


# --------------------------------------------------------------------------- small helpers


def _is_library(obj: Any) -> bool:
    mod = getattr(obj, "__module__", None) or ""
    return mod in ("keras", "tensorflow", "tf_keras", "builtins") or mod.startswith(
        ("keras.", "tensorflow.", "tf_keras.", "numpy.")
    )


def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def callable_desc(fn: Any) -> dict:
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__qualname__
    target = fn if inspect.isfunction(fn) or inspect.ismethod(fn) or inspect.isclass(fn) else type(fn)
    return {"callable": name, "source": source_sha(target)}


def plain(v: Any, depth: int = 0) -> Any:
    """JSON-safe rendering: numpy scalars -> numbers, tuples -> lists, serialized Keras objects ->
    {"class", "config"} (without their auto names), callables -> {"callable", "source"}."""
    if depth > 6:
        return repr(v)[:80]
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, (list, tuple)):
        return [plain(x, depth + 1) for x in v]
    if isinstance(v, dict):
        if "class_name" in v and "config" in v:
            cfg = v.get("config")
            if isinstance(cfg, dict):
                cfg = {k: x for k, x in cfg.items() if k != "name"}
            return {"class": v["class_name"], "config": plain(cfg, depth + 1)}
        return {str(k): plain(x, depth + 1) for k, x in v.items()}
    try:
        import numpy as np

        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, np.ndarray) and v.size <= 64:
            return v.tolist()
        if hasattr(v, "shape") and hasattr(v, "dtype"):
            return {"array": [None if d is None else int(d) for d in v.shape], "dtype": str(v.dtype)}
    except Exception:  # noqa: BLE001
        pass
    if hasattr(v, "get_config"):
        try:
            cfg = v.get_config()
            if isinstance(cfg, dict):
                cfg = {k: x for k, x in cfg.items() if k != "name"}
            return {"class": type(v).__name__, "config": plain(cfg, depth + 1)}
        except Exception:  # noqa: BLE001
            pass
    if callable(v):
        return callable_desc(v)
    return repr(v)[:80]


def _f32(v: Any) -> Any:
    """A float that went through a float32 variable, written as its shortest float32 spelling."""
    try:
        import numpy as np

        if isinstance(v, float) and float(np.float32(v)) == v:
            return float(str(np.float32(v)))
    except Exception:  # noqa: BLE001
        pass
    return v


def _bind(real: Any, self: Any, args: tuple, kwargs: dict) -> dict:
    """The call's arguments by name, defaults filled, as Keras's real signature binds them."""
    try:
        sig = inspect.signature(real)
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        out = dict(bound.arguments)
        out.pop(next(iter(sig.parameters)), None)
        extra = out.pop("kwargs", None)
        if isinstance(extra, dict):
            out.update(extra)
        return out
    except (TypeError, ValueError):
        out = dict(kwargs)
        return out


# --------------------------------------------------------------------------- recording


def _optimizer(opt: Any) -> tuple[dict, Any]:
    """(record, optimizer object or None). Read BEFORE the real compile touches it."""
    import keras

    given_as = "object"
    obj = opt
    if isinstance(opt, (str, dict)) or opt is None:
        given_as = "string"
        try:
            obj = keras.optimizers.get(opt if opt is not None else "rmsprop")
        except Exception:  # noqa: BLE001 - the real compile will say what is wrong
            return {
                "class": str(opt),
                "given_as": given_as,
                "config": {},
                "id": None,
                "shared_with": [],
                "iterations": 0,
                "built": False,
            }, None
    rec: dict = {"class": type(obj).__name__, "given_as": given_as}
    try:
        cfg = obj.get_config()
    except Exception:  # noqa: BLE001
        cfg = {}
    cfg = {k: v for k, v in cfg.items() if k != "name"}
    config = plain(cfg)
    if isinstance(config.get("learning_rate"), float):
        config["learning_rate"] = _f32(config["learning_rate"])
    rec["config"] = config
    ignored = getattr(obj, "__dict__", {}).get("_kd_ignored")
    if ignored:
        rec["ignored"] = dict(ignored)  # arguments the optimizer dropped (tf_keras's lr=)
    if given_as == "object":
        rec["id"] = id(obj)
        iterations = 0
        try:
            it = obj.iterations
            iterations = int(it.numpy() if hasattr(it, "numpy") else keras.ops.convert_to_numpy(it.value))
        except Exception:  # noqa: BLE001
            pass
        rec["iterations"] = iterations
        rec["built"] = bool(getattr(obj, "built", False))
        return rec, obj
    rec.update(id=None, shared_with=[], iterations=0, built=False)
    return rec, None


def record_compile(
    recorder: Recorder, real: Any, model: Any, args: tuple, kwargs: dict, origin: Optional[str]
) -> None:
    """Called by the compile hook before the real compile."""
    bound = _bind(real, model, args, kwargs)
    opt_rec, opt = _optimizer(bound.get("optimizer", "rmsprop"))
    if opt is not None:
        before = [m for m in recorder.optimizers.get(id(opt), []) if m != id(model)]
        opt_rec["shared_with"] = list(dict.fromkeys(before))
        recorder.optimizers.setdefault(id(opt), []).append(id(model))
        recorder.keep.append(opt)
    recorder.models[id(model)] = model
    recorder.keep.append(model)
    recorder.compiles.setdefault(id(model), []).append(
        {"origin": origin, "optimizer": opt_rec, "args": bound}
    )


def _array_like(x: Any, depth: int = 0) -> bool:
    if x is None or depth > 3:
        return False
    if isinstance(x, (list, tuple)):
        return bool(x) and all(_array_like(e, depth + 1) or isinstance(e, (int, float)) for e in x)
    if isinstance(x, dict):
        return bool(x) and all(_array_like(v, depth + 1) for v in x.values())
    return hasattr(x, "shape") and hasattr(x, "__len__")


def _rows(x: Any) -> Optional[int]:
    try:
        while isinstance(x, (list, tuple)) and x and _array_like(x[0]):
            x = x[0]
        if isinstance(x, dict) and x:
            x = next(iter(x.values()))
        return int(len(x))
    except Exception:  # noqa: BLE001
        return None


def _shape(a: Any) -> Optional[tuple]:
    try:
        import numpy as np

        if hasattr(a, "shape"):
            return tuple(a.shape)
        if isinstance(a, (list, tuple)):
            return tuple(np.asarray(a).shape)
    except Exception:  # noqa: BLE001
        pass
    return None


def _callback(cb: Any) -> dict:
    import keras

    cls = type(cb)
    cfg: dict = {}
    if isinstance(cb, keras.callbacks.LearningRateScheduler):
        cfg["schedule"] = callable_desc(cb.schedule)
    elif _is_library(cls):
        try:
            params = [
                p
                for p in inspect.signature(cls.__init__).parameters.values()
                if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            ][1:]
        except (TypeError, ValueError):
            params = []
        for p in params:
            if p.name in ("verbose",) or p.name in _CB_STATE:
                continue
            for attr in (p.name, "_" + p.name):
                if attr in vars(cb):
                    v = vars(cb)[attr]
                    if _simple(v) or callable(v):
                        cfg[p.name] = plain(v)
                    break
    if not cfg and not isinstance(cb, keras.callbacks.LearningRateScheduler):
        for k, v in vars(cb).items():
            if k.startswith("_") or k in _CB_STATE or k == "verbose" or isinstance(v, keras.Model):
                continue
            if _simple(v):
                cfg[k] = plain(v)
    return {"class": cls.__name__, "config": cfg}


def _simple(v: Any, depth: int = 0) -> bool:
    if v is None or isinstance(v, (bool, int, float, str)):
        return True
    try:
        import numpy as np

        if isinstance(v, np.generic):
            return True
    except Exception:  # noqa: BLE001
        pass
    if depth < 2 and isinstance(v, (list, tuple)):
        return all(_simple(x, depth + 1) for x in v)
    if depth < 2 and isinstance(v, dict):
        return all(isinstance(k, (str, int)) and _simple(x, depth + 1) for k, x in v.items())
    return False


def record_fit(
    recorder: Recorder, real: Any, model: Any, args: tuple, kwargs: dict, origin: Optional[str]
) -> None:
    """Called by the fit hook (before the real fit with --run-fit)."""
    b = _bind(real, model, args, kwargs)
    x = b.get("x")
    arrays = _array_like(x)
    given = b.get("batch_size") is not None
    callbacks = b.get("callbacks") or []
    if not isinstance(callbacks, (list, tuple)):
        callbacks = getattr(callbacks, "callbacks", None) or [callbacks]
    cw = b.get("class_weight")
    rec = {
        "origin": origin,
        "batch_size": plain(b.get("batch_size")) if given else (32 if arrays else None),
        "batch_size_given": given,
        "epochs": plain(b.get("epochs", 1)),
        "shuffle": plain(b.get("shuffle", True)),
        "validation_split": plain(b.get("validation_split", 0.0)),
        "validation_data": b.get("validation_data") is not None,
        "class_weight": (
            {str(plain(k)): plain(v) for k, v in cw.items()} if isinstance(cw, dict) else plain(cw)
        ),
        "sample_weight": b.get("sample_weight") is not None,
        "steps_per_epoch": plain(b.get("steps_per_epoch")),
        "initial_epoch": plain(b.get("initial_epoch", 0)),
        "x_rows": _rows(x) if arrays else None,
        "callbacks": [_callback(cb) for cb in callbacks],
    }
    if isinstance(rec["validation_split"], int) and not isinstance(rec["validation_split"], bool):
        rec["validation_split"] = float(rec["validation_split"])
    y = b.get("y")
    if isinstance(y, dict):
        y_shapes: Any = {k: _shape(v) for k, v in y.items()}
    elif isinstance(y, (list, tuple)) and y and all(hasattr(v, "shape") for v in y):
        y_shapes = [_shape(v) for v in y]
    else:
        y_shapes = _shape(y) if y is not None else None
    recorder.models[id(model)] = model
    recorder.keep.append(model)
    recorder.fits.setdefault(id(model), []).append({"record": rec, "y_shapes": y_shapes})


def record_seed(recorder: Recorder, fn: str, value: Any, origin: Optional[str]) -> None:
    recorder.seeds.append({"fn": fn, "value": plain(value), "origin": origin})


def install_seed_hooks(
    state: dict, is_user_frame: Callable[[Any], bool], origin: Callable[[], Optional[str]]
) -> None:
    """Wrap the global seeding functions; only calls made directly by user code are recorded."""
    import random

    import keras
    import numpy
    import tensorflow as tf

    targets = [
        (keras.utils, "set_random_seed", "keras.utils.set_random_seed"),
        (tf.random, "set_seed", "tf.random.set_seed"),
        (numpy.random, "seed", "np.random.seed"),
        (random, "seed", "random.seed"),
        (tf.config.experimental, "enable_op_determinism", "tf.config.experimental.enable_op_determinism"),
    ]
    try:
        tf_utils = tf.keras.utils  # the same Keras 3, reached through tf.keras
        if tf_utils is not keras.utils:
            targets.append((tf_utils, "set_random_seed", "keras.utils.set_random_seed"))
    except Exception:  # noqa: BLE001
        pass
    for mod, attr, label in targets:
        real = getattr(mod, attr, None)
        if real is None or getattr(real, "_kerasdiff", False):
            continue

        def make(real: Any, label: str) -> Any:
            def hooked(*args: Any, **kwargs: Any) -> Any:
                recorder = state.get("recorder")
                if recorder is not None and is_user_frame(sys._getframe(1)):
                    if label.endswith("enable_op_determinism"):
                        value: Any = True
                    else:
                        value = args[0] if args else next(iter(kwargs.values()), None)
                    record_seed(recorder, label, value, origin())
                return real(*args, **kwargs)

            hooked._kerasdiff = True  # type: ignore[attr-defined]
            hooked.__name__ = getattr(real, "__name__", "seed")
            hooked.__doc__ = getattr(real, "__doc__", None)
            hooked.__wrapped__ = real  # type: ignore[attr-defined]
            return hooked

        setattr(mod, attr, make(real, label))


def install_optimizer_guard(state: dict) -> None:
    """`decay=` is ignored by Keras 3 optimizers with only a warning: stop at the user's line."""
    from kerasdiff.load.keras.src import KERAS2, BaseOptimizer

    cls = BaseOptimizer
    real = cls.__init__
    if getattr(real, "_kerasdiff", False):
        return

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        decay = kwargs.get("decay")
        if KERAS2:
            # tf_keras refuses decay= itself, but drops lr= with a log line and keeps the
            # default learning rate: remember it (the KD7xx rules say so)
            lr = kwargs.get("lr")
            real(self, *args, **kwargs)
            if lr is not None and state.get("recorder") is not None:
                self.__dict__["_kd_ignored"] = {"lr": plain(lr)}
            return
        if state.get("recorder") is not None and decay:
            raise Keras2Spelling(
                f"{type(self).__name__}(decay={decay!r}), a Keras 2 spelling: Keras 3 optimizers "
                "have no `decay` and would silently ignore it",
                "use a learning-rate schedule, e.g. learning_rate=keras.optimizers.schedules."
                "InverseTimeDecay(initial_learning_rate, decay_steps=1, decay_rate=DECAY)" + AS_WRITTEN,
            )
        real(self, *args, **kwargs)

    __init__._kerasdiff = True  # type: ignore[attr-defined]
    cls.__init__ = __init__


# --------------------------------------------------------------------------- normalization


def _fn_defaults(fn: Any) -> dict:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return {}
    return {
        p.name: plain(p.default)
        for p in params[2:]
        if p.default is not p.empty and p.kind is not p.VAR_KEYWORD
    }


def _loss_from_fn(fn: Any, kwargs: Optional[dict], reduction: Any) -> dict:
    if _is_library(fn):
        cfg = _fn_defaults(fn)
        cfg.update({k: plain(v) for k, v in (kwargs or {}).items()})
        cfg["reduction"] = plain(reduction)
        return {"name": getattr(fn, "__name__", str(fn)), "config": cfg}
    desc = callable_desc(fn)
    out = {"name": getattr(fn, "__name__", desc["callable"]), **desc}
    if kwargs:
        out["config"] = {k: plain(v) for k, v in kwargs.items()}
    return out


def _resolve_ce(last_dim: Any, sparse: Optional[bool]) -> str:
    if last_dim == 1:
        return "binary_crossentropy"
    if sparse:
        return "sparse_categorical_crossentropy"
    return "categorical_crossentropy"


def normalize_loss(loss: Any, last_dim: Any = None, sparse: Optional[bool] = None) -> Any:
    """One loss -> {"name", "config"} (Keras function name + every kwarg with its default)."""
    import keras

    if loss is None:
        return None
    if isinstance(loss, str):
        if loss.lower() in _CROSSENTROPY:
            name = _resolve_ce(last_dim, sparse)
            out = normalize_loss(name)
            out["name"] = f"{name} (from {loss!r})"
            return out
        try:
            obj = keras.losses.get(loss)
        except Exception:  # noqa: BLE001 - the real compile reports unknown names
            return {"name": loss, "config": {}}
        return normalize_loss(obj)
    if isinstance(loss, dict) and "class_name" in loss:
        try:
            return normalize_loss(keras.losses.deserialize(loss))
        except Exception:  # noqa: BLE001
            return plain(loss)
    if isinstance(loss, keras.losses.Loss):
        reduction = getattr(loss, "reduction", DEFAULT_REDUCTION)
        fn = getattr(loss, "fn", None)
        wrapper = type(loss).__name__ == "LossFunctionWrapper" or _is_library(type(loss))
        if wrapper and fn is not None:
            return _loss_from_fn(fn, getattr(loss, "_fn_kwargs", {}), reduction)
        try:
            cfg = {k: plain(v) for k, v in loss.get_config().items() if k not in ("name",)}
        except Exception:  # noqa: BLE001
            cfg = {"reduction": plain(reduction)}
        if cfg.get("dtype") is None:
            cfg.pop("dtype", None)
        if _is_library(type(loss)):
            return {"name": _snake(type(loss).__name__), "config": cfg}
        return {"name": _snake(type(loss).__name__), **callable_desc(type(loss)), "config": cfg}
    if callable(loss):
        return _loss_from_fn(loss, None, DEFAULT_REDUCTION)
    return plain(loss)


def _metric_name(m: Any, last_dim: Any, sparse: Optional[bool]) -> Any:
    import keras

    if m is None:
        return None
    if isinstance(m, str):
        if m.lower() in _ACCURACY:
            if last_dim == 1:
                name = "binary_accuracy"
            elif sparse:
                name = "sparse_categorical_accuracy"
            else:
                name = "categorical_accuracy"
            return f"{name} (from {m!r})"
        try:
            obj = keras.metrics.get(m)
        except Exception:  # noqa: BLE001
            return m
        return _metric_name(obj, last_dim, sparse)
    if isinstance(m, keras.metrics.Metric):
        cls = type(m)
        if not _is_library(cls):
            return f"{_snake(cls.__name__)} (custom {cls.__qualname__}:{source_sha(cls)})"
        name = _snake(cls.__name__)
        if name == "mean_metric_wrapper":
            fn = getattr(m, "_fn", None)
            return _metric_name(fn, last_dim, sparse) if fn is not None else m.name
        try:
            cfg = m.get_config()
        except Exception:  # noqa: BLE001
            return name
        try:
            base = cls().get_config()
        except Exception:  # noqa: BLE001
            base = {}
        diff = {
            k: v for k, v in cfg.items() if k not in ("name", "dtype") and (k not in base or base[k] != v)
        }
        if diff:
            name += "(" + ", ".join(f"{k}={plain(v)!r}" for k, v in sorted(diff.items())) + ")"
        return name
    if callable(m):
        if _is_library(m):
            return getattr(m, "__name__", str(m))
        return f"{getattr(m, '__name__', 'metric')} (custom {source_sha(m)})"
    return str(plain(m))


def _given_as(v: Any) -> str:
    if v is None:
        return "none"
    if isinstance(v, dict):
        return "dict"
    if isinstance(v, (list, tuple)):
        return "list"
    return "single"


def _per_output(value: Any, names: list, n: int, default: Any) -> list:
    """Keras 3 alignment: dict by output name, list by position, single value for every output."""
    if value is None:
        return [default] * n
    if isinstance(value, dict):
        return [value.get(name, default) for name in names] if names else list(value.values())[:n]
    if isinstance(value, (list, tuple)):
        vals = list(value)[:n]
        return vals + [default] * (n - len(vals))
    return [value] * n


def _per_output_metrics(value: Any, names: list, n: int) -> list:
    """metrics= as Keras 3's CompileMetrics applies it; each entry a list of metrics."""

    def as_list(v: Any) -> list:
        if v is None:
            return []
        return list(v) if isinstance(v, (list, tuple)) else [v]

    if not value:
        return [[] for _ in range(n)]
    if n == 1:
        if isinstance(value, dict):
            flat = [m for v in value.values() for m in as_list(v)]
        else:
            flat = [m for v in as_list(value) for m in as_list(v)]
        return [flat]
    if isinstance(value, dict):
        return [as_list(value.get(name)) for name in names]
    if isinstance(value, (list, tuple)) and len(value) == n:
        return [as_list(v) for v in value]
    return [as_list(value) for _ in range(n)]  # one list for every output


def _outputs(model: Any) -> tuple[list, list]:
    """(output names, last dimension of each output) — empty when unknown (unbuilt model)."""
    names: list = []
    try:
        names = list(getattr(model, "output_names", None) or [])
        if not names and getattr(model, "_functional", None) is not None:
            names = list(model._functional.output_names or [])  # a built Sequential
        if not names and hasattr(model, "pop") and model.layers:
            names = [model.layers[-1].name]  # an unbuilt Sequential: its last layer
    except Exception:  # noqa: BLE001
        names = []
    dims: list = []
    try:
        for t in model.outputs or []:
            dims.append(t.shape[-1] if len(t.shape) else None)
    except Exception:  # noqa: BLE001
        dims = []
    return names, dims


def _sparse_hints(y_shapes: Any, names: list, n: int, out_ranks: list, losses: list) -> list:
    """Per output: True (y_true is sparse labels), False (one-hot / same shape) or None (unknown).

    Keras decides from y_true: rank lower than y_pred's, or last dim 1 against a wider y_pred.
    With no y seen (dataset, generator) the loss tells what kind of y_true the script feeds."""
    per: list = [None] * n
    if isinstance(y_shapes, dict):
        per = [y_shapes.get(name) for name in names] if names else list(y_shapes.values())[:n]
    elif isinstance(y_shapes, list) and n > 1:
        per = (y_shapes + [None] * n)[:n]
    elif isinstance(y_shapes, tuple) and n == 1:
        per = [y_shapes]
    hints = []
    for i in range(n):
        shp = per[i] if i < len(per) else None
        rank, last = out_ranks[i] if i < len(out_ranks) else (None, None)
        if isinstance(shp, tuple) and rank is not None:
            y_last = shp[-1] if shp else None
            hints.append(len(shp) < rank or (y_last == 1 and last is not None and last > 1))
            continue
        name = (losses[i] or {}).get("name", "") if i < len(losses) and isinstance(losses[i], dict) else ""
        if name.startswith("sparse_categorical"):
            hints.append(True)
        elif name:
            hints.append(False)
        else:
            hints.append(None)
    return hints


def _compile_json(model: Any, rec: dict, count: int, y_shapes: Any, model_names: dict) -> dict:
    args = rec["args"]
    names, dims = _outputs(model)
    loss, weights = args.get("loss"), args.get("loss_weights")
    n = len(names) or (len(loss) if isinstance(loss, (list, tuple)) and loss else 1)
    try:
        ranks = [(len(t.shape), t.shape[-1] if len(t.shape) else None) for t in model.outputs or []]
    except Exception:  # noqa: BLE001
        ranks = []
    last = [dims[i] if i < len(dims) else None for i in range(n)]

    raw_losses = _per_output(loss, names, n, None)
    # First pass without y hints (for the sparse guess), then resolve 'crossentropy' and accuracy.
    prelim = [
        normalize_loss(x, last[i]) if not (isinstance(x, str) and x.lower() in _CROSSENTROPY) else None
        for i, x in enumerate(raw_losses)
    ]
    sparse = _sparse_hints(y_shapes, names, n, ranks, prelim)
    losses = [normalize_loss(x, last[i], sparse[i]) for i, x in enumerate(raw_losses)]

    # loss_weights: Keras 3 packs the weights into the loss structure. A dict of weights next to a
    # list (or single) loss is flattened in sorted-key order and then taken by position.
    if isinstance(weights, dict) and isinstance(loss, (list, tuple)):
        w = _per_output([weights[k] for k in sorted(weights)], names, n, 1.0)
    else:
        w = _per_output(weights, names, n, 1.0)
    w = [
        float(plain(x)) if isinstance(plain(x), (int, float)) and not isinstance(x, bool) else plain(x)
        for x in w
    ]

    def metrics(value: Any) -> list:
        return [
            [_metric_name(m, last[i], sparse[i]) for m in ms]
            for i, ms in enumerate(_per_output_metrics(value, names, n))
        ]

    opt = dict(rec["optimizer"])
    if opt.get("given_as") == "object":
        opt["shared_with"] = [{"id": mid, "name": model_names.get(mid)} for mid in opt.get("shared_with", [])]
    return {
        "origin": rec["origin"],
        "count": count,
        "optimizer": opt,
        "outputs": names,
        "loss": losses,
        "loss_given_as": _given_as(loss),
        "loss_weights": w,
        "loss_weights_given_as": _given_as(weights),
        "metrics": metrics(args.get("metrics")),
        "weighted_metrics": metrics(args.get("weighted_metrics")),
        "run_eagerly": plain(args.get("run_eagerly", False)),
        "jit_compile": plain(args.get("jit_compile", "auto")),
        "steps_per_execution": plain(args.get("steps_per_execution", 1)),
    }


def model_names(module: Any, picked: list) -> dict:
    """id(model) -> the module-level variable name that holds it (first one), after the run."""
    import keras

    out: dict = {}
    for name, model in picked:
        out.setdefault(id(model), name)
    for k, v in vars(module).items() if module is not None else ():
        if not k.startswith("_") and isinstance(v, keras.Model):
            out.setdefault(id(v), k)
    return out


def build_recipe(recorder: Recorder, model: Any, names: dict, script: str) -> dict:
    """The `Graph.recipe` of one model (docs/recipe.md)."""
    compiles = recorder.compiles.get(id(model), [])
    fits = recorder.fits.get(id(model), [])
    y_shapes = fits[-1]["y_shapes"] if fits else None
    comp = None
    if compiles:
        try:
            comp = _compile_json(model, compiles[-1], len(compiles), y_shapes, names)
        except Exception as exc:  # noqa: BLE001 - never lose the model over a recipe detail
            comp = {
                "origin": compiles[-1]["origin"],
                "count": len(compiles),
                "optimizer": compiles[-1]["optimizer"],
                "error": f"{type(exc).__name__}: {exc}",
            }
    fit = None
    if fits:
        fit = {"origin": fits[-1]["record"]["origin"], "count": len(fits)}
        fit.update({k: v for k, v in fits[-1]["record"].items() if k != "origin"})
    return {
        "run": f"{os.getpid()}:{os.path.abspath(script)}",
        "seeds": [dict(s) for s in recorder.seeds],
        "compile": comp,
        "fit": fit,
    }


# --------------------------------------------------------------------------- hints


_BACKEND_RENAMES = {
    "pow": "power",
    "int_shape": "shape",
    "random_normal": None,
    "random_uniform": None,
    "eval": "convert_to_numpy",
    "get_value": "convert_to_numpy",
}


def hint_for(exc: BaseException, line_text: str = "") -> Optional[str]:
    """The way out for failures kerasdiff recognizes: a Keras 3 pitfall, or a Keras 2 spelling
    (how Keras 3 spells it, and that the script also runs as written under @keras2)."""
    if isinstance(exc, Keras2Spelling):
        return exc.hint  # it says both already
    if isinstance(
        exc, ValueError
    ) and "can only be called for the variables it was originally built with" in str(exc):
        return "the same optimizer instance was used for two models; create one optimizer per model"
    hint = _keras2_spelling(exc, line_text)
    return f"{hint}{AS_WRITTEN}" if hint else None


def _keras2_spelling(exc: BaseException, line_text: str = "") -> Optional[str]:
    """How Keras 3 spells what failed, when it is a Keras 2 spelling."""
    msg = str(exc)
    if isinstance(exc, ValueError):
        m = re.search(r"Argument\(s\) not recognized: \{(.*)\}", msg)
        if m and re.search(r"'lr'", m.group(1)):
            value = re.search(r"'lr': ([^,}]+)", m.group(1))
            cls = re.search(r"(\w+)\(\s*lr\s*=", line_text)
            example = f"{cls.group(1) if cls else 'SGD'}(learning_rate={value.group(1) if value else '...'})"
            return f"Keras 3 optimizers spell it learning_rate=: {example}"
        if m and "'decay'" in m.group(1):
            return (
                "Keras 3 optimizers have no decay=: use a learning-rate schedule, e.g. "
                "keras.optimizers.schedules.InverseTimeDecay"
            )
        m = re.search(r"Cannot convert '(\d+)' to a shape", msg)
        if m:
            d = m.group(1)
            if "input_shape" in line_text or not line_text:
                return (
                    f"Keras 3 wants shapes as tuples: input_shape=({d},), or better start the "
                    f"model with keras.Input(shape=({d},))"
                )
            return f"Keras 3 wants shapes as tuples: write ({d},) instead of {d}"
    if isinstance(exc, AttributeError):
        m = re.search(r"module '([\w.]*keras[\w.]*\.backend)' has no attribute '(\w+)'", msg)
        if m:
            name = m.group(2)
            try:
                import keras

                new = _BACKEND_RENAMES.get(name, name)
                if new and hasattr(keras.ops, new):
                    return (
                        f"Keras 3 moved the backend math to keras.ops: use keras.ops.{new} "
                        f"instead of keras.backend.{name}"
                    )
            except Exception:  # noqa: BLE001
                pass
            return (
                f"keras.backend has no {name} in Keras 3: the math functions live in keras.ops "
                "(keras.random for random numbers)"
            )
    return None

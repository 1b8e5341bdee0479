"""Keras hooks while a script runs: layers and operations remember the user line that built them,
compile/fit/seeding are recorded (kerasdiff.load.keras.recipe), fit/evaluate/predict do not train,
and nothing is saved (save, save_weights, export, SavedModel, checkpoints)."""

from __future__ import annotations

import collections
import inspect
import sys
from typing import Any, Optional

from kerasdiff.load.keras import recipe as _recipe
from kerasdiff.load.keras import weights as _weights
from kerasdiff.load.keras.recipe import Recorder
from kerasdiff.load.script import is_user_file, origin_of, user_origin


def _x_len(args: tuple, kwargs: dict) -> int:
    x: Any = args[0] if args else kwargs.get("x")
    try:
        while isinstance(x, (list, tuple)) and x:
            x = x[0]
        if isinstance(x, dict) and x:
            x = next(iter(x.values()))
        return int(len(x))
    except Exception:  # noqa: BLE001 - datasets/generators have no len: one row is enough
        return 1


def _fake_predict(model: Any, args: tuple, kwargs: dict) -> Any:
    import numpy as np

    n = _x_len(args, kwargs)
    outs = []
    for t in getattr(model, "outputs", None) or []:
        shape = tuple(d if d is not None else 1 for d in t.shape[1:])
        outs.append(np.zeros((n,) + shape, dtype="float32"))
    if not outs:
        return np.zeros((n, 1), dtype="float32")
    return outs[0] if len(outs) == 1 else outs


# The hooks are installed once per process and read this state, so every load (also several
# in-process loads in tests) records into its own Recorder.
_STATE: dict = {"recorder": None, "run_fit": False, "origins": False, "depth": 0}
_RUNNERS = ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch")


def _n_results(model: Any) -> int:
    """How many numbers evaluate() returns: the loss plus one per compiled metric."""
    n = 1
    recorder = _STATE["recorder"]
    records = recorder.compiles.get(id(model), []) if recorder is not None else []
    for rec in records[-1:]:
        for key in ("metrics", "weighted_metrics"):
            m = rec["args"].get(key)
            if isinstance(m, dict):
                m = [x for v in m.values() for x in (v if isinstance(v, list) else [v])]
            if isinstance(m, list):
                n += len(m)
            elif m:
                n += 1
    return n


def _constructor_args(obj: Any, frame: Any) -> tuple[Optional[dict], Any]:
    """The arguments the most derived `__init__` of `obj` received (a custom layer passes only
    name/dtype on to Layer.__init__; its own settings are in its frame): what can still be
    compared when its get_config() raises or leaves settings out. Also the frame that called it."""
    outer = None
    while frame is not None and frame.f_code.co_name == "__init__" and frame.f_locals.get("self") is obj:
        outer = frame
        frame = frame.f_back
    if outer is None:
        return None, None
    info = inspect.getargvalues(outer)
    out = {a: info.locals.get(a) for a in info.args[1:]}
    if info.keywords:
        out.update(info.locals.get(info.keywords) or {})
    for k in ("name", "dtype", "trainable", "autocast"):
        out.pop(k, None)
    return out, frame


def install_hooks(recorder: Recorder, run_fit: bool) -> None:
    """Patch keras so layers remember where they were built and models do not train."""
    import keras

    _STATE.update(recorder=recorder, run_fit=run_fit, origins=True, depth=0)
    _recipe.install_seed_hooks(_STATE, lambda f: is_user_file(f.f_code.co_filename), lambda: user_origin())
    _recipe.install_optimizer_guard(_STATE)
    layer_cls = keras.layers.Layer
    if getattr(layer_cls.__init__, "_kerasdiff", False):
        return
    orig_init = layer_cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        d = self.__dict__
        if _STATE["origins"] and "_kd_origin" not in d:
            d["_kd_ctor"], site = _constructor_args(self, sys._getframe(1))
            # Where the layer was built: the call of its class, not a line inside its __init__.
            d["_kd_origin"] = origin_of(site) or user_origin()
            d["_kd_user_named"] = kwargs.get("name") is not None
        orig_init(self, *args, **kwargs)

    __init__._kerasdiff = True  # type: ignore[attr-defined]
    layer_cls.__init__ = __init__
    # Plain keras.ops calls in a functional graph (`x / 255.0`) are Operations, not Layers
    # (Keras 3; tf_keras wraps them in TFOpLambda layers, which the Layer hook sees).
    operation = getattr(keras, "Operation", None)
    if operation is not None:
        orig_op_init = operation.__init__

        def op_init(self: Any, *args: Any, **kwargs: Any) -> None:
            d = self.__dict__
            if _STATE["origins"] and "_kd_origin" not in d:
                d["_kd_origin"] = user_origin()
            orig_op_init(self, *args, **kwargs)

        operation.__init__ = op_init

    model_cls = keras.Model
    orig_compile = model_cls.compile

    def compile(self: Any, *args: Any, **kwargs: Any) -> Any:
        recorder = _STATE["recorder"]
        if recorder is not None:
            # Read the optimizer (iterations, built) BEFORE the real compile touches it.
            _recipe.record_compile(recorder, orig_compile, self, args, kwargs, user_origin())
        return orig_compile(self, *args, **kwargs)

    model_cls.compile = compile

    def make(method: str, real: Any) -> Any:
        def fake(self: Any, *args: Any, **kwargs: Any) -> Any:
            recorder = _STATE["recorder"]
            if recorder is None or _STATE["depth"]:
                # Not loading, or inside the outermost call (a library's fit calling super().fit).
                return real(self, *args, **kwargs)
            if method == "fit":
                # The call the user wrote, whatever class defines it: a keras-hub task packs
                # batch_size into a dataset and calls super().fit without it.
                _recipe.record_fit(recorder, real, self, args, kwargs, user_origin())
            if _STATE["run_fit"]:
                _STATE["depth"] += 1
                try:
                    return real(self, *args, **kwargs)
                finally:
                    _STATE["depth"] -= 1
                    if method in ("fit", "train_on_batch"):
                        _weights.record(
                            recorder, self, {"how": "trained", "via": method, "origin": user_origin()}
                        )
            if method == "fit":
                # Scripts read history.history['loss'][-1]: any key answers one zero.
                h = keras.callbacks.History()
                h.history = collections.defaultdict(lambda: [0.0])
                h.epoch = []
                h.set_model(self)
                return h
            if method in ("predict", "predict_on_batch"):
                return _fake_predict(self, args, kwargs)
            n = _n_results(self)
            if kwargs.get("return_dict"):
                return collections.defaultdict(float, loss=0.0)
            return 0.0 if n == 1 else [0.0] * n

        fake.__name__ = method
        fake.__doc__ = getattr(real, "__doc__", None)
        fake._kerasdiff = True  # type: ignore[attr-defined]
        return fake

    def wrap(cls: Any) -> None:
        for method in _RUNNERS:
            # keras.Model inherits its fit from the backend's trainer; subclasses: their own only.
            real = getattr(cls, method, None) if cls is model_cls else cls.__dict__.get(method)
            if real is not None and not getattr(real, "_kerasdiff", False):
                setattr(cls, method, make(method, real))

    # keras.Model, every subclass already defined (libraries imported before), and every
    # subclass defined later (the script's own, a library it imports).
    pending = [model_cls]
    while pending:
        cls = pending.pop()
        wrap(cls)
        pending += cls.__subclasses__()
    previous = model_cls.__dict__.get("__init_subclass__")

    def __init_subclass__(cls: Any, **kw: Any) -> None:
        if previous is not None:
            previous.__func__(cls, **kw)
        else:
            super(model_cls, cls).__init_subclass__(**kw)
        wrap(cls)

    if not getattr(previous, "_kerasdiff", False):
        hook = classmethod(__init_subclass__)
        hook.__func__._kerasdiff = True  # type: ignore[attr-defined]
        model_cls.__init_subclass__ = hook

    _install_weight_hooks(keras, model_cls, layer_cls)

    # Nothing trained, so saving would overwrite the user's trained files with fresh weights.
    def no_save(real: Any) -> Any:
        def save(*args: Any, **kwargs: Any) -> Any:
            if _STATE["run_fit"] or _STATE["recorder"] is None:
                return real(*args, **kwargs)
            return None

        save.__name__ = getattr(real, "__name__", "save")
        return save

    for method in ("save", "save_weights", "export"):
        if hasattr(model_cls, method):
            setattr(model_cls, method, no_save(getattr(model_cls, method)))
    for mod in (keras.saving, keras.models):
        if hasattr(mod, "save_model"):
            mod.save_model = no_save(mod.save_model)
    # SavedModel and checkpoint writers reach the disk without Model.save.
    import tensorflow as tf

    for owner, attr in (
        (tf.saved_model, "save"),
        (tf.train.Checkpoint, "save"),
        (tf.train.Checkpoint, "write"),
        (getattr(keras, "export", None), "ExportArchive"),
    ):
        if owner is None or not hasattr(owner, attr):
            continue
        if attr == "ExportArchive":
            archive = getattr(owner, attr)
            archive.write_out = no_save(archive.write_out)
        else:
            setattr(owner, attr, no_save(getattr(owner, attr)))


def _install_weight_hooks(keras: Any, model_cls: Any, layer_cls: Any) -> None:
    """Note where weights come from: files, arrays, clone_model (kerasdiff.load.keras.weights)."""
    real_load = model_cls.load_weights

    def load_weights(self: Any, filepath: Any, *args: Any, **kwargs: Any) -> Any:
        out = real_load(self, filepath, *args, **kwargs)
        _weights.record(
            _STATE["recorder"], self, _weights.file_entry(filepath, "load_weights", user_origin())
        )
        return out

    model_cls.load_weights = load_weights
    real_set = layer_cls.set_weights

    def set_weights(self: Any, weights: Any) -> Any:
        out = real_set(self, weights)
        recorder = _STATE["recorder"]
        if recorder is not None:
            recorder.keep.append(self)
            recorder.set_layers.add(id(self))
            if isinstance(self, model_cls):
                _weights.record(recorder, self, {"how": "set", "via": "set_weights", "origin": user_origin()})
        return out

    layer_cls.set_weights = set_weights
    real_clone = keras.models.clone_model

    def clone_model(model: Any, *args: Any, **kwargs: Any) -> Any:
        out = real_clone(model, *args, **kwargs)
        recorder = _STATE["recorder"]
        if recorder is not None and isinstance(out, model_cls):
            recorder.keep.append(model)
            _weights.record(recorder, out, {"how": "clone", "source_id": id(model), "origin": user_origin()})
        return out

    # `tf.keras` is Keras 3 through a second namespace (keras._tf_keras): patch both.
    import importlib

    namespaces = [keras]
    try:
        namespaces.append(importlib.import_module("keras._tf_keras.keras"))
    except ImportError:
        pass
    for ns in namespaces:
        ns.models.clone_model = clone_model
    mods = [getattr(ns, name, None) for ns in namespaces for name in ("models", "saving")]
    for mod in [m for m in mods if m is not None]:
        real_load_model = getattr(mod, "load_model", None)
        if real_load_model is None:
            continue

        def load_model(filepath: Any, *args: Any, _real: Any = real_load_model, **kwargs: Any) -> Any:
            out = _real(filepath, *args, **kwargs)
            if isinstance(out, model_cls):
                _weights.record(
                    _STATE["recorder"], out, _weights.file_entry(filepath, "load_model", user_origin())
                )
            return out

        mod.load_model = load_model


def stop_hooks() -> None:
    """After a load: layers built later (saved files, tests) get no origin; models train again."""
    _STATE.update(recorder=None, origins=False)

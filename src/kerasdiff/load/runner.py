"""Run a user script (or load a saved model) with Keras hooked: nothing trains, origins are recorded."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import sys
import sysconfig
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Optional

from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Graph

BUILDER_NAMES = ("build_model", "create_model", "get_model", "make_model")


@dataclass
class FileResult:
    graphs: list
    output: str = ""
    extract_seconds: float = 0.0


@dataclass
class Recorder:
    """What the script did with its models while kerasdiff watched."""

    compiles: dict = field(default_factory=dict)   # id(model) -> list of compile records
    fits: dict = field(default_factory=dict)       # id(model) -> list of fit/evaluate/... records
    optimizers: dict = field(default_factory=dict)  # id(optimizer) -> [id(model), ...]


class StdinBlocked(Exception):
    """Raised when the user's script reads standard input."""


class _NoStdin(io.TextIOBase):
    def read(self, *a: Any) -> str:
        raise StdinBlocked("the script reads standard input")

    readline = read

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        raise StdinBlocked("the script reads standard input")


# --------------------------------------------------------------------------- origins

_LIB_DIRS: tuple[str, ...] = ()
_USER_FILE_CACHE: dict[str, bool] = {}
_CWD = os.getcwd()


def _lib_dirs() -> tuple[str, ...]:
    dirs = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            dirs.add(os.path.realpath(sysconfig.get_paths()[key]))
        except KeyError:
            pass
    for p in sys.path:
        if p.endswith(("site-packages", "dist-packages")):
            dirs.add(os.path.realpath(p))
    dirs.add(os.path.realpath(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    return tuple(sorted(dirs))


def _is_user_file(filename: str) -> bool:
    hit = _USER_FILE_CACHE.get(filename)
    if hit is None:
        if filename.startswith("<"):
            hit = False
        else:
            real = os.path.realpath(filename)
            hit = not any(real == d or real.startswith(d + os.sep) for d in _LIB_DIRS)
        _USER_FILE_CACHE[filename] = hit
    return hit


def user_origin() -> Optional[str]:
    """file:line of the innermost stack frame that belongs to the user's code."""
    frame = sys._getframe(2)
    while frame is not None:
        fn = frame.f_code.co_filename
        if _is_user_file(fn):
            rel = os.path.relpath(fn, _CWD)
            if rel.startswith(".." + os.sep + ".."):
                rel = fn
            return f"{rel}:{frame.f_lineno}"
        frame = frame.f_back
    return None


# --------------------------------------------------------------------------- hooks


def _x_len(args: tuple, kwargs: dict) -> int:
    x = args[0] if args else kwargs.get("x")
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


def _plain(v: Any, depth: int = 0) -> Any:
    """Best-effort JSON-safe rendering of an argument."""
    if depth > 4:
        return repr(v)[:80]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [_plain(x, depth + 1) for x in v][:50]
    if isinstance(v, dict):
        return {str(k): _plain(x, depth + 1) for k, x in list(v.items())[:50]}
    try:
        import numpy as np

        if isinstance(v, np.generic):
            return v.item()
        if hasattr(v, "shape") and hasattr(v, "dtype"):
            return {"array": [None if d is None else int(d) for d in v.shape], "dtype": str(v.dtype)}
    except Exception:  # noqa: BLE001
        pass
    if hasattr(v, "get_config"):
        try:
            return {"class": type(v).__name__, "config": _plain(v.get_config(), depth + 1)}
        except Exception:  # noqa: BLE001
            pass
    if callable(v):
        return {"callable": getattr(v, "__qualname__", type(v).__name__)}
    return repr(v)[:80]


_TRAIN_KEYS = ("batch_size", "epochs", "shuffle", "validation_split", "class_weight",
               "steps_per_epoch", "initial_epoch", "validation_steps", "validation_freq")


def install_hooks(recorder: Recorder, run_fit: bool) -> None:
    """Patch keras so layers remember where they were built and models do not train."""
    import keras

    global _LIB_DIRS
    _LIB_DIRS = _lib_dirs()
    layer_cls = keras.layers.Layer
    if getattr(layer_cls.__init__, "_kerasdiff", False):
        return
    orig_init = layer_cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        d = self.__dict__
        if "_kd_origin" not in d:
            d["_kd_origin"] = user_origin()
            d["_kd_user_named"] = kwargs.get("name") is not None
        orig_init(self, *args, **kwargs)

    __init__._kerasdiff = True  # type: ignore[attr-defined]
    layer_cls.__init__ = __init__

    model_cls = keras.Model
    orig_compile = model_cls.compile

    def compile(self: Any, *args: Any, **kwargs: Any) -> Any:
        names = ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics",
                 "run_eagerly", "steps_per_execution", "jit_compile")
        bound = dict(zip(names, args))
        bound.update(kwargs)
        opt = bound.get("optimizer", "rmsprop")
        rec = {k: _plain(v) for k, v in bound.items() if k != "optimizer"}
        rec["optimizer"] = _plain(opt)
        if not isinstance(opt, str):
            rec["optimizer_id"] = id(opt)
            rec["optimizer_shared_with"] = list(recorder.optimizers.get(id(opt), []))
            recorder.optimizers.setdefault(id(opt), []).append(id(self))
        rec["origin"] = user_origin()
        recorder.compiles.setdefault(id(self), []).append(rec)
        return orig_compile(self, *args, **kwargs)

    model_cls.compile = compile
    if run_fit:
        return

    def make(method: str) -> Any:
        def fake(self: Any, *args: Any, **kwargs: Any) -> Any:
            rec = {"method": method, "origin": user_origin()}
            rec.update({k: _plain(kwargs[k]) for k in _TRAIN_KEYS if k in kwargs})
            if method == "fit":
                rec.setdefault("batch_size", None)
                rec["validation_data"] = kwargs.get("validation_data") is not None
                rec["sample_weight"] = kwargs.get("sample_weight") is not None
                rec["callbacks"] = [_plain(c) for c in kwargs.get("callbacks") or []]
            recorder.fits.setdefault(id(self), []).append(rec)
            if method == "fit":
                h = keras.callbacks.History()
                h.history = {}
                h.epoch = []
                return h
            if method in ("predict", "predict_on_batch"):
                return _fake_predict(self, args, kwargs)
            return 0.0

        fake.__name__ = method
        return fake

    for method in ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch",
                   "predict_on_batch"):
        setattr(model_cls, method, make(method))


# --------------------------------------------------------------------------- scripts


def _module_name(path: str) -> str:
    stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0]) or "script"
    if stem[0].isdigit():
        stem = "_" + stem
    if stem in sys.modules or stem in sys.stdlib_module_names or stem in ("keras", "tensorflow",
                                                                          "numpy", "kerasdiff"):
        stem = f"kerasdiff_user_{stem}"
    return stem


def _script_error(path: str, exc: BaseException) -> KerasdiffError:
    tb = traceback.extract_tb(exc.__traceback__)
    where = ""
    for fr in reversed(tb):
        if _is_user_file(fr.filename):
            where = f"{os.path.relpath(fr.filename, _CWD)}:{fr.lineno}: "
            break
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    cause = f"script raised {type(exc).__name__}" + (f": {msg}" if msg else "")
    detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return KerasdiffError(os.path.relpath(path, _CWD), where + cause if where else cause,
                          "fix the script or run it with python to see the full error", detail)


def run_script(path: str, recorder: Recorder, captured: io.StringIO) -> Any:
    """Execute the script as a fresh module in its own folder; return the module."""
    folder = os.path.dirname(path)
    modname = _module_name(path)
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[modname] = module
    old_cwd, old_path0, old_stdin, old_argv = os.getcwd(), list(sys.path), sys.stdin, sys.argv
    rel = os.path.relpath(path, _CWD)
    try:
        os.chdir(folder)
        sys.path.insert(0, folder)
        sys.stdin = _NoStdin()
        sys.argv = [path]
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            spec.loader.exec_module(module)  # type: ignore[union-attr]
    except StdinBlocked:
        raise KerasdiffError(rel, "the script reads standard input (input() or sys.stdin)",
                             "kerasdiff runs scripts without a terminal; read settings from "
                             "arguments with defaults or constants instead")
    except SystemExit as exc:
        raise KerasdiffError(rel, f"the script called sys.exit({exc.code!r})",
                             "move exits under `if __name__ == '__main__':`")
    except KeyboardInterrupt:
        raise
    except SyntaxError as exc:
        where = f"{os.path.relpath(exc.filename or path, _CWD)}:{exc.lineno}: "
        raise KerasdiffError(rel, f"{where}syntax error: {exc.msg}", "fix the script")
    except BaseException as exc:  # noqa: BLE001
        raise _script_error(path, exc) from None
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path0
        sys.stdin = old_stdin
        sys.argv = old_argv
    return module


def _is_model(obj: Any) -> bool:
    import keras

    return isinstance(obj, keras.Model)


def _call_builder(rel: str, name: str, fn: Any, captured: io.StringIO) -> Any:
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            obj = fn()
    except TypeError as exc:
        if "argument" in str(exc):
            raise KerasdiffError(f"{rel}:{name}", f"{name}() needs arguments ({exc})",
                                 "give it defaults, or name a model variable with FILE.py:NAME")
        raise _script_error(rel, exc) from None
    except BaseException as exc:  # noqa: BLE001
        raise _script_error(rel, exc) from None
    if not _is_model(obj):
        raise KerasdiffError(f"{rel}:{name}", f"{name}() returned {type(obj).__name__}, not a Keras model",
                             "return the model from the function")
    return obj


def discover(module: Any, rel: str, name: Optional[str], captured: io.StringIO) -> tuple[str, Any]:
    """Find the model the spec means; see DESIGN.md 'Model discovery'."""
    found = {k: v for k, v in vars(module).items() if not k.startswith("_") and _is_model(v)}
    if name is not None:
        if not hasattr(module, name):
            avail = ", ".join(f"{rel}:{k}" for k in found) or "none"
            raise KerasdiffError(f"{rel}:{name}", f"no module-level name '{name}'",
                                 f"models in the script: {avail}")
        obj = getattr(module, name)
        if _is_model(obj):
            return name, obj
        if callable(obj):
            return name, _call_builder(rel, name, obj, captured)
        raise KerasdiffError(f"{rel}:{name}", f"'{name}' is a {type(obj).__name__}, not a Keras model "
                             "or a function returning one", "name a model variable or a builder")
    for b in BUILDER_NAMES:
        fn = getattr(module, b, None)
        if callable(fn) and not _is_model(fn):
            return b, _call_builder(rel, b, fn, captured)
    unique: dict[int, tuple[str, Any]] = {}
    for k, v in found.items():
        unique.setdefault(id(v), (k, v))
    parts: set[int] = set()
    for _, m in unique.values():
        for sub in m._flatten_layers(include_self=False, recursive=True):
            parts.add(id(sub))
    tops = [(k, v) for i, (k, v) in unique.items() if i not in parts]
    if len(tops) == 1:
        return tops[0]
    if not tops:
        raise KerasdiffError(rel, "no Keras model found at module level",
                             "define build_model() or a module-level model; code under "
                             "`if __name__ == '__main__':` is not run")
    listing = ", ".join(f"{rel}:{k}" for k, _ in tops)
    raise KerasdiffError(rel, f"several models found: {listing}", "pick one with FILE.py:NAME")


# --------------------------------------------------------------------------- saved files


def load_saved(path: str) -> Any:
    import keras

    rel = os.path.relpath(path, _CWD)
    try:
        if path.lower().endswith(".json"):
            from keras.src.saving import serialization_lib

            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            with serialization_lib.SafeModeScope(True):
                return keras.models.model_from_json(text)
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # noqa: BLE001
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "safe_mode" in str(exc) or "Lambda" in str(exc) and "unsafe" in str(exc).lower():
            raise KerasdiffError(rel, "holds a Lambda layer or custom code, which Keras safe mode "
                                 "refuses to run from a file",
                                 "compare the script that builds the model instead")
        if "Unknown layer" in str(exc) or "Could not locate" in str(exc):
            raise KerasdiffError(rel, f"uses a custom class Keras cannot find: {msg[:160]}",
                                 "compare the script that builds the model instead")
        raise KerasdiffError(rel, f"cannot be loaded as a Keras model: {msg[:200]}",
                             "check that the file is a complete .keras/.h5 save or a to_json() config")


# --------------------------------------------------------------------------- entry


def reset_keras_state() -> None:
    """Undo global state a previous script may have set (for in-process loading in tests)."""
    import keras

    keras.backend.clear_session()
    keras.config.set_dtype_policy("float32")
    keras.config.set_floatx("float32")


def load_file(path: str, kind: str, names: list, *, run_fit: bool = False,
              cwd: Optional[str] = None) -> FileResult:
    """Load one file once and extract one graph per requested NAME (None = discover)."""
    global _CWD
    _CWD = cwd or os.getcwd()
    import keras  # noqa: F401 - import before hooks

    from kerasdiff.load.extract import extract

    recorder = Recorder()
    install_hooks(recorder, run_fit)
    captured = io.StringIO()
    rel = os.path.relpath(path, _CWD)
    picked = []
    if kind == "script":
        module = run_script(path, recorder, captured)
        for name in names:
            picked.append(discover(module, rel, name, captured))
    else:
        model = load_saved(path)
        picked = [(os.path.basename(path), model) for _ in names]
    t0 = time.perf_counter()
    graphs = []
    for (name, model), requested in zip(picked, names):
        spec = rel if requested is None else f"{rel}:{requested}"
        try:
            g = extract(model, spec=spec, var_name=name,
                        recipe={"compile": recorder.compiles.get(id(model), []),
                                "fit": recorder.fits.get(id(model), [])})
        except KerasdiffError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise KerasdiffError(spec, f"cannot read the model's structure: {type(exc).__name__}: {exc}",
                                 "run with --verbose and report it",
                                 detail=traceback.format_exc()) from None
        graphs.append(g)
    return FileResult(graphs, captured.getvalue(), time.perf_counter() - t0)

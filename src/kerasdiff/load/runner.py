"""Run a user script (or load a saved model) with Keras hooked: nothing trains, origins are recorded."""

from __future__ import annotations

import collections
import contextlib
import importlib.util
import inspect
import io
import os
import re
import sys
import sysconfig
import time
import traceback
from dataclasses import dataclass
from typing import Any, Optional

from kerasdiff.errors import KerasdiffError
from kerasdiff.load import sklearn_loader
from kerasdiff.graph import Graph
from kerasdiff.load import recipe as _recipe
from kerasdiff.load.recipe import Recorder

BUILDER_NAMES = ("build_model", "create_model", "get_model", "make_model")


@dataclass
class FileResult:
    graphs: list
    output: str = ""
    extract_seconds: float = 0.0
    models: Optional[list] = None  # the live models, in graph order (the probe runs them)


class StdinBlocked(EOFError):
    """Raised when the user's script reads standard input (an EOFError, so fallbacks still work)."""


class _NoStdin(io.TextIOBase):
    def read(self, *a: Any) -> str:
        raise StdinBlocked("the script reads standard input")

    readline = read

    def readable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:  # libraries probe this; only reading is an error
        raise io.UnsupportedOperation("kerasdiff runs scripts without standard input")


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


# The hooks are installed once per process and read this state, so every load (also several
# in-process loads in tests) records into its own Recorder.
_STATE: dict = {"recorder": None, "run_fit": False, "origins": False}


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


def install_hooks(recorder: Recorder, run_fit: bool) -> None:
    """Patch keras so layers remember where they were built and models do not train."""
    import keras

    global _LIB_DIRS
    _LIB_DIRS = _lib_dirs()
    _STATE.update(recorder=recorder, run_fit=run_fit, origins=True)
    _recipe.install_seed_hooks(_STATE, lambda f: _is_user_file(f.f_code.co_filename),
                               lambda: user_origin())
    _recipe.install_optimizer_guard(_STATE)
    layer_cls = keras.layers.Layer
    if getattr(layer_cls.__init__, "_kerasdiff", False):
        return
    orig_init = layer_cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        d = self.__dict__
        if _STATE["origins"] and "_kd_origin" not in d:
            d["_kd_origin"] = user_origin()
            d["_kd_user_named"] = kwargs.get("name") is not None
        orig_init(self, *args, **kwargs)

    __init__._kerasdiff = True  # type: ignore[attr-defined]
    layer_cls.__init__ = __init__
    # Plain keras.ops calls in a functional graph (`x / 255.0`) are Operations, not Layers.
    from keras.src.ops.operation import Operation

    orig_op_init = Operation.__init__

    def op_init(self: Any, *args: Any, **kwargs: Any) -> None:
        d = self.__dict__
        if _STATE["origins"] and "_kd_origin" not in d:
            d["_kd_origin"] = user_origin()
        orig_op_init(self, *args, **kwargs)

    Operation.__init__ = op_init  # type: ignore[method-assign]

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
            if recorder is not None and method == "fit":
                _recipe.record_fit(recorder, real, self, args, kwargs, user_origin())
            if _STATE["run_fit"] or recorder is None:
                return real(self, *args, **kwargs)
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
        return fake

    for method in ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch",
                   "predict_on_batch"):
        setattr(model_cls, method, make(method, getattr(model_cls, method)))

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
            setattr(mod, "save_model", no_save(mod.save_model))
    # SavedModel and checkpoint writers reach the disk without Model.save.
    import tensorflow as tf

    for owner, attr in ((tf.saved_model, "save"), (tf.train.Checkpoint, "save"),
                        (tf.train.Checkpoint, "write"), (getattr(keras, "export", None), "ExportArchive")):
        if owner is None or not hasattr(owner, attr):
            continue
        if attr == "ExportArchive":
            archive = getattr(owner, attr)
            archive.write_out = no_save(archive.write_out)
        else:
            setattr(owner, attr, no_save(getattr(owner, attr)))


def _stop_hooks() -> None:
    """After a load: layers built later (saved files, tests) get no origin; models train again."""
    _STATE.update(recorder=None, origins=False)
    sklearn_loader.stop()


# --------------------------------------------------------------------------- scripts


def _module_name(path: str) -> str:
    stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0]) or "script"
    if stem[0].isdigit():
        stem = "_" + stem
    if stem in sys.modules or stem in sys.stdlib_module_names or stem in ("keras", "tensorflow",
                                                                          "numpy", "kerasdiff"):
        stem = f"kerasdiff_user_{stem}"
    return stem


def _short(text: str, limit: int = 200) -> str:
    """The first non-empty line of a message, cut to a terminal-friendly length."""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[: limit - 3].rstrip() + "..."


def _show(filename: str) -> str:
    rel = os.path.relpath(filename, _CWD)
    return filename if rel.startswith(".." + os.sep + "..") else rel


def _user_error(script: str, shown: str, exc: BaseException,
                name: Optional[str] = None) -> KerasdiffError:
    """Turn an exception from the user's code into one line: where (file:line), what, the way out."""
    tb = exc.__traceback__
    frames = traceback.extract_tb(tb)
    where_file, where_line, where_end = None, None, None
    for fr in reversed(frames):
        if _is_user_file(fr.filename):
            where_file, where_line = fr.filename, fr.lineno
            where_end = getattr(fr, "end_lineno", None) or fr.lineno
            break
    # The traceback shown with --verbose starts at the user's code, not in kerasdiff's machinery.
    start = tb
    while start is not None and not _is_user_file(start.tb_frame.f_code.co_filename):
        start = start.tb_next
    detail = "".join(traceback.format_exception(type(exc), exc, start or tb))
    if where_file is not None and os.path.realpath(where_file) == os.path.realpath(script):
        file, prefix = f"{shown}:{where_line}", ""
    else:
        file = shown
        prefix = f"{_show(where_file)}:{where_line}: " if where_file else ""
    call = f"{name}() " if name else ""
    if isinstance(exc, StdinBlocked):
        return KerasdiffError(file, f"{prefix}the script {call}reads standard input (input() or sys.stdin)",
                              "kerasdiff runs scripts without a terminal: use constants or "
                              "defaults instead of asking", detail)
    if isinstance(exc, SystemExit):
        return KerasdiffError(file, f"{prefix}the script {call}called sys.exit({exc.code!r}) while loading",
                              "move exit() and the code after it under `if __name__ == '__main__':`",
                              detail)
    msg = _short(str(exc))
    what = type(exc).__name__ + (f": {msg}" if msg else "")
    who = f"{name}() raised" if name else "the script raised"
    if isinstance(exc, _recipe.Keras2Spelling):
        who, what = (f"{name}() uses" if name else "the script uses"), msg
    hint = None
    try:
        hint = _recipe.hint_for(exc, _recipe.user_line_text(where_file, where_line, where_end))
    except Exception:  # noqa: BLE001 - a hint is a bonus, never a second failure
        hint = None
    return KerasdiffError(file, f"{prefix}{who} {what}",
                          hint or "fix the script; --verbose shows the traceback and the script's output",
                          detail)


class _Capture(io.StringIO):
    """The script's stdout/stderr; also streamed to a log file so a timed-out run can show it."""

    def __init__(self, log: Optional[str] = None) -> None:
        super().__init__()
        self._log = open(log, "w", encoding="utf-8") if log else None  # noqa: SIM115

    def write(self, s: str) -> int:
        n = super().write(s)
        if self._log is not None:
            try:
                self._log.write(s)
                self._log.flush()
            except (OSError, ValueError):
                self._log = None
        return n

    def isatty(self) -> bool:
        return False


@contextlib.contextmanager
def script_context(path: str, captured: io.StringIO) -> Any:
    """The world the user's code runs in: its own folder as cwd and on sys.path, no stdin,
    output captured, no .pyc written next to the user's files. Restored afterwards.

    The folder goes on sys.path AFTER the installed libraries (a numpy.py lying next to a
    downloaded script is not numpy), and it is the folder of the resolved file, as `python
    link.py` does for a symlinked script."""
    folder = os.path.dirname(path)
    saved = (os.getcwd(), list(sys.path), sys.stdin, sys.argv, sys.dont_write_bytecode)
    try:
        os.chdir(folder)
        sys.path.append(os.path.dirname(os.path.realpath(path)))
        sys.stdin = _NoStdin()
        sys.argv = [path]
        sys.dont_write_bytecode = True
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            yield
    finally:
        os.chdir(saved[0])
        sys.path[:] = saved[1]
        sys.stdin, sys.argv, sys.dont_write_bytecode = saved[2], saved[3], saved[4]


def run_script(path: str, recorder: Recorder, captured: io.StringIO, shown: Optional[str] = None) -> Any:
    """Execute the script as a fresh module (not __main__); return the module.

    Call inside script_context(); the module stays registered in sys.modules so pickling and
    `from script import x` inside builders keep working."""
    shown = shown or _show(path)
    modname = _module_name(path)
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    except SyntaxError as exc:  # the script itself was checked; this is an imported module
        where = f"{_show(exc.filename or path)}:{exc.lineno}"
        raise KerasdiffError(shown, f"{where}: syntax error: {exc.msg}",
                             "fix that file") from None
    except BaseException as exc:  # noqa: BLE001 - SystemExit, stdin, KeyboardInterrupt too
        raise _user_error(path, shown, exc) from None
    return module


def _is_model(obj: Any) -> bool:
    """A Keras model, or a scikit-learn MLP (alone or ending a Pipeline)."""
    import keras

    return isinstance(obj, keras.Model) or sklearn_loader.is_mlp(obj)


def _is_keras(obj: Any) -> bool:
    import keras

    return isinstance(obj, keras.Model)


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _call_builder(path: str, shown: str, name: str, fn: Any) -> Any:
    spec = f"{shown}:{name}"
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        sig = None
    if sig is not None:
        try:
            sig.bind()
        except TypeError:
            need = [p.name for p in sig.parameters.values() if p.default is p.empty
                    and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            raise KerasdiffError(spec, f"{name}() needs arguments ({', '.join(need)})",
                                 "give them defaults, or write `model = "
                                 f"{name}(...)` in the script and compare {shown}:model") from None
    try:
        obj = fn()
    except BaseException as exc:  # noqa: BLE001
        raise _user_error(path, shown, exc, name=name) from None
    if not _is_model(obj):
        if sklearn_loader.is_other_estimator(obj):
            raise KerasdiffError(spec, f"{name}() returned {_a(type(obj).__name__)}; kerasdiff compares "
                                 "Keras models and scikit-learn MLPRegressor/MLPClassifier only",
                                 "return an MLP estimator or a Keras model")
        raise KerasdiffError(spec, f"{name}() returned {_a(type(obj).__name__)}, not a Keras model",
                             f"return the model from {name}()")
    return obj


def discover(module: Any, shown: str, name: Optional[str], path: Optional[str] = None) -> tuple[str, Any]:
    """Find the model the spec means; see DESIGN.md 'Model discovery'. Call inside script_context()."""
    path = path or getattr(module, "__file__", "") or shown
    found = {k: v for k, v in vars(module).items() if not k.startswith("_") and _is_model(v)}
    if name is not None:
        if not hasattr(module, name):
            avail = ", ".join(f"{shown}:{k}" for k in found)
            builders = [b for b in BUILDER_NAMES if callable(getattr(module, b, None))]
            avail = ", ".join(x for x in (avail, ", ".join(f"{shown}:{b}" for b in builders)) if x)
            raise KerasdiffError(f"{shown}:{name}", f"no module-level name '{name}' in the script",
                                 f"models in it: {avail}" if avail else
                                 "it has no module-level model; code under "
                                 "`if __name__ == '__main__':` is not run")
        obj = getattr(module, name)
        if _is_model(obj):
            return name, obj
        if callable(obj):
            return name, _call_builder(path, shown, name, obj)
        avail = ", ".join(f"{shown}:{k}" for k in found)
        raise KerasdiffError(f"{shown}:{name}", f"'{name}' is {_a(type(obj).__name__)}, not a Keras model "
                             "or a function returning one",
                             f"models in the script: {avail}" if avail else
                             "name a model variable or a zero-argument builder")
    for b in BUILDER_NAMES:
        fn = getattr(module, b, None)
        if callable(fn) and not _is_model(fn):
            return b, _call_builder(path, shown, b, fn)
    unique: dict[int, tuple[str, Any]] = {}
    for k, v in found.items():
        unique.setdefault(id(v), (k, v))
    parts: set[int] = set()
    for _, m in unique.values():
        if not _is_keras(m):
            continue
        for sub in m._flatten_layers(include_self=False, recursive=True):
            parts.add(id(sub))
    tops = [(k, v) for i, (k, v) in unique.items() if i not in parts]
    if len(tops) == 1:
        return tops[0]
    if not tops:
        others = [k for k, v in vars(module).items() if not k.startswith("_")
                  and sklearn_loader.is_other_estimator(v)]
        if others:
            raise KerasdiffError(shown, f"'{others[0]}' is a scikit-learn "
                                 f"{type(getattr(module, others[0])).__name__}; kerasdiff compares Keras "
                                 "models and MLPRegressor/MLPClassifier only", "compare an MLP estimator")
        raise KerasdiffError(shown, "no Keras model found at module level",
                             "define build_model() or a module-level model variable; code under "
                             "`if __name__ == '__main__':` is not run")
    listing = " ".join(f"{shown}:{k}" for k, _ in tops)
    raise KerasdiffError(shown, f"{len(tops)} models found, which one? {listing}",
                         "name one as FILE.py:NAME")


# --------------------------------------------------------------------------- saved files


def load_saved(path: str, shown: Optional[str] = None) -> Any:
    import keras

    shown = shown or _show(path)
    try:
        if path.lower().endswith(".json"):
            from keras.src.saving import serialization_lib

            with open(path, encoding="utf-8-sig") as fh:
                text = fh.read()
            with serialization_lib.SafeModeScope(True):
                model = keras.models.model_from_json(text)
        else:
            model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # noqa: BLE001
        text = str(exc)
        msg = _short(text, 160) or type(exc).__name__
        detail = traceback.format_exc()
        if "safe_mode" in text or ("Lambda" in text and "unsafe" in text.lower()):
            raise KerasdiffError(shown, "holds a Lambda layer or other Python code, which Keras safe "
                                 "mode refuses to load from a file",
                                 "compare the script that builds the model instead", detail) from None
        if "Unknown layer" in text or "Could not locate" in text or "Could not deserialize" in text:
            raise KerasdiffError(shown, f"uses a custom class Keras cannot find: {msg}",
                                 "compare the script that builds the model instead", detail) from None
        raise KerasdiffError(shown, f"cannot be loaded as a Keras model: {type(exc).__name__}: {msg}",
                             "check that it is a complete model.save() file or a model.to_json() "
                             "config", detail) from None
    if not _is_model(model):
        raise KerasdiffError(shown, f"holds {_a(type(model).__name__)}, not a Keras model",
                             "save the whole model (model.save / model.to_json)")
    return model


# --------------------------------------------------------------------------- entry


def reset_keras_state() -> None:
    """Undo global state a previous script may have set (for in-process loading in tests)."""
    import keras

    keras.backend.clear_session()
    keras.config.set_dtype_policy("float32")
    keras.config.set_floatx("float32")


def keras_state() -> dict:
    """The global Keras settings a builder function may change for the models built after it."""
    import keras

    return {"dtype_policy": keras.config.dtype_policy().name, "floatx": keras.config.floatx(),
            "epsilon": keras.config.epsilon(), "image_data_format": keras.config.image_data_format()}


def restore_keras_state(state: dict) -> None:
    import keras

    keras.config.set_floatx(state["floatx"])
    keras.config.set_dtype_policy(state["dtype_policy"])
    keras.config.set_epsilon(state["epsilon"])
    keras.config.set_image_data_format(state["image_data_format"])


def install_exit_hook(marker: str, script: str) -> None:
    """os._exit() skips every handler: note the script's call (code, line) before it happens,
    so the parent can say what ended the worker."""
    real = os._exit
    worker = os.getpid()
    target = os.path.realpath(script)

    def _exit(code: int) -> Any:
        if os.getpid() == worker:  # not a forked child (multiprocessing ends those with _exit)
            line = None
            frame = sys._getframe(1)
            while frame is not None:
                if os.path.realpath(frame.f_code.co_filename) == target:
                    line = frame.f_lineno
                    break
                frame = frame.f_back
            try:
                import json

                with open(marker, "w", encoding="utf-8") as fh:
                    json.dump({"code": code, "line": line}, fh)
            except (OSError, TypeError, ValueError):
                pass
        real(code)

    os._exit = _exit  # type: ignore[assignment]


def load_file(path: str, kind: str, names: list, *, run_fit: bool = False,
              cwd: Optional[str] = None, shown: Optional[str] = None,
              log: Optional[str] = None, exit_marker: Optional[str] = None) -> FileResult:
    """Load one file once and extract one graph per requested NAME (None = discover).

    `shown` is the file as the user wrote it (for messages); `log` streams the script's output."""
    global _CWD, _LIB_DIRS
    _CWD = cwd or os.getcwd()
    import keras  # noqa: F401 - import before hooks

    from kerasdiff.load.extract import extract

    _LIB_DIRS = _lib_dirs()
    shown = shown or _show(path)
    captured = _Capture(log)
    recorder = Recorder()
    picked = []
    module = None
    try:
        if kind == "script":
            install_hooks(recorder, run_fit)
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    source = fh.read()
            except OSError:
                source = ""
            sklearn_loader.install(source, run_fit, user_origin)
            if exit_marker:
                install_exit_hook(exit_marker, path)
            try:
                with script_context(path, captured):
                    module = run_script(path, recorder, captured, shown)
                    # What the script set at module level holds for every builder; what one
                    # builder sets (a dtype policy, floatx) must not leak into the next one,
                    # so `x.py:a x.py:b` and `x.py:b x.py:a` mirror each other.
                    state = keras_state()
                    for name in names:
                        restore_keras_state(state)
                        picked.append(discover(module, shown, name, path))
            finally:
                _stop_hooks()
        else:
            model = load_saved(path, shown)
            picked = [(os.path.basename(shown), model) for _ in names]
    except KerasdiffError as exc:
        out = captured.getvalue()
        if out.strip():
            exc.detail = f"--- output of {shown} ---\n{out.rstrip()}\n---\n" + (exc.detail or "")
        raise
    t0 = time.perf_counter()
    graphs = []
    var_names = _recipe.model_names(module, picked) if kind == "script" else {}
    for (name, model), requested in zip(picked, names):
        spec = shown if requested is None else f"{shown}:{requested}"
        try:
            if sklearn_loader.is_mlp(model):
                g = sklearn_loader.to_graph(model, spec, name, sklearn_loader.recorded_fit(model),
                                            origin=sklearn_loader.constructed_at(model))
                graphs.append(g)
                continue
            recipe = _recipe.build_recipe(recorder, model, var_names, path) if kind == "script" else {}
            g = extract(model, spec=spec, var_name=name, recipe=recipe)
        except KerasdiffError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise KerasdiffError(spec, f"cannot read the model's structure: {type(exc).__name__}: "
                                 f"{_short(str(exc))}", "run with --verbose and please report it",
                                 detail=traceback.format_exc()) from None
        graphs.append(g)
    return FileResult(graphs, captured.getvalue(), time.perf_counter() - t0, [m for _, m in picked])

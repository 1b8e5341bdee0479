"""Run a user script in a worker, framework-neutral: its own folder, no stdin, output captured,
origins recorded, every active framework's hooks installed; find the model the spec means and
hand it to its framework for extraction. Saved files go to the framework that reads them."""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import io
import linecache
import os
import re
import sys
import sysconfig
import time
import traceback
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Optional

from kerasdiff.errors import KerasdiffError
from kerasdiff.load.interface import ENV_VARIABLE, Framework, ScriptMistake
from kerasdiff.load.registry import framework_of_saved, frameworks

BUILDER_NAMES = ("build_model", "create_model", "get_model", "make_model")


@dataclass
class FileResult:
    graphs: list
    output: str = ""
    extract_seconds: float = 0.0
    models: Optional[list] = None  # the live models, in graph order (the probe runs them)
    framework: Optional[Framework] = None  # of the first model (it serves the probe)


@dataclass
class ScriptRun:
    """What the frameworks' hooks and extractors know about the run they take part in."""

    path: str  # the script (absolute)
    shown: str  # the file as the user wrote it
    run_fit: bool = False
    source: str = ""  # the script's text
    module: Any = None  # the script's module, once it ran
    picked: list = field(default_factory=list)  # [(name, model)] the specs asked for

    @staticmethod
    def origin() -> Optional[str]:
        return user_origin()


class StdinBlocked(EOFError):
    """Raised when the user's script reads standard input (an EOFError, so fallbacks still work)."""


class _NoStdin(io.TextIOBase):
    def read(self, size: Optional[int] = -1) -> str:
        raise StdinBlocked("the script reads standard input")

    def readline(self, size: Optional[int] = -1) -> str:  # type: ignore[override]
        raise StdinBlocked("the script reads standard input")

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
    # kerasdiff itself (this file is kerasdiff/load/script.py)
    dirs.add(os.path.realpath(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    return tuple(sorted(dirs))


def is_user_file(filename: str) -> bool:
    """Is this file the user's code (not the standard library, an installed package, kerasdiff)?"""
    hit = _USER_FILE_CACHE.get(filename)
    if hit is None:
        if filename.startswith("<"):
            hit = False
        else:
            real = os.path.realpath(filename)
            hit = not any(real == d or real.startswith(d + os.sep) for d in _LIB_DIRS)
        _USER_FILE_CACHE[filename] = hit
    return hit


def origin_of(frame: Optional[FrameType]) -> Optional[str]:
    """file:line of a frame, if it is the user's code."""
    if frame is None or not is_user_file(frame.f_code.co_filename):
        return None
    return format_origin(frame.f_code.co_filename, frame.f_lineno)


# (exported tree, revision): a file in a revision's export is shown as `REV:path/in/repo`
_RELABEL: list[tuple[str, str]] = []


def _relabeled(filename: str) -> Optional[str]:
    real = os.path.realpath(filename)
    for root, rev in _RELABEL:
        if real.startswith(root + os.sep):
            return f"{rev}:{os.path.relpath(real, root).replace(os.sep, '/')}"
    return None


def format_origin(filename: str, line: int) -> str:
    """`file:line` as reports show it: relative to where kerasdiff runs when that is shorter."""
    return f"{show_path(filename)}:{line}"


def user_origin() -> Optional[str]:
    """file:line of the innermost stack frame that belongs to the user's code."""
    frame: Optional[FrameType] = sys._getframe(2)
    while frame is not None:
        if is_user_file(frame.f_code.co_filename):
            return origin_of(frame)
        frame = frame.f_back
    return None


# --------------------------------------------------------------------------- scripts


def _module_name(path: str) -> str:
    """A clean module name that shadows nothing importable (not `__main__`)."""
    stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0]) or "script"
    if stem[0].isdigit():
        stem = "_" + stem
    try:
        found = importlib.util.find_spec(stem)
    except (ImportError, ValueError):
        found = None
    # The script's own file found on sys.path is fine: `import stem` must give this very module.
    elsewhere = found is not None and os.path.realpath(found.origin or "") != os.path.realpath(path)
    taken = stem in sys.modules or stem in sys.stdlib_module_names or elsewhere
    return f"kerasdiff_user_{stem}" if taken else stem


def short(text: str, limit: int = 200) -> str:
    """The first non-empty line of a message, cut to a terminal-friendly length."""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[: limit - 3].rstrip() + "..."


def show_path(filename: str) -> str:
    """A path as the user would write it from where they ran kerasdiff (`REV:path` for a file
    of an exported revision)."""
    label = _relabeled(filename) if _RELABEL else None
    if label is not None:
        return label
    rel = os.path.relpath(filename, _CWD)
    return filename if rel.startswith(".." + os.sep + "..") else rel


def a_word(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def user_line_text(filename: Optional[str], lineno: Optional[int], end: Optional[int] = None) -> str:
    """The source of the user's failing statement (all its lines)."""
    if not filename or not lineno:
        return ""
    end = max(lineno, min(end or lineno, lineno + 40))
    return "".join(linecache.getline(filename, n) for n in range(lineno, end + 1))


def user_error(script: str, shown: str, exc: BaseException, name: Optional[str] = None) -> KerasdiffError:
    """Turn an exception from the user's code into one line: where (file:line), what, the way out."""
    tb = exc.__traceback__
    frames = traceback.extract_tb(tb)
    where_file, where_line, where_end = None, None, None
    for fr in reversed(frames):
        if is_user_file(fr.filename):
            where_file, where_line = fr.filename, fr.lineno
            where_end = getattr(fr, "end_lineno", None) or fr.lineno
            break
    # The traceback shown with --verbose starts at the user's code, not in kerasdiff's machinery.
    start = tb
    while start is not None and not is_user_file(start.tb_frame.f_code.co_filename):
        start = start.tb_next
    detail = "".join(traceback.format_exception(type(exc), exc, start or tb))
    if where_file is not None and os.path.realpath(where_file) == os.path.realpath(script):
        file, prefix = f"{shown}:{where_line}", ""
    else:
        file = shown
        prefix = f"{show_path(where_file)}:{where_line}: " if where_file else ""
    call = f"{name}() " if name else ""
    if isinstance(exc, StdinBlocked):
        return KerasdiffError(
            file,
            f"{prefix}the script {call}reads standard input (input() or sys.stdin)",
            "kerasdiff runs scripts without a terminal: use constants or defaults instead of asking",
            detail,
        )
    if isinstance(exc, SystemExit):
        return KerasdiffError(
            file,
            f"{prefix}the script {call}called sys.exit({exc.code!r}) while loading",
            "move exit() and the code after it under `if __name__ == '__main__':`",
            detail,
        )
    msg = short(str(exc))
    what = type(exc).__name__ + (f": {msg}" if msg else "")
    who = f"{name}() raised" if name else "the script raised"
    if isinstance(exc, ScriptMistake):
        who, what = (f"{name}() uses" if name else "the script uses"), msg
    hint = exc.hint if isinstance(exc, ScriptMistake) else None
    if isinstance(exc, MemoryError):
        hint = (
            "the loader's memory limit was reached: raise --max-memory (MB, 0 = no limit) "
            "if the model really needs that much"
        )
    line_text = user_line_text(where_file, where_line, where_end)
    for fw in frameworks():
        if hint:
            break
        try:
            hint = fw.hint(exc, line_text)
        except Exception:  # noqa: BLE001 - a hint is a bonus, never a second failure
            hint = None
    return KerasdiffError(
        file,
        f"{prefix}{who} {what}",
        hint or "fix the script; --verbose shows the traceback and the script's output",
        detail,
    )


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


def run_script(path: str, shown: Optional[str] = None) -> Any:
    """Execute the script as a fresh module (not __main__); return the module.

    Call inside script_context(); the module stays registered in sys.modules so pickling and
    `from script import x` inside builders keep working."""
    shown = shown or show_path(path)
    modname = _module_name(path)
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    except SyntaxError as exc:  # the script itself was checked; this is an imported module
        where = f"{show_path(exc.filename or path)}:{exc.lineno}"
        raise KerasdiffError(shown, f"{where}: syntax error: {exc.msg}", "fix that file") from None
    except BaseException as exc:  # noqa: BLE001 - SystemExit, stdin, KeyboardInterrupt too
        raise user_error(path, shown, exc) from None
    return module


def _call_builder(path: str, shown: str, name: str, fn: Any, active: tuple) -> Any:
    spec = f"{shown}:{name}"
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        sig = None
    if sig is not None:
        try:
            sig.bind()
        except TypeError:
            need = [
                p.name
                for p in sig.parameters.values()
                if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            ]
            raise KerasdiffError(
                spec,
                f"{name}() needs arguments ({', '.join(need)})",
                f"give them defaults, or write `model = {name}(...)` in the script and compare {shown}:model",
            ) from None
    try:
        obj = fn()
    except BaseException as exc:  # noqa: BLE001
        raise user_error(path, shown, exc, name=name) from None
    if _framework_of(obj, active) is None:
        why = _refused(obj, active)
        if why:
            raise KerasdiffError(spec, f"{name}() returned {why}", f"return {_labels(active)}")
        raise KerasdiffError(
            spec,
            f"{name}() returned {a_word(type(obj).__name__)}, not {_labels(active)}",
            f"return the model from {name}()",
        )
    return obj


def _framework_of(obj: Any, active: tuple) -> Optional[Framework]:
    return next((fw for fw in active if fw.is_model(obj)), None)


def _refused(obj: Any, active: tuple) -> Optional[str]:
    return next((why for fw in active if (why := fw.refuses(obj))), None)


def _labels(active: tuple) -> str:
    return " or ".join(fw.label for fw in active) or "a model"


def _top_models(found: dict, active: tuple) -> list[tuple[str, Any]]:
    """The module-level models that are not part of another one: not nested in it, and not made
    of a strict subset of its layers (`base = applications.X(include_top=False)` followed by
    `model = keras.Model(base.input, head(base.output))` is one model: `model`)."""
    unique: dict[int, tuple[str, Any]] = {}
    for k, v in found.items():
        unique.setdefault(id(v), (k, v))
    parts: set[int] = set()
    members: dict[int, set[int]] = {}
    for i, (_, m) in unique.items():
        fw = _framework_of(m, active)
        if fw is not None:
            parts |= fw.parts(m)
            members[i] = fw.parts(m)
    tops = []
    for i, (k, v) in unique.items():
        if i in parts:
            continue
        mine = members.get(i) or set()
        if mine and any(j != i and mine < other for j, other in members.items()):
            continue
        tops.append((k, v))
    return tops


def _same_structure(x: Any, y: Any, active: tuple) -> bool:
    """Would kerasdiff find nothing above info between these two models?"""
    fx, fy = _framework_of(x, active), _framework_of(y, active)
    if fx is None or fx is not fy:
        return False
    from kerasdiff.engine import compare_graphs

    try:
        # Structure only: two builds of one architecture draw different fresh weights.
        report = compare_graphs(
            fx.extract(x, "", "a", None), fy.extract(y, "", "b", None), fail_on="warning", ignore=("weights",)
        )
    except Exception:  # noqa: BLE001 - cannot tell: treat as different (the user names one)
        return False
    return report.equivalent


def discover(
    module: Any, shown: str, name: Optional[str], path: Optional[str] = None, active: Optional[tuple] = None
) -> tuple[str, Any]:
    """Find the model the spec means; see README.md, Model specs. Call inside script_context()."""
    active = tuple(frameworks()) if active is None else active
    path = path or getattr(module, "__file__", "") or shown
    found = {
        k: v
        for k, v in vars(module).items()
        if not k.startswith("_") and _framework_of(v, active) is not None
    }
    if name is not None:
        if not hasattr(module, name):
            avail = ", ".join(f"{shown}:{k}" for k in found)
            builders = [b for b in BUILDER_NAMES if callable(getattr(module, b, None))]
            avail = ", ".join(x for x in (avail, ", ".join(f"{shown}:{b}" for b in builders)) if x)
            raise KerasdiffError(
                f"{shown}:{name}",
                f"no module-level name '{name}' in the script",
                f"models in it: {avail}"
                if avail
                else "it has no module-level model; code under `if __name__ == '__main__':` is not run",
            )
        obj = getattr(module, name)
        if _framework_of(obj, active) is not None:
            return name, obj
        if callable(obj):
            return name, _call_builder(path, shown, name, obj, active)
        avail = ", ".join(f"{shown}:{k}" for k in found)
        raise KerasdiffError(
            f"{shown}:{name}",
            f"'{name}' is {a_word(type(obj).__name__)}, not {_labels(active)} or a function returning one",
            f"models in the script: {avail}" if avail else "name a model variable or a zero-argument builder",
        )
    tops = _top_models(found, active)
    for b in BUILDER_NAMES:
        fn = getattr(module, b, None)
        if callable(fn) and _framework_of(fn, active) is None:
            built = _call_builder(path, shown, b, fn, active)
            # A builder AND module-level models that are something else: never pick silently.
            others = [k for k, v in tops if v is not built and not _same_structure(built, v, active)]
            if others:
                listing = " ".join(f"{shown}:{k}" for k in [b, *others])
                raise KerasdiffError(
                    shown,
                    f"{b}() and the module-level model(s) {', '.join(others)} build different "
                    f"models, which one? {listing}",
                    "name one as FILE.py:NAME",
                )
            return b, built
    if len(tops) == 1:
        return tops[0]
    if not tops:
        for k, v in vars(module).items():
            why = None if k.startswith("_") else _refused(v, active)
            if why:
                raise KerasdiffError(shown, f"'{k}' is {why}", f"compare {_labels(active)}")
        raise KerasdiffError(
            shown,
            f"no model found at module level ({_labels(active)})",
            "define build_model() or a module-level model variable; code under "
            "`if __name__ == '__main__':` is not run",
        )
    listing = " ".join(f"{shown}:{k}" for k, _ in tops)
    raise KerasdiffError(shown, f"{len(tops)} models found, which one? {listing}", "name one as FILE.py:NAME")


def install_exit_hook(marker: str, script: str) -> None:
    """os._exit() skips every handler: note the script's call (code, line) before it happens,
    so the parent can say what ended the worker."""
    real = os._exit
    worker = os.getpid()
    target = os.path.realpath(script)

    def _exit(code: int) -> Any:
        if os.getpid() == worker:  # not a forked child (multiprocessing ends those with _exit)
            line = None
            frame: Optional[FrameType] = sys._getframe(1)
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


def load_file(
    path: str,
    kind: str,
    names: list,
    *,
    run_fit: bool = False,
    cwd: Optional[str] = None,
    shown: Optional[str] = None,
    log: Optional[str] = None,
    exit_marker: Optional[str] = None,
    relabel: Optional[list] = None,
) -> FileResult:
    """Load one file once and extract one graph per requested NAME (None = discover).

    `shown` is the file as the user wrote it (for messages); `log` streams the script's output;
    `relabel` ([exported tree, revision] pairs) names files of a revision's export."""
    global _CWD, _LIB_DIRS
    _CWD = cwd or os.getcwd()
    _RELABEL[:] = [(os.path.realpath(root), rev) for root, rev in relabel or []]
    _LIB_DIRS = _lib_dirs()
    shown = shown or show_path(path)
    captured = _Capture(None)
    run = ScriptRun(os.path.abspath(path), shown, run_fit)
    picked: list = []
    owners: list[Framework] = []
    try:
        if kind == "script":
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    source = fh.read()
            except OSError:
                source = ""
            run.source = source
            where = os.environ.get(ENV_VARIABLE) or None
            active = tuple(fw for fw in frameworks() if fw.wants(source, where))
            try:
                for fw in active:
                    fw.start(run)
                # The log opens now: --timeout counts the script, not the frameworks' import.
                captured = _Capture(log)
                if exit_marker:
                    install_exit_hook(exit_marker, path)
                with script_context(path, captured):
                    run.module = run_script(path, shown)
                    # What the script set at module level holds for every builder; what one
                    # builder sets (a dtype policy, floatx) must not leak into the next one,
                    # so `x.py:a x.py:b` and `x.py:b x.py:a` mirror each other.
                    states = [(fw, fw.snapshot()) for fw in active]
                    for name in names:
                        for fw, state in states:
                            fw.restore(state)
                        picked.append(discover(run.module, shown, name, path, active))
            finally:
                for fw in active:
                    fw.stop()
            owners = [_framework_of(m, active) for _, m in picked]  # type: ignore[misc]
        else:
            owner = framework_of_saved(path, os.environ.get(ENV_VARIABLE) or None)
            model = owner.load_saved(path, shown)
            picked = [(os.path.basename(shown), model) for _ in names]
            owners = [owner for _ in names]
    except KerasdiffError as exc:
        out = captured.getvalue()
        if out.strip():
            exc.detail = f"--- output of {shown} ---\n{out.rstrip()}\n---\n" + (exc.detail or "")
        raise
    run.picked = picked if kind == "script" else []
    t0 = time.perf_counter()
    graphs = []
    for (name, model), requested, fw in zip(picked, names, owners):
        spec = shown if requested is None else f"{shown}:{requested}"
        try:
            graphs.append(fw.extract(model, spec, name, run if kind == "script" else None))
        except KerasdiffError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise KerasdiffError(
                spec,
                f"cannot read the model's structure: {type(exc).__name__}: {short(str(exc))}",
                "run with --verbose and please report it",
                detail=traceback.format_exc(),
            ) from None
    return FileResult(
        graphs,
        captured.getvalue(),
        time.perf_counter() - t0,
        [m for _, m in picked],
        owners[0] if owners else None,
    )

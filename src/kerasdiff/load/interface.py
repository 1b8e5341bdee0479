"""The loading stage's interface: model specs (parsed and checked without TensorFlow) and the
Framework a model-building library implements to be compared.

Specs: `file.py`, `file.py:NAME`, saved files, and any of them at a git revision (`REV:PATH`).

Everything that can be told from the file alone (missing, unreadable, a script that does not parse,
a saved file that is not a zip / HDF5 / JSON model config) fails here, before a worker is started.
"""

from __future__ import annotations

import importlib.util
import os
import re
import stat
from dataclasses import dataclass
from typing import Any, Optional

from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Graph

SCRIPT_SUFFIXES = (".py",)
# `SPEC@ENV`: Keras 3 on one of these backends (KERAS_BACKEND), or Keras 2 (tf_keras)
BACKENDS = ("tensorflow", "jax", "torch")
ENVIRONMENTS = (*BACKENDS, "keras2")
# A worker's environment (SPEC@ENV) as its frameworks see it: set in the worker's os.environ.
ENV_VARIABLE = "KERASDIFF_ENV"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What one run may read and allocate (flags --max-params, --max-unpacked, --max-memory)."""

    max_params: int = 2_000_000_000
    max_unpacked: int = 8192 * MB  # bytes a saved file may hold once unpacked
    max_memory: Optional[int] = None  # bytes of address space per worker; None = default

    def memory(self) -> Optional[int]:
        """The worker address-space limit in bytes (0 = none): default 3/4 of physical RAM."""
        if self.max_memory is not None:
            return self.max_memory or None
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            return None
        return int(total * 0.75) if total > 0 else None


def check_regular_file(path: str, shown: str) -> int:
    """The file's size; refuses FIFOs, devices, sockets and directories (they hang or never end)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise KerasdiffError(
            shown, f"cannot read the file: {exc.strerror or exc}", "check the path and its permissions"
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise KerasdiffError(
            shown, "is a directory, not a model file", "give a .py script or a saved model file"
        )
    if not stat.S_ISREG(st.st_mode):
        what = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(st.st_mode)
            else "a device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "not a regular file"
        )
        raise KerasdiffError(
            shown, f"is {what}, not a regular file", "copy the model into a regular file and compare that"
        )
    if not os.access(path, os.R_OK):
        raise KerasdiffError(shown, "cannot read the file: permission denied", "check its permissions")
    return st.st_size


_MAX_SCRIPT = 64 * MB


@dataclass(frozen=True)
class Spec:
    """What the user asked to compare: a file and, for scripts, an optional module-level NAME."""

    raw: str
    path: str  # absolute path
    name: Optional[str]  # NAME from `file.py:NAME`
    kind: str  # "script" | "saved"
    file: str = ""  # the file part of the spec as the user wrote it (for messages)
    revision: Optional[Any] = None  # kerasdiff.load.revision.Revision for `REV:PATH` specs
    env: Optional[str] = None  # `SPEC@jax`: the environment the script runs in (None: as python would)
    # False when the environment comes from the script itself (one that imports tf_keras runs
    # under Keras 2 without a suffix): messages name the file as the user wrote it
    env_given: bool = True

    @property
    def shown(self) -> str:
        base = self.file or self.raw
        if not self.env or not self.env_given or base.endswith("@" + self.env):
            return base
        return f"{base}@{self.env}"

    @property
    def job_key(self) -> str:
        """Specs with the same key run in one worker: the same file in the same environment."""
        return self.path + (f"@{self.env}" if self.env else "")


def parse_spec(raw: str, limits: Limits = Limits()) -> Spec:
    """Parse and check a spec; raise KerasdiffError (exit 2) for anything unusable."""
    from dataclasses import replace

    from kerasdiff.load import revision

    head, at, where = raw.rpartition("@")
    if at and where in ENVIRONMENTS:
        # `SPEC@ENV` (DESIGN.md): only when the text after the last @ names an environment
        return replace(parse_spec(head, limits), raw=raw, env=where, env_given=True)
    typo = at and re.fullmatch(r"[A-Za-z][\w.-]*", where) and re.search(r"\.py(:\w+)?$", head)
    if typo and not os.path.exists(raw):  # `m.py@keras3`: a mistyped environment, not a path
        raise KerasdiffError(
            raw,
            f"unknown environment '@{where}'",
            "environments: " + ", ".join("@" + e for e in ENVIRONMENTS),
        )
    rv = revision.split(raw)
    if rv is not None:
        rev, rest = rv
        head, sep, tail = rest.rpartition(":")
        file_part, name_part = (
            (head, sep + tail) if sep and head.lower().endswith(SCRIPT_SUFFIXES) else (rest, "")
        )
        r = revision.export(rev, file_part, raw)
        exported = os.path.join(r.root, *r.rel.split("/"))
        try:
            inner = parse_spec(exported + name_part, limits)
        except KerasdiffError as exc:  # name the file as the user did, not the temporary copy
            shown = exc.file.replace(exported, r.label) if exported in exc.file else r.label + name_part
            raise KerasdiffError(shown, exc.cause.replace(exported, r.label), exc.hint) from None
        return Spec(
            raw=raw,
            path=inner.path,
            name=inner.name,
            kind=inner.kind,
            file=r.label,
            revision=r,
            env=inner.env,
            env_given=inner.env_given,
        )
    return _parse(raw, limits)


def check_environment(spec: Spec) -> None:
    """What a spec's environment needs is installed: checked before any worker starts (and pays
    for TensorFlow), from package metadata only."""
    if spec.env == "keras2":
        check_keras2(spec.shown)
    elif spec.env in BACKENDS and importlib.util.find_spec(spec.env) is None:
        raise KerasdiffError(
            spec.shown,
            f"Keras's {spec.env} backend needs the {spec.env} package, which is not installed",
            f'pip install "kerasdiff[{spec.env}]"'
            if spec.env != "tensorflow"
            else "pip install tensorflow-cpu",
        )


# A script that imports tf_keras itself is a Keras 2 script: it runs under @keras2 unasked.
_IMPORTS_TF_KERAS = re.compile(rb"^[ \t]*(?:import|from)[ \t]+tf_keras\b", re.M)


def _distribution_version(*names: str) -> Optional[str]:
    from importlib import metadata

    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def check_keras2(shown: str) -> None:
    """`@keras2` needs tf-keras of TensorFlow's own minor version (tf-keras 2.N works with
    TensorFlow 2.N only); checked from package metadata, before any worker (no import)."""
    tf_version = _distribution_version("tensorflow", "tensorflow-cpu", "tensorflow-intel", "tf-nightly")
    tfk_version = _distribution_version("tf-keras", "tf_keras", "tf-keras-nightly")
    minor = ".".join((tf_version or "").split(".")[:2])
    want = f'"tf-keras=={minor}.*"' if minor else '"kerasdiff[keras2]"'
    if tf_version is None:
        raise KerasdiffError(
            shown,
            "@keras2 runs the script under tf_keras, which needs TensorFlow; it is not installed",
            'pip install "kerasdiff[keras2]"',
        )
    if tfk_version is None:
        raise KerasdiffError(
            shown,
            "@keras2 runs the script under tf_keras (Keras 2), which is not installed",
            f"pip install {want} (the tf-keras of TensorFlow {minor})",
        )
    if ".".join(tfk_version.split(".")[:2]) != minor:
        raise KerasdiffError(
            shown,
            f"tf-keras {tfk_version} does not match TensorFlow {tf_version} (tf-keras 2.N works "
            "with TensorFlow 2.N only)",
            f"pip install {want}",
        )


def _parse(raw: str, limits: Limits) -> Spec:
    from kerasdiff.load.registry import saved_framework, saved_suffixes

    path, name = raw, None
    head, sep, tail = raw.rpartition(":")
    if sep and head.lower().endswith(SCRIPT_SUFFIXES) and _NAME.fullmatch(tail):
        path, name = head, tail
    elif sep and head.lower().endswith(SCRIPT_SUFFIXES):
        raise KerasdiffError(
            raw, f"'{tail}' is not a Python name", "use FILE.py:NAME with a module-level variable or function"
        )
    lower = path.lower()
    if lower.endswith(SCRIPT_SUFFIXES):
        kind = "script"
    elif lower.endswith(saved_suffixes()):
        kind = "saved"
    else:
        raise KerasdiffError(
            raw,
            "unknown kind of model file",
            "give a .py script, FILE.py:NAME, or a saved model (" + "/".join(saved_suffixes()) + ")",
        )
    if not os.path.exists(path):
        raise KerasdiffError(path, "no such file", "check the path")
    # A FIFO would hang the read below and /dev/zero never ends: regular files only.
    size = check_regular_file(path, path)
    if kind == "script":
        if size > _MAX_SCRIPT:
            raise KerasdiffError(
                path,
                f"is {size / MB:,.0f} MB, not a model-building script",
                "give the script that builds the model",
            )
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise KerasdiffError(
                path, f"cannot read the file: {exc.strerror or exc}", "check its permissions"
            ) from None
        _check_syntax(path, data)
        if _IMPORTS_TF_KERAS.search(data):
            return Spec(
                raw=raw,
                path=os.path.abspath(path),
                name=name,
                kind=kind,
                file=path,
                env="keras2",
                env_given=False,
            )
    else:
        # Saved files are data: the framework that reads them checks them first (no code, bounded).
        saved_framework(path).check_saved(path, path, limits)
    return Spec(raw=raw, path=os.path.abspath(path), name=name, kind=kind, file=path)


def _check_syntax(path: str, source: bytes) -> None:
    """A script that does not parse fails now, with the compiler's own line (no TensorFlow start)."""
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f"{path}:{exc.lineno}" if exc.lineno else path
        kind = "indentation error" if isinstance(exc, IndentationError) else "syntax error"
        raise KerasdiffError(
            where, f"{kind}: {exc.msg}", "fix the script; python reports the same error"
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:  # null bytes, bad encoding
        raise KerasdiffError(
            path,
            f"is not a readable Python script: {exc}",
            "check that the file is Python source saved as UTF-8",
        ) from None


# --------------------------------------------------------------------------- the framework seam


class ScriptMistake(Exception):
    """Raised by a framework's hook for a spelling the framework would silently misread (a
    Keras 2 argument Keras 3 ignores): the message says what the script uses, `hint` the fix."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


class Framework:
    """What a framework implements to be compared: one subclass per folder under load/.

    Parent side (no framework import: runs where --help runs): `checkers` (its
    framework-semantics rules), `complete`, `emit`, `can_probe`. Worker side (imports the
    framework lazily): hooks while a script runs, recognising and extracting its models into
    the neutral Graph (+ recipe), saved files, running the live models for --probe."""

    name: str = ""  # the Graph's `framework`, e.g. "keras"
    label: str = ""  # how messages name its models: "a Keras model"
    saved_suffixes: tuple[str, ...] = ()  # saved-file kinds it loads
    can_probe: bool = False  # --probe can run its live models
    environments: tuple[str, ...] = ()  # the `SPEC@ENV` suffixes its scripts may take
    only_in_environments: bool = False  # True: it loads files only under one of them (@keras2)
    # modules a fork server (--pairs) imports once for all the workers it forks
    preload: tuple[str, ...] = ()

    # ---- parent side
    def checkers(self) -> tuple:
        """Rules for pairs involving this framework (kerasdiff.rules.make_checker)."""
        return ()

    def complete(self, graph: Graph, other: Graph) -> Graph:
        """Fill in what this side's graph could only learn from the other side."""
        return graph

    def emit(self, graph: Graph) -> Optional[str]:
        """Code for the other framework that trains like this model (--emit-keras), or None."""
        return None

    def worker_env(self, env: dict, folder: str, saved: bool, where: Optional[str]) -> dict:
        """Environment variables a worker needs for this framework (`folder`: the run's own;
        `saved`: the worker loads a saved file, which is data; `where`: the spec's ENV)."""
        return {}

    # ---- worker side
    def wants(self, source: str, where: Optional[str] = None) -> bool:
        """Does a script with this source, run in environment `where`, need this framework's hooks?"""
        return True

    def start(self, run: Any) -> None:
        """Install the hooks before the script runs (`run`: kerasdiff.load.script.ScriptRun)."""

    def stop(self) -> None:
        """Remove what start() changed that must not outlive the script."""

    def snapshot(self) -> Any:
        """Global settings a builder function may change (restored before each builder)."""
        return None

    def restore(self, state: Any) -> None:
        pass

    def is_model(self, obj: Any) -> bool:
        return False

    def refuses(self, obj: Any) -> Optional[str]:
        """For an object of this framework that kerasdiff cannot compare: why (one phrase)."""
        return None

    def parts(self, obj: Any) -> set[int]:
        """ids of the models inside this one (a nested model is part of the one that holds it)."""
        return set()

    def extract(self, obj: Any, spec: str, name: str, run: Any) -> Graph:
        raise NotImplementedError

    def check_saved(self, path: str, shown: str, limits: Limits) -> None:
        """Parent side, before any worker: refuse a saved file that carries code or is too big
        (reads bytes only; raises KerasdiffError)."""
        raise NotImplementedError

    def load_saved(self, path: str, shown: str) -> Any:
        raise NotImplementedError

    def hint(self, exc: BaseException, line_text: str) -> Optional[str]:
        """The way out for a failure this framework recognises."""
        return None

    def serve_probe(self, models: list, request_path: str) -> None:
        """Run the parent's probe request on the live models (see kerasdiff.probe)."""
        raise NotImplementedError

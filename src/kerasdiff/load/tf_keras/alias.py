"""Inside a `@keras2` worker: `keras` is tf_keras, for the script and for kerasdiff's own code."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
from typing import Any, Optional

_PREFIX = "tf_keras"


class _Loader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: Any) -> Any:
        return importlib.import_module(self.target)

    def exec_module(self, module: Any) -> None:
        pass  # the tf_keras module is already executed


class _Finder(importlib.abc.MetaPathFinder):
    """`keras.X` not imported yet: the module tf_keras.X, under both names."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Optional[Any]:
        if fullname != "keras" and not fullname.startswith("keras."):
            return None
        real = _PREFIX + fullname[len("keras") :]
        try:
            found = importlib.util.find_spec(real)
        except (ImportError, ValueError):
            return None
        if found is None:
            return None
        return importlib.machinery.ModuleSpec(
            fullname, _Loader(real), is_package=found.submodule_search_locations is not None
        )


def install() -> None:
    """Make `keras` (and every `keras.*`) the tf_keras module of the same name."""
    # A Keras 3 imported before (TensorFlow may pull it in) must not answer `keras.layers`.
    for name in [n for n in sys.modules if n == "keras" or n.startswith("keras.")]:
        del sys.modules[name]
    import tf_keras

    sys.modules["keras"] = tf_keras
    for name, mod in list(sys.modules.items()):
        if name.startswith(_PREFIX + "."):
            sys.modules.setdefault("keras" + name[len(_PREFIX) :], mod)
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def hint_for(exc: BaseException, line_text: str = "") -> Optional[str]:
    """Ways out for what tf_keras itself rejects."""
    msg = str(exc)
    m = re.search(r"(\w+) is deprecated in the new (?:TF-)?Keras optimizer", msg)
    if m:
        cls = re.search(r"legacy\.(\w+)", msg)
        name = cls.group(1) if cls else "SGD"
        return (
            f"tf_keras's optimizers take no {m.group(1)}= since TensorFlow 2.11: write "
            f"keras.optimizers.legacy.{name}(...) to keep it, or use a learning-rate schedule"
        )
    if isinstance(exc, TypeError) and "'int' object is not iterable" in msg and "input_shape" in line_text:
        m = re.search(r"input_shape\s*=\s*(\d+)", line_text)
        d = m.group(1) if m else "N"
        return f"tf_keras wants shapes as tuples: input_shape=({d},)"
    return None


__all__ = ["install", "hint_for"]

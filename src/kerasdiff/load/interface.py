"""Model specs (`file.py`, `file.py:NAME`, saved files) parsed without importing TensorFlow."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Optional

from kerasdiff.errors import KerasdiffError

SCRIPT_SUFFIXES = (".py",)
SAVED_SUFFIXES = (".keras", ".h5", ".hdf5", ".json")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Spec:
    """What the user asked to compare: a file and, for scripts, an optional module-level NAME."""

    raw: str
    path: str            # absolute path
    name: Optional[str]  # NAME from `file.py:NAME`
    kind: str            # "script" | "saved"

    @property
    def display(self) -> str:
        return self.raw


def parse_spec(raw: str) -> Spec:
    """Parse and check a spec; raise KerasdiffError (exit 2) for anything unusable."""
    path, name = raw, None
    head, sep, tail = raw.rpartition(":")
    if sep and head.endswith(SCRIPT_SUFFIXES) and _NAME.fullmatch(tail):
        path, name = head, tail
    elif sep and head.endswith(SCRIPT_SUFFIXES):
        raise KerasdiffError(raw, f"'{tail}' is not a Python name",
                             "use FILE.py:NAME with a module-level variable or function")
    lower = path.lower()
    if lower.endswith(SCRIPT_SUFFIXES):
        kind = "script"
    elif lower.endswith(SAVED_SUFFIXES):
        kind = "saved"
    else:
        raise KerasdiffError(raw, "unknown kind of model file",
                             "give a .py script, FILE.py:NAME, or a .keras/.h5/.json saved model")
    if not os.path.exists(path):
        raise KerasdiffError(path, "no such file", "check the path")
    if os.path.isdir(path):
        raise KerasdiffError(path, "is a directory, not a model file",
                             "give a .py script or a saved model file")
    return Spec(raw=raw, path=os.path.abspath(path), name=name, kind=kind)

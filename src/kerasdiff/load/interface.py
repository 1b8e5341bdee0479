"""Model specs (`file.py`, `file.py:NAME`, saved files) parsed and sanity-checked without TensorFlow.

Everything that can be told from the file alone (missing, unreadable, a script that does not parse,
a saved file that is not a zip / HDF5 / JSON model config) fails here, before a worker is started.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from dataclasses import dataclass
from typing import Optional

from kerasdiff.errors import KerasdiffError
from kerasdiff.load.untrusted import MB, Limits, check_regular_file, check_saved

SCRIPT_SUFFIXES = (".py",)
SAVED_SUFFIXES = (".keras", ".h5", ".hdf5", ".json")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_MAX_SCRIPT = 64 * MB


@dataclass(frozen=True)
class Spec:
    """What the user asked to compare: a file and, for scripts, an optional module-level NAME."""

    raw: str
    path: str            # absolute path
    name: Optional[str]  # NAME from `file.py:NAME`
    kind: str            # "script" | "saved"
    file: str = ""       # the file part of the spec as the user wrote it (for messages)

    @property
    def display(self) -> str:
        return self.raw

    @property
    def shown(self) -> str:
        return self.file or self.raw


def parse_spec(raw: str, limits: Limits = Limits()) -> Spec:
    """Parse and check a spec; raise KerasdiffError (exit 2) for anything unusable."""
    path, name = raw, None
    head, sep, tail = raw.rpartition(":")
    if sep and head.lower().endswith(SCRIPT_SUFFIXES) and _NAME.fullmatch(tail):
        path, name = head, tail
    elif sep and head.lower().endswith(SCRIPT_SUFFIXES):
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
    # A FIFO would hang the read below and /dev/zero never ends: regular files only.
    size = check_regular_file(path, path)
    if kind == "script":
        if size > _MAX_SCRIPT:
            raise KerasdiffError(path, f"is {size / MB:,.0f} MB, not a model-building script",
                                 "give the script that builds the model")
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise KerasdiffError(path, f"cannot read the file: {exc.strerror or exc}",
                                 "check its permissions") from None
        _check_syntax(path, data)
    else:
        _check_saved(path, lower, limits)
    return Spec(raw=raw, path=os.path.abspath(path), name=name, kind=kind, file=path)


def _check_syntax(path: str, source: bytes) -> None:
    """A script that does not parse fails now, with the compiler's own line (no TensorFlow start)."""
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f"{path}:{exc.lineno}" if exc.lineno else path
        kind = "indentation error" if isinstance(exc, IndentationError) else "syntax error"
        raise KerasdiffError(where, f"{kind}: {exc.msg}",
                             "fix the script; python reports the same error") from None
    except (ValueError, UnicodeDecodeError) as exc:  # null bytes, bad encoding
        raise KerasdiffError(path, f"is not a readable Python script: {exc}",
                             "check that the file is Python source saved as UTF-8") from None


def _check_saved(path: str, lower: str, limits: Limits) -> None:
    """Cheap format checks so garbage gets a precise message instead of a loader stack trace,
    then the untrusted-file checks (no code, bounded size and parameters)."""
    if lower.endswith(".keras"):
        if not zipfile.is_zipfile(path):
            raise KerasdiffError(path, "is not a .keras archive (not a zip file)",
                                 "re-save it with model.save('model.keras'), or check the download")
    elif lower.endswith((".h5", ".hdf5")):
        with open(path, "rb") as fh:
            head = fh.read(8)
        if not _is_hdf5(path, head):
            raise KerasdiffError(path, "is not an HDF5 file (wrong file signature)",
                                 "re-save it with model.save('model.h5'), or check the download")
    elif lower.endswith(".json"):
        with open(path, "rb") as fh:
            data = fh.read(_MAX_SCRIPT + 1)
        try:
            cfg = json.loads(data.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise KerasdiffError(path, f"is not valid JSON: {exc}",
                                 "give the text of model.to_json()") from None
        if not (isinstance(cfg, dict) and "class_name" in cfg and "config" in cfg):
            raise KerasdiffError(path, "is JSON but not a Keras model config "
                                 "(no top-level 'class_name' and 'config')",
                                 "give the text of model.to_json()")
    check_saved(path, path, limits)


def _is_hdf5(path: str, head: bytes) -> bool:
    """HDF5 puts its signature at offset 0 or, after a user block, at 512, 1024, 2048, ..."""
    if head.startswith(_HDF5_MAGIC):
        return True
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            off = 512
            while off + 8 <= size:
                fh.seek(off)
                if fh.read(8) == _HDF5_MAGIC:
                    return True
                off *= 2
    except OSError:
        return False
    return False

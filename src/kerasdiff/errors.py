"""Trouble that ends a run with exit code 2: one clear line naming the file, the cause, the way out."""

from __future__ import annotations

from typing import Any

# The exit codes, like diff(1) (DESIGN.md): every command returns one of these.
EXIT_EQUIVALENT, EXIT_DIVERGENT, EXIT_TROUBLE = 0, 1, 2


class KerasdiffError(Exception):
    """A user-facing failure (bad spec, script raised, no model, timeout...)."""

    def __init__(self, file: str, cause: str, hint: str = "", detail: str = "") -> None:
        super().__init__(f"{file}: {cause}")
        self.file = file
        self.cause = cause
        self.hint = hint
        self.detail = detail  # traceback or captured output, shown with --verbose

    def line(self) -> str:
        text = f"kerasdiff: {self.file}: {self.cause}" if self.file else f"kerasdiff: {self.cause}"
        if self.hint:
            text += f" ({self.hint})"
        # One line, always: user error lines may contain newlines, and names from a model file
        # may carry terminal control sequences.
        from kerasdiff.sanitize import terminal

        return terminal(" ".join(part.strip() for part in text.splitlines() if part.strip()))

    def to_dict(self) -> dict:
        return {"file": self.file, "cause": self.cause, "hint": self.hint, "detail": self.detail}

    @classmethod
    def from_dict(cls, d: dict) -> KerasdiffError:
        return cls(d.get("file", ""), d.get("cause", "failed"), d.get("hint", ""), d.get("detail", ""))


def read_document(
    path: str, load: Any, binary: bool, missing: tuple[str, str], malformed: tuple[str, str]
) -> Any:
    """`load(fh)` of the file at `path` (a baseline, a pairs file): one error line when it is
    absent (`missing`: cause, way out) or unreadable (`malformed`: cause with `{exc}`, way out)."""
    try:
        with open(path, "rb") if binary else open(path, encoding="utf-8") as fh:
            return load(fh)
    except FileNotFoundError:
        raise KerasdiffError(path, *missing) from None
    except (OSError, ValueError) as exc:
        raise KerasdiffError(path, malformed[0].format(exc=exc), malformed[1]) from None

"""Run settings from the command line and `[tool.kerasdiff]`, validated before anything is loaded.

Each value is checked for type and range here, with one line naming where it came from (the flag,
or the pyproject.toml file and key), so a typo never reaches a worker or becomes an internal error.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from kerasdiff.errors import KerasdiffError
from kerasdiff.load.interface import MB, Limits
from kerasdiff.report.interface import Format

FORMATS: tuple[str, ...] = tuple(f.value for f in Format)
FAIL_ON: tuple[str, ...] = ("error", "warning", "info", "never")


@dataclass(frozen=True)
class Settings:
    """Everything a comparison needs besides the two specs."""

    format: str = "text"
    fail_on: str = "error"
    ignore: tuple[str, ...] = ()
    timeout: float = 300.0
    probe: bool = False
    probe_train: bool = False  # also one training step from the same weights (implies probe)
    atol: Optional[float] = None
    rtol: Optional[float] = None
    run_fit: bool = False
    limits: Limits = field(default_factory=Limits)
    jobs: int = 1  # --pairs: pairs compared at once
    baseline: Optional[str] = None  # hide the findings this file records
    write_baseline: Optional[str] = None  # record the current findings in this file


def _choice(options: tuple[str, ...]) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if not isinstance(v, str) or v not in options:
            raise ValueError(f"must be one of {', '.join(options)}, not {v!r}")
        return v

    return check


def _number(low: float, strict: bool) -> Callable[[Any], float]:
    def check(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError(f"must be a number, not {v!r}")
        x = float(v)
        if math.isnan(x) or math.isinf(x) or (x <= low if strict else x < low):
            raise ValueError(f"must be a finite number {'>' if strict else '>='} {low:g}, not {v!r}")
        return x

    return check


def _integer(low: int) -> Callable[[Any], int]:
    def check(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or v < low:
            raise ValueError(f"must be a whole number >= {low}, not {v!r}")
        return v

    return check


def _boolean(v: Any) -> bool:
    # TOML has true/false; "no" or 0 would be silently truthy or falsy.
    if not isinstance(v, bool):
        raise ValueError(f"must be true or false, not {v!r}")
    return v


def _text(v: Any) -> str:
    if not isinstance(v, str) or not v:
        raise ValueError(f"must be a path (a non-empty string), not {v!r}")
    return v


def _codes(v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        return (v,)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return tuple(v)
    raise ValueError(f"must be a code or kind, or a list of them, not {v!r}")


# key (pyproject spelling) -> validator
CHECKS: dict[str, Callable[[Any], Any]] = {
    "format": _choice(FORMATS),
    "fail-on": _choice(FAIL_ON),
    "ignore": _codes,
    "timeout": _number(0.0, strict=True),
    "probe": _boolean,
    "probe-train": _boolean,
    "atol": _number(0.0, strict=False),
    "rtol": _number(0.0, strict=False),
    "run-fit": _boolean,
    "max-params": _integer(1),
    "max-unpacked": _integer(1),
    "max-memory": _integer(0),
    "baseline": _text,
    "write-baseline": _text,
    "jobs": _integer(1),
    "pairs": lambda v: v,  # a list of tables, checked by kerasdiff.pairs.from_table
}


def load_pyproject(start: Optional[str] = None) -> tuple[str, dict]:
    """(file, raw [tool.kerasdiff] table) of the nearest pyproject.toml; ('', {}) if none."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    here = os.path.abspath(start or os.getcwd())
    while True:
        candidate = os.path.join(here, "pyproject.toml")
        if os.path.isfile(candidate):
            try:
                with open(candidate, "rb") as fh:
                    data = tomllib.load(fh)
            except (OSError, ValueError) as exc:
                raise KerasdiffError(
                    candidate, f"cannot read [tool.kerasdiff]: {exc}", "fix the TOML syntax"
                ) from None
            table = data.get("tool", {}).get("kerasdiff", {})
            if not isinstance(table, dict):
                raise KerasdiffError(
                    candidate, "[tool.kerasdiff] is not a table", "write it as a [tool.kerasdiff] section"
                )
            return candidate, table
        parent = os.path.dirname(here)
        if parent == here:
            return "", {}
        here = parent


def from_pyproject(file: str, table: dict) -> dict:
    """The table's values, validated; keys in pyproject spelling."""
    out: dict = {}
    for raw_key, value in table.items():
        key = str(raw_key).replace("_", "-")
        check = CHECKS.get(key)
        if check is None:
            raise KerasdiffError(
                file, f"[tool.kerasdiff] has an unknown key '{raw_key}'", "known keys: " + ", ".join(CHECKS)
            )
        try:
            out[key] = check(value)
        except ValueError as exc:
            raise KerasdiffError(
                file, f"[tool.kerasdiff] {raw_key} {exc}", "fix the value in pyproject.toml"
            ) from None
        if key in ("baseline", "write-baseline") and not os.path.isabs(out[key]):
            out[key] = os.path.join(os.path.dirname(file), out[key])  # relative to pyproject.toml
    return out


def resolve(flags: dict, file: str = "", table: Optional[dict] = None) -> Settings:
    """Flags (None = not given) over pyproject values over defaults."""
    conf = from_pyproject(file, table or {})
    values: dict = {}
    for key, check in CHECKS.items():
        v = flags.get(key)
        if v is None or v == ():
            continue
        try:
            values[key] = check(list(v) if isinstance(v, tuple) else v)
        except ValueError as exc:
            raise KerasdiffError(f"--{key}", str(exc), f"e.g. --{key} {_example(key)}") from None
    ignore = tuple(conf.get("ignore", ())) + tuple(values.get("ignore", ()))
    merged = {**conf, **values}
    base = Limits()
    limits = Limits(
        max_params=merged.get("max-params", base.max_params),
        max_unpacked=merged["max-unpacked"] * MB if "max-unpacked" in merged else base.max_unpacked,
        max_memory=merged["max-memory"] * MB if "max-memory" in merged else None,
    )
    return Settings(
        format=merged.get("format", "text"),
        fail_on=merged.get("fail-on", "error"),
        ignore=ignore,
        timeout=merged.get("timeout", 300.0),
        probe=bool(merged.get("probe", False) or merged.get("probe-train", False)),
        probe_train=merged.get("probe-train", False),
        atol=merged.get("atol"),
        rtol=merged.get("rtol"),
        run_fit=merged.get("run-fit", False),
        limits=limits,
        baseline=merged.get("baseline"),
        write_baseline=merged.get("write-baseline"),
        jobs=merged.get("jobs", 1),
    )


def _example(key: str) -> str:
    return {
        "timeout": "120",
        "atol": "1e-6",
        "rtol": "1e-5",
        "max-params": "5000000000",
        "max-unpacked": "16384",
        "max-memory": "0",
    }.get(key, "...")


def check_output(output: Optional[str], inputs: tuple[str, ...]) -> None:
    """`--output` must be a writable file that is not one of the inputs (never overwritten)."""
    if not output:
        return
    target = os.path.realpath(output)
    for raw in inputs:
        path = raw
        head, sep, tail = raw.rpartition(":")
        if sep and head.lower().endswith(".py") and tail.isidentifier():
            path = head
        if os.path.exists(path) and os.path.realpath(path) == target:
            raise KerasdiffError(
                output,
                "is one of the models being compared; refusing to overwrite it",
                "choose another --output path",
            )
    if os.path.isdir(target):
        raise KerasdiffError(output, "is a directory", "give a file path for --output")
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise KerasdiffError(
            output,
            f"cannot be written: the folder {os.path.dirname(output) or '.'} does not exist",
            "create it or choose another --output path",
        )
    if (os.path.exists(target) and not os.access(target, os.W_OK)) or not os.access(folder, os.W_OK):
        raise KerasdiffError(output, "cannot be written: permission denied", "choose another --output path")


__all__ = [
    "Settings",
    "FORMATS",
    "FAIL_ON",
    "CHECKS",
    "load_pyproject",
    "from_pyproject",
    "resolve",
    "check_output",
]

"""Many pairs in one run (`--pairs FILE`, or `pairs = [...]` under `[tool.kerasdiff]`): each
pair compared as `kerasdiff A B` would, `--jobs` of them at once, one report, the worst exit code.

A pairs file is TOML: `[[pair]]` tables with `a` and `b` (specs, relative to the file's folder),
optional `name`, `ignore` and `fail-on` (over the run's settings for that pair).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Optional

from kerasdiff.errors import EXIT_DIVERGENT, EXIT_EQUIVALENT, EXIT_TROUBLE, KerasdiffError, read_document
from kerasdiff.settings import FAIL_ON, Settings

_KEYS = {"a", "b", "name", "ignore", "fail-on"}


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    name: str
    settings: Settings


@dataclass(frozen=True)
class Outcome:
    """One pair's result: its report, or the one-line trouble that stopped it."""

    pair: Pair
    report: Optional[Any] = None
    error: Optional[KerasdiffError] = None

    @property
    def exit_code(self) -> int:
        if self.error is not None or self.report is None:
            return EXIT_TROUBLE
        return EXIT_EQUIVALENT if self.report.equivalent else EXIT_DIVERGENT


def _rebase(spec: str, folder: str) -> str:
    """A spec relative to the pairs file's folder (revision and NAME parts kept)."""
    from kerasdiff.load import revision

    rv = revision.split(spec)
    rev, rest = rv if rv is not None else (None, spec)
    if not os.path.isabs(rest):
        rest = os.path.relpath(os.path.join(folder, rest)) if folder else rest
    return f"{rev}:{rest}" if rev is not None else rest


def from_table(entries: Any, where: str, base: Settings) -> list[Pair]:
    """Validated pairs from a list of tables (`[[pair]]` or `pairs = [...]`)."""
    from kerasdiff.engine import ignored_codes

    if not isinstance(entries, list) or not entries:
        raise KerasdiffError(where, "has no pairs", 'write [[pair]] tables with a = "..." and b = "..."')
    folder = os.path.dirname(os.path.abspath(where)) if os.path.isfile(where) else ""
    out = []
    for i, e in enumerate(entries, 1):
        if not isinstance(e, dict) or not isinstance(e.get("a"), str) or not isinstance(e.get("b"), str):
            raise KerasdiffError(
                where, f"pair {i} needs a and b (two specs as strings)", 'a = "old.py", b = "new.py"'
            )
        unknown = set(e) - _KEYS
        if unknown:
            raise KerasdiffError(
                where,
                f"pair {i} has an unknown key '{sorted(unknown)[0]}'",
                "keys: " + ", ".join(sorted(_KEYS)),
            )
        st = base
        if "fail-on" in e:
            if e["fail-on"] not in FAIL_ON:
                raise KerasdiffError(
                    where, f"pair {i}: fail-on must be one of {', '.join(FAIL_ON)}", "fix the value"
                )
            st = replace(st, fail_on=e["fail-on"])
        if "ignore" in e:
            ign = e["ignore"]
            ign = [ign] if isinstance(ign, str) else ign
            if not isinstance(ign, list) or not all(isinstance(x, str) for x in ign):
                raise KerasdiffError(
                    where, f"pair {i}: ignore must be a code or a list of codes", 'ignore = ["KD112"]'
                )
            ignored_codes(ign)
            st = replace(st, ignore=tuple(st.ignore) + tuple(ign))
        a, b = _rebase(e["a"], folder), _rebase(e["b"], folder)
        out.append(Pair(a, b, str(e.get("name") or f"{e['a']} vs {e['b']}"), st))
    return out


def read(path: str, base: Settings) -> list[Pair]:
    """The pairs of a TOML pairs file."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    doc = read_document(
        path,
        tomllib.load,
        True,
        ("no such pairs file", "give a TOML file with [[pair]] tables"),
        ("is not a readable TOML pairs file: {exc}", "fix the TOML syntax"),
    )
    return from_table(doc.get("pair"), path, base)


def run(pairs: list[Pair], jobs: int) -> list[Outcome]:
    """Every pair, `jobs` at a time, in the given order. The workers are forked from one server
    per environment, which imports TensorFlow once for all pairs (kerasdiff.load.forkserver)."""
    from kerasdiff.engine import compare_specs
    from kerasdiff.load.forkserver import ForkServers

    def one(p: Pair) -> Outcome:
        try:
            report, _ = compare_specs(p.a, p.b, p.settings, servers=servers)
            return Outcome(p, report=report)
        except KerasdiffError as exc:
            return Outcome(p, error=exc)

    servers = ForkServers()
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return list(pool.map(one, pairs))
    finally:
        servers.close()


def exit_code(outcomes: list[Outcome]) -> int:
    return max((o.exit_code for o in outcomes), default=EXIT_EQUIVALENT)


__all__ = ["Pair", "Outcome", "from_table", "read", "run", "exit_code"]

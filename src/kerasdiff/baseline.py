"""Finding fingerprints and baseline files (`--write-baseline`, `--baseline`), no TensorFlow.

A fingerprint is the code, the attribute and where the finding sits, by structure: a layer is
described by its class and output shapes, plus its rank among the layers with that same class
and shapes. Names never enter it, so renaming layers, or adding a layer of another kind anywhere,
leaves it as it was (only a new layer of the same class and shapes before it moves its rank). Places that are not
layers (`compile.optimizer`, `fit.batch_size`, inputs) are named by kerasdiff itself and enter as
they are. SARIF carries the same string in `partialFingerprints`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from typing import Any, Optional

from kerasdiff.errors import KerasdiffError, read_document
from kerasdiff.findings import Finding
from kerasdiff.graph import Graph

BASELINE_SCHEMA = 1


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _layer_descriptors(g: Graph) -> dict[str, str]:
    """Layer key -> its structural description (cached on the graph): class and output shapes,
    and its rank among the layers with that same class and shapes in the graph's order."""
    cache = g.__dict__.get("_kd_desc")
    if cache is not None:
        return cache
    shapes: dict[str, list] = {}
    for c in g.calls:
        shapes.setdefault(c.layer, []).append(repr(c.output_shapes))
    count: dict[str, int] = {}
    cache = {}
    for lay in g.layers:
        d = _digest(repr((lay.cls, shapes.get(lay.key, []))))
        # the k-th such layer: six identical blocks stay six places
        cache[lay.key] = f"{d}#{count.get(d, 0)}"
        count[d] = count.get(d, 0) + 1
    object.__setattr__(g, "_kd_desc", cache)
    return cache


def _place(g: Graph, path: str) -> str:
    desc = _layer_descriptors(g).get(path)
    return f"layer:{desc}" if desc is not None else f"path:{path}"


def fingerprint(f: Finding, a: Graph, b: Graph) -> str:
    """The finding's fingerprint: code, attribute, A's and B's place by structure."""
    return _digest("|".join((f.code, f.attribute, _place(a, f.a_path), _place(b, f.b_path))))


def fingerprints(findings: tuple[Finding, ...] | list[Finding], a: Graph, b: Graph) -> list[str]:
    """One fingerprint per finding; equal ones get `-2`, `-3` in report order."""
    out, seen = [], {}  # type: ignore[var-annotated]
    for f in findings:
        fp = fingerprint(f, a, b)
        n = seen.get(fp, 0) + 1
        seen[fp] = n
        out.append(fp if n == 1 else f"{fp}-{n}")
    return out


@dataclass(frozen=True)
class Outcome:
    """What a baseline did to a report: hidden findings and entries no longer found."""

    file: str
    hidden: int
    stale: tuple[dict, ...]

    def to_dict(self) -> dict:
        return {"file": self.file, "hidden": self.hidden, "stale": [dict(e) for e in self.stale]}


def write(path: str, findings: tuple[Finding, ...] | list[Finding], a: Graph, b: Graph) -> None:
    """Record the findings (fingerprint, code, message) as the accepted state."""
    doc = {
        "schema_version": BASELINE_SCHEMA,
        "findings": [
            {"fingerprint": fp, "code": f.code, "message": f.message}
            for f, fp in zip(findings, fingerprints(findings, a, b))
        ],
    }
    tmp = path + ".part"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    except OSError as exc:
        raise KerasdiffError(
            path, f"cannot write the baseline: {exc.strerror or exc}", "check the folder"
        ) from None


def read(path: str) -> list[dict]:
    """The entries of a baseline file; KerasdiffError (exit 2) when it is not one."""
    doc = read_document(
        path,
        json.load,
        False,
        ("no such baseline file", "create it with --write-baseline FILE"),
        ("is not a baseline file: {exc}", "write it again with --write-baseline"),
    )
    entries = doc.get("findings") if isinstance(doc, dict) else None
    if (
        not isinstance(doc, dict)
        or doc.get("schema_version") != BASELINE_SCHEMA
        or not isinstance(entries, list)
        or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries)
    ):
        raise KerasdiffError(
            path,
            f"is not a kerasdiff baseline (schema_version {BASELINE_SCHEMA}, findings with fingerprints)",
            "write it again with --write-baseline",
        )
    return entries


def apply(report: Any, entries: list[dict], file: str) -> Any:
    """The report without the findings the baseline records; the entries it no longer finds
    are listed (`baseline.stale`) so the file can be cleaned."""
    fps = fingerprints(report.findings, report.a, report.b)
    known = {e["fingerprint"] for e in entries}
    kept = tuple(f for f, fp in zip(report.findings, fps) if fp not in known)
    present = set(fps)
    stale = tuple(
        {"fingerprint": e["fingerprint"], "code": e.get("code"), "message": e.get("message")}
        for e in entries
        if e["fingerprint"] not in present
    )
    outcome = Outcome(file, len(report.findings) - len(kept), stale)
    return replace(report, findings=kept, baseline=outcome.to_dict())


def check_path(path: Optional[str]) -> None:
    """A --write-baseline target whose folder does not exist fails before anything loads."""
    if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise KerasdiffError(path, "its folder does not exist", "create the folder or give another path")


__all__ = ["fingerprint", "fingerprints", "write", "read", "apply", "check_path", "Outcome"]

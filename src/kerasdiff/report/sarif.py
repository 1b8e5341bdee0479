"""SARIF 2.1.0 (GitHub code scanning and other static-analysis viewers): rules from the catalogue,
one result per finding located at its source line, the other side as a related location."""

from __future__ import annotations

import json
import os
from typing import Optional

from kerasdiff import __version__, catalog
from kerasdiff.baseline import fingerprints
from kerasdiff.report.interface import Report, finding_lines, primary_location, source_location

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _location(path: str, line: Optional[int], message: str = "") -> dict:
    phys: dict = {"artifactLocation": {"uri": path.replace("\\", "/")}}
    if line:
        phys["region"] = {"startLine": int(line)}
    loc: dict = {"physicalLocation": phys}
    if message:
        loc["message"] = {"text": message}
    return loc


def _rule(r: catalog.Rule, docs: Optional[str]) -> dict:
    uri = catalog.help_uri(r.code, docs)
    return {
        "id": r.code,
        "name": "".join(w.capitalize() for w in r.title.replace("'", "").split()),
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.what},
        "help": {
            "text": f"Why: {r.why}\nFix: {catalog.template_text(r.fix)}",
            "markdown": f"**Why:** {r.why}\n\n**Fix:** {catalog.template_text(r.fix)}\n\n"
            f"Example: `{r.example}`",
        },
        "defaultConfiguration": {"level": _LEVEL[r.severity]},
        "properties": {"kind": r.kind, "tags": [r.kind]},
        **({"helpUri": uri} if uri else {}),
    }


def render(report: Report, color: bool = False, width: int = 100) -> str:
    # the one setting from the environment: where the rules' documentation is published
    docs = os.environ.get(catalog.DOCS_URL_VARIABLE)
    used = list(dict.fromkeys(f.code for f in report.findings))
    index = {code: i for i, code in enumerate(used)}
    results = []
    fps = fingerprints(report.findings, report.a, report.b)
    for f, fp in zip(report.findings, fps):
        path, line, side = primary_location(report, f)
        res: dict = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVEL[f.severity],
            "message": {"text": "\n".join(finding_lines(f) + [f"Fix: {f.fix}"])},
            "locations": [_location(path, line, f"model {side}")],
            "properties": {"kind": f.kind, "a_path": f.a_path, "b_path": f.b_path, "attribute": f.attribute},
            # the baseline's fingerprint: code scanning follows a finding across runs by it
            "partialFingerprints": {"kerasdiff/v1": fp},
        }
        other = f.a_source if side == "B" else None
        opath, oline = source_location(other)
        if opath and (opath, oline) != (path, line):
            res["relatedLocations"] = [{"id": 1, **_location(opath, oline, "model A")}]
        results.append(res)
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kerasdiff",
                        "version": __version__,
                        "rules": [_rule(catalog.get(c), docs) for c in used],
                    }
                },
                "results": results,
                "properties": {
                    "verdict": report.verdict(),
                    "equivalent": report.equivalent,
                    "fail_on": report.fail_on,
                    "a": report.a.spec,
                    "b": report.b.spec,
                },
            }
        ],
    }
    return json.dumps(doc, indent=2, default=str) + "\n"

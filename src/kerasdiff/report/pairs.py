"""One report for many pairs (`--pairs`): each format shows the pairs as sections of one document
(text and Markdown sections, JSON `pairs`, one SARIF run and one JUnit suite per pair, GitHub
annotations within one step's budget), each pair rendered by its format's own renderer."""

from __future__ import annotations

import json
from typing import Any

from kerasdiff import __version__
from kerasdiff.report import github, junit, markdown, sarif
from kerasdiff.report.interface import SCHEMA_VERSION, Format

_WORD = {0: "EQUIVALENT", 1: "DIVERGENT", 2: "TROUBLE"}


def _verdict(o: Any) -> str:
    if o.error is not None:
        return f"TROUBLE: {o.error.line().removeprefix('kerasdiff: ')}"
    return str(o.report.verdict())


def summary_lines(outcomes: list) -> list[str]:
    worst = max((o.exit_code for o in outcomes), default=0)
    counts = {w: sum(1 for o in outcomes if o.exit_code == c) for c, w in _WORD.items()}
    head = f"{_WORD[worst]}: {len(outcomes)} pairs, " + ", ".join(
        f"{n} {w.lower()}" for w, n in counts.items() if n
    )
    return [head] + [f"  {i}. {o.pair.name}: {_verdict(o)}" for i, o in enumerate(outcomes, 1)]


def render(outcomes: list, fmt: Format, **kw: Any) -> str:
    from kerasdiff.report import render as one

    if fmt is Format.HTML:
        raise ValueError("the HTML report shows one pair (the CLI says so before running)")

    if fmt is Format.JSON:
        doc = {
            "schema_version": SCHEMA_VERSION,
            "kerasdiff_version": __version__,
            "equivalent": all(o.exit_code == 0 for o in outcomes),
            "pairs": [
                {
                    "name": o.pair.name,
                    "a": o.pair.a,
                    "b": o.pair.b,
                    "exit_code": o.exit_code,
                    "report": json.loads(one(o.report, Format.JSON)) if o.report is not None else None,
                    "error": o.error.to_dict() if o.error is not None else None,
                }
                for o in outcomes
            ],
        }
        return json.dumps(doc, indent=2, default=str) + "\n"
    if fmt is Format.SARIF:
        runs = []
        for o in outcomes:
            if o.report is not None:
                run = json.loads(sarif.render(o.report))["runs"][0]
                run.setdefault("properties", {})["pair"] = o.pair.name
                runs.append(run)
        return json.dumps({"$schema": sarif.SARIF_SCHEMA, "version": "2.1.0", "runs": runs}, indent=2) + "\n"
    if fmt is Format.JUNIT:
        return junit.render_many([(o.pair.name, o.report, o.error) for o in outcomes])
    if fmt is Format.GITHUB:
        return github.render_many([o.report for o in outcomes if o.report is not None]) + "".join(
            f"::error title=kerasdiff {o.pair.name}::{github._data(o.error.line())}\n"
            for o in outcomes
            if o.error
        )
    if fmt is Format.MARKDOWN:
        parts = ["## kerasdiff: " + summary_lines(outcomes)[0], ""]
        parts += [f"- {line.strip()}" for line in summary_lines(outcomes)[1:]] + [""]
        for i, o in enumerate(outcomes, 1):
            parts += [f"### {i}. {markdown._prose(o.pair.name)}", ""]
            if o.report is not None:
                body = markdown.render(o.report)
                # each pair's own heading, one level under the pair's section
                parts.append(body.replace("## kerasdiff:", "#### kerasdiff:", 1))
            else:
                parts += [markdown._prose(_verdict(o)), ""]
        return markdown._fit(
            "\n".join(parts) + "\n", sum(len(o.report.findings) for o in outcomes if o.report)
        )
    # text: each pair's own report under a rule, then the summary
    out = []
    for i, o in enumerate(outcomes, 1):
        out.append(f"=== {i}/{len(outcomes)} {o.pair.name} ===")
        out.append(one(o.report, Format.TEXT, **kw).rstrip("\n") if o.report is not None else _verdict(o))
        out.append("")
    out += summary_lines(outcomes)
    return "\n".join(out) + "\n"


__all__ = ["render", "summary_lines"]

"""Markdown report for pull-request comments and job summaries: verdict, models, findings table, details."""

from __future__ import annotations

from kerasdiff.findings import Finding, fmt_int, show
from kerasdiff.report.interface import Report, model_summary
from kerasdiff.sanitize import markdown as _prose
from kerasdiff.sanitize import markdown_code

_ICON = {"error": "error", "warning": "warning", "info": "info"}


def _cell(text: object, limit: int = 120) -> str:
    """One table cell of user-controlled text: one line, inert (no HTML, links or mentions),
    long values cut before escaping (the details carry them whole)."""
    s = " ".join(str(text).split())
    return _prose(s if len(s) <= limit else s[: limit - 3] + "...")


def _code(text: object) -> str:
    """Inline code that survives backticks inside the text; pipes escaped for tables."""
    return markdown_code(text).replace("|", "\\|")


def _where(f: Finding) -> str:
    srcs = [s for s in (f.a_source, f.b_source) if s]
    return ", ".join(_code(s) for s in dict.fromkeys(srcs))


def _details(f: Finding, n: int) -> list[str]:
    lines = [f"<details><summary>{n}. {f.code} {_cell(f.title)} ({f.kind}, {f.severity})</summary>", ""]
    lines.append(_prose(f.message))
    lines.append("")
    rows = f.details or ((f.a_path, f.b_path, f.attribute, f.a_value, f.b_value, f.a_source, f.b_source),)
    if f.kind != "framework-semantics":
        lines += ["| side | where | value | source |", "|---|---|---|---|"]
        for a_path, b_path, attr, a_value, b_value, a_src, b_src in rows:
            suffix = f".{attr}" if f.details else ""
            lines.append(f"| A | {_cell(a_path + suffix)} | {_cell(show(a_value))} | {_cell(a_src or '')} |")
            lines.append(f"| B | {_cell(b_path + suffix)} | {_cell(show(b_value))} | {_cell(b_src or '')} |")
        lines.append("")
    for c in f.consequences:
        lines.append(f"- effect: {_prose(c)}")
    if f.consequences:
        lines.append("")
    lines += [f"**Why:** {_prose(f.why)}", "", f"**Fix:** {_prose(f.fix)}", "", "</details>", ""]
    return lines


def render(report: Report, color: bool = False, width: int = 100) -> str:
    verdict = report.verdict()
    word, _, rest = verdict.partition(":")
    out = [f"## kerasdiff: **{word}**{': ' + _prose(rest) if rest else ''}", ""]
    out += ["| | spec | model | class | params | layers |", "|---|---|---|---|---:|---:|"]
    for side, g in (("A", report.a), ("B", report.b)):
        m = model_summary(g)
        out.append(
            f"| {side} | {_code(m['spec'])} | {_cell(m['name'])} | {_cell(m['class'])} | "
            f"{fmt_int(m['params'])} | {m['layers']} |"
        )
    out.append("")
    if not report.findings:
        out += ["No differences found: the models are built the same way.", ""]
    else:
        out += ["| # | code | severity | kind | what | A | B | where |", "|---:|---|---|---|---|---|---|---|"]
        for n, f in enumerate(report.findings, 1):
            a_val = "" if f.details else _cell(show(f.a_value), 60)
            b_val = "" if f.details else _cell(show(f.b_value), 60)
            out.append(
                f"| {n} | {f.code} | {_ICON[f.severity]} | {f.kind} | {_cell(f.title)} | "
                f"{a_val} | {b_val} | {_where(f)} |"
            )
        out.append("")
        for n, f in enumerate(report.findings, 1):
            out += _details(f, n)
    if not report.findings and report.baseline and report.baseline.get("hidden"):
        out[out.index("No differences found: the models are built the same way.")] = (
            "No new differences: every finding is one the baseline records."
        )
    if report.probe is not None:
        from kerasdiff.report.text import probe_lines

        out += (
            ["### Behaviour (`--probe`)", ""] + [f"- {_prose(x)}" for x in probe_lines(report.probe)] + [""]
        )
    if report.ignored:
        out += [f"_{report.ignored} finding(s) hidden by --ignore._", ""]
    out += [f"_{_prose(line)}._" for line in report.baseline_lines()] + ([""] if report.baseline else [])
    out.append(f"_fail-on: {report.fail_on}; `kerasdiff rules CODE` explains a code._")
    return _fit("\n".join(out) + "\n", len(report.findings))


# GitHub refuses a comment (and a job summary section) above 65,536 characters.
MAX_CHARS = 65536


def _fit(text: str, findings: int) -> str:
    """The report cut at whole finding details to stay within MAX_CHARS, saying so."""
    if len(text) <= MAX_CHARS:
        return text
    note_len = 400
    cut = text.rfind("<details>", 0, MAX_CHARS - note_len)
    head = text[:cut] if cut > 0 else text[: MAX_CHARS - note_len]
    shown = head.count("<details>")
    note = (
        f"\n_Report cut at {MAX_CHARS:,} characters (GitHub's limit for a comment): the table lists all "
        f"{findings} findings, the details of {findings - shown} are left out; `--format text` or "
        "`--format json` (an artifact) has them all._\n"
    )
    return head.rstrip() + "\n" + note

"""Render the finding catalogue as text (for `kerasdiff rules`) or Markdown (docs/codes.md)."""

from __future__ import annotations

import textwrap

from kerasdiff import catalog
from kerasdiff.catalog import template_text


def render_rules(rules: list, fmt: str = "text", detail: bool = True, width: int = 100) -> str:
    if fmt == "markdown":
        return render_markdown(rules)
    lines = []
    for r in rules:
        if not detail:
            lines.append(f"{r.code}  {r.severity:<7}  {r.kind:<19} {r.title}")
            continue
        lines += [f"{r.code}  {r.title}", f"  kind:     {r.kind}", f"  severity: {r.severity}"]
        for label, text in (
            ("what", r.what),
            ("why", r.why),
            ("example", r.example),
            ("fix", template_text(r.fix)),
        ):
            lines += textwrap.wrap(
                text,
                width=width,
                initial_indent=f"  {label + ':':<10}",
                subsequent_indent=" " * 12,
                break_on_hyphens=False,
            )
        lines.append("")
    if not detail:
        lines.append("")
        lines.append("Run `kerasdiff rules CODE` (or a kind) for what, why, example and fix.")
    return "\n".join(lines) + "\n"


def render_markdown(rules: list | None = None) -> str:
    rules = list(catalog.RULES) if rules is None else rules
    out = [
        "# kerasdiff finding codes",
        "",
        "Generated from `src/kerasdiff/catalog.py` by `python -m kerasdiff.docs`; do not edit.",
        "",
        "| code | kind | severity | title |",
        "|---|---|---|---|",
    ]
    out += [f"| [{r.code}](#{r.code.lower()}) | {r.kind} | {r.severity} | {r.title} |" for r in rules]
    for r in rules:
        out += [
            "",
            f"## {r.code}",
            "",
            f"**{r.title}** — kind `{r.kind}`, severity `{r.severity}`",
            "",
            f"- **What:** {r.what}",
            f"- **Why it changes results:** {r.why}",
            f"- **Example:** `{r.example}`",
            f"- **Fix:** {template_text(r.fix)}",
        ]
    if catalog.REMOVED:
        out += ["", "Removed codes (never reused): " + ", ".join(sorted(catalog.REMOVED))]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    target = sys.argv[1] if len(sys.argv) > 1 else None
    text = render_markdown()
    if target:
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)

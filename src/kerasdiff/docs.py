"""Render the finding catalogue as text (for `kerasdiff rules`) or Markdown (docs/codes.md)."""

from __future__ import annotations

from kerasdiff import catalog


def render_rules(rules: list, fmt: str = "text", detail: bool = True) -> str:
    if fmt == "markdown":
        return render_markdown(rules)
    lines = []
    for r in rules:
        if not detail:
            lines.append(f"{r.code}  {r.severity:<7}  {r.kind:<15} {r.title}")
            continue
        lines += [f"{r.code}  {r.title}", f"  kind:     {r.kind}", f"  severity: {r.severity}",
                  f"  what:     {r.what}", f"  why:      {r.why}", f"  example:  {r.example}",
                  f"  fix:      {r.fix}", ""]
    if not detail:
        lines.append("")
        lines.append("Run `kerasdiff rules CODE` (or a kind) for what, why, example and fix.")
    return "\n".join(lines) + "\n"


def render_markdown(rules: list | None = None) -> str:
    rules = list(catalog.RULES) if rules is None else rules
    out = ["# kerasdiff finding codes", "",
           "Generated from `src/kerasdiff/catalog.py` by `python -m kerasdiff.docs`; do not edit.", "",
           "| code | kind | severity | title |", "|---|---|---|---|"]
    out += [f"| [{r.code}](#{r.code.lower()}) | {r.kind} | {r.severity} | {r.title} |" for r in rules]
    for r in rules:
        out += ["", f"## {r.code}", "", f"**{r.title}** — kind `{r.kind}`, severity `{r.severity}`", "",
                f"- **What:** {r.what}", f"- **Why it changes results:** {r.why}",
                f"- **Example:** `{r.example}`", f"- **Fix:** {r.fix}"]
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

"""GitHub Actions workflow commands: one annotation per finding on its source line, then the verdict.

Format: https://docs.github.com/actions/reference/workflow-commands-for-github-actions
(`::error file=F,line=L,title=T::MESSAGE`; data escapes % CR LF, properties also : and ,).
"""

from __future__ import annotations

from kerasdiff.catalog import SEVERITY_RANK
from kerasdiff.report.interface import Report, finding_lines, primary_location
from kerasdiff.sanitize import github_data as _data
from kerasdiff.sanitize import github_line
from kerasdiff.sanitize import github_property as _prop

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
PER_LEVEL = 10  # annotations of one level GitHub shows per step (actions/toolkit problem-matchers.md)


def render(report: Report, color: bool = False, width: int = 100) -> str:
    return render_many([report])


def render_many(reports: list) -> str:
    """Annotations for every report within one step's budget (--pairs: all pairs), then each
    report's verdict line."""
    out = []
    shown: dict[str, int] = {}
    dropped: dict[str, int] = {}
    notes = [n for r in reports for n in r.baseline_lines()]
    for report in reports:
        limit = SEVERITY_RANK.get(report.fail_on, -1)
        for f in report.findings:
            # A finding below --fail-on is never shown as an error: the job does not fail on it.
            level = _LEVEL[f.severity] if SEVERITY_RANK[f.severity] <= limit else "notice"
            # GitHub shows 10 annotations of each level per step (the baseline notes take notices)
            room = PER_LEVEL - (len(notes) if level == "notice" else 0)
            if shown.get(level, 0) >= room:
                dropped[level] = dropped.get(level, 0) + 1
                continue
            shown[level] = shown.get(level, 0) + 1
            path, line, _ = primary_location(report, f)
            props = [f"file={_prop(path)}"] + ([f"line={line}"] if line else [])
            props.append(f"title={_prop(f'kerasdiff {f.code}: {f.title}')}")
            body = "\n".join(finding_lines(f) + [f"why: {f.why}", f"fix: {f.fix}"])
            out.append(f"::{level} {','.join(props)}::{_data(body)}")
    for note in notes:
        out.append(f"::notice title=kerasdiff baseline::{_data(note)}")
    if dropped:
        more = ", ".join(f"{n} {level}{'s' if n > 1 else ''}" for level, n in dropped.items())
        # a plain log line: an annotation more would be dropped too
        out.append(
            f"kerasdiff: {more} more not annotated (GitHub shows {PER_LEVEL} annotations of each level "
            "per step); the job summary (--format markdown) and --format text list every finding"
        )
    # Names in the verdict come from the models: a newline there must not start a command.
    out += [github_line(r.verdict()) for r in reports]
    return "\n".join(out) + "\n"

"""The pre-commit hook (id `kerasdiff`, .pre-commit-hooks.yaml): each model script pre-commit
passes (the staged version: pre-commit stashes what is not staged) against its version at HEAD.

A file that HEAD does not have yet is new, not changed: it is skipped with a line. The exit code
is the worst file's (0 equivalent, 1 divergent, 2 trouble), as for `kerasdiff A B`.
"""

from __future__ import annotations

import sys
from typing import Optional

import click

from kerasdiff.errors import EXIT_DIVERGENT, EXIT_EQUIVALENT, EXIT_TROUBLE, KerasdiffError


def main(argv: Optional[list[str]] = None) -> int:
    from kerasdiff.engine import compare_specs
    from kerasdiff.load import revision
    from kerasdiff.report import Format, render
    from kerasdiff.settings import load_pyproject, resolve

    files = list(sys.argv[1:] if argv is None else argv)
    worst = 0
    try:
        settings = resolve({}, *load_pyproject())
    except KerasdiffError as exc:
        click.echo(exc.line(), err=True)
        return EXIT_TROUBLE
    for path in files:
        try:
            if not revision.exists("HEAD", path):
                click.echo(f"kerasdiff: {path}: new since HEAD, nothing to compare")
                continue
            report, _ = compare_specs(f"HEAD:{path}", path, settings)
            click.echo(render(report, Format.TEXT), nl=False)
            worst = max(worst, EXIT_EQUIVALENT if report.equivalent else EXIT_DIVERGENT)
        except KerasdiffError as exc:
            click.echo(exc.line(), err=True)
            worst = EXIT_TROUBLE
        finally:
            revision.cleanup()
    return worst


def run() -> None:
    sys.exit(main())


__all__ = ["main", "run"]

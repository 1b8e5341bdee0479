"""Command line wiring only: parse options, call the engine, render, map outcomes to exit codes."""

from __future__ import annotations

import os
import shutil
import sys
import time
import traceback
from dataclasses import replace
from typing import Optional, Sequence

import click

from kerasdiff import __version__, catalog
from kerasdiff.errors import KerasdiffError

EXIT_EQUIVALENT, EXIT_DIVERGENT, EXIT_TROUBLE = 0, 1, 2
FORMATS = ["text", "json", "markdown", "sarif", "junit", "github"]
FAIL_ON = ["error", "warning", "info", "never"]


def _load_settings() -> dict:
    """[tool.kerasdiff] from the nearest pyproject.toml above the current directory."""
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    here = os.path.abspath(os.getcwd())
    while True:
        candidate = os.path.join(here, "pyproject.toml")
        if os.path.isfile(candidate):
            try:
                with open(candidate, "rb") as fh:
                    data = tomllib.load(fh)
            except (OSError, ValueError) as exc:
                raise KerasdiffError(candidate, f"cannot read [tool.kerasdiff]: {exc}",
                                     "fix the TOML syntax")
            return {k.replace("_", "-"): v for k, v in data.get("tool", {}).get("kerasdiff", {}).items()}
        parent = os.path.dirname(here)
        if parent == here:
            return {}
        here = parent


class _Main(click.Command):
    """`kerasdiff A B [options]`; `kerasdiff rules [CODE]` is dispatched before parsing."""

    def main(self, args: Optional[Sequence[str]] = None, prog_name: Optional[str] = None,
             **extra):  # type: ignore[override]
        argv = list(sys.argv[1:] if args is None else args)
        if argv and argv[0] == "rules":
            return rules_command.main(argv[1:], prog_name="kerasdiff rules", **extra)
        return super().main(argv, prog_name=prog_name or "kerasdiff", **extra)


@click.command("kerasdiff", cls=_Main, context_settings={"help_option_names": ["-h", "--help"]},
               epilog="Other commands: `kerasdiff rules [CODE|KIND]` explains finding codes.")
@click.version_option(__version__, "--version", prog_name="kerasdiff", message="%(prog)s %(version)s")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B", required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Report format (default text).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the report to FILE instead of standard output.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Lowest severity that makes the run DIVERGENT (exit 1). Default: error.")
@click.option("--ignore", multiple=True, metavar="CODE_OR_KIND",
              help="Hide findings by code (KD101), code prefix (KD1) or kind (initializer). Repeatable.")
@click.option("--probe/--no-probe", default=None,
              help="Behavioural check: copy A's weights into B, run both on the same seeded "
                   "inputs, report the first layer whose outputs differ.")
@click.option("--atol", type=float, default=None, help="--probe: absolute tolerance (default 1e-6).")
@click.option("--rtol", type=float, default=None, help="--probe: relative tolerance (default 1e-5).")
@click.option("--timeout", type=float, default=None, help="Seconds each script may run (default 300).")
@click.option("--run-fit", is_flag=True, help="Let fit()/evaluate()/predict() run for real.")
@click.option("--emit-keras", is_flag=True,
              help="Print Keras 3 code that trains exactly like the scikit-learn MLP in A.")
@click.option("--timings", is_flag=True, help="Print phase timings after the text report.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the verdict line.")
@click.option("--verbose", "-v", is_flag=True, help="Show script output and tracebacks.")
@click.pass_context
def cli(ctx: click.Context, a: str, b: str, fmt: Optional[str], output: Optional[str],
                 fail_on: Optional[str], ignore: tuple[str, ...], probe: Optional[bool], atol: Optional[float],
                 rtol: Optional[float], timeout: Optional[float],
                 run_fit: bool, emit_keras: bool, timings: bool, quiet: bool, verbose: bool) -> None:
    """Compare model A with model B.

    \b
    A and B are model specs:
      script.py          run the script, find its model (build_model() or the one model)
      script.py:NAME     a module-level model, or a zero-argument function returning one
      model.keras|.h5    a saved model (loaded with Keras safe mode)
      model.json         a model.to_json() config
    The same script named twice (x.py:a x.py:b) runs once.

    \b
    Exit codes: 0 equivalent, 1 divergent (a finding at or above --fail-on),
                2 trouble (bad spec, script error, no model, timeout).
    """
    if emit_keras:
        ctx.exit(_emit(a, b, output, timeout, verbose))
    if b is None:
        raise click.UsageError("Missing argument 'B'.", ctx=ctx)
    ctx.exit(_diff(a, b, fmt, output, fail_on, ignore, probe, timeout, run_fit, timings, quiet, verbose,
                   atol, rtol))


def _emit(a: str, b: Optional[str], output: Optional[str], timeout: Optional[float], verbose: bool) -> int:
    """`--emit-keras SK.py`: the Keras code that trains like the estimator."""
    try:
        if b is not None:
            raise KerasdiffError("--emit-keras", "takes one spec (the scikit-learn script)",
                                 "run: kerasdiff --emit-keras sk.py")
        from kerasdiff.load import load_pair, parse_spec

        spec = parse_spec(a)
        loaded = load_pair(spec, spec, timeout=timeout or 300.0)
        g = loaded.a
        if g.framework != "sklearn":
            raise KerasdiffError(a, f"is a Keras {g.cls} model, not a scikit-learn MLP",
                                 "--emit-keras translates MLPRegressor/MLPClassifier scripts")
        from kerasdiff.emit import emit_keras

        code = emit_keras(g.recipe["plan"])
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(code)
        else:
            click.echo(code, nl=not code.endswith("\n"))
        return EXIT_EQUIVALENT
    except KerasdiffError as exc:
        if verbose and exc.detail:
            click.echo(exc.detail.rstrip(), err=True)
        click.echo(exc.line(), err=True)
        return EXIT_TROUBLE


def _diff(a: str, b: str, fmt: Optional[str], output: Optional[str], fail_on: Optional[str],
          ignore: tuple[str, ...], probe: Optional[bool], timeout: Optional[float], run_fit: bool,
          timings: bool, quiet: bool, verbose: bool, atol: Optional[float] = None,
          rtol: Optional[float] = None) -> int:
    try:
        settings = _load_settings()
        fmt = fmt or settings.get("format", "text")
        fail_on = fail_on or settings.get("fail-on", "error")
        if fmt not in FORMATS:
            raise KerasdiffError("pyproject.toml", f"[tool.kerasdiff] format '{fmt}' is unknown",
                                 "use one of " + ", ".join(FORMATS))
        if fail_on not in FAIL_ON:
            raise KerasdiffError("pyproject.toml", f"[tool.kerasdiff] fail-on '{fail_on}' is unknown",
                                 "use one of " + ", ".join(FAIL_ON))
        extra = settings.get("ignore", [])
        ignore = tuple(ignore) + tuple([extra] if isinstance(extra, str) else extra)
        timeout = timeout if timeout is not None else float(settings.get("timeout", 300))
        probe = bool(settings.get("probe", False)) if probe is None else probe
        for name, tol in (("--atol", atol), ("--rtol", rtol)):
            if tol is not None and not tol >= 0:
                raise KerasdiffError(name, f"must be a number >= 0, not {tol}", f"e.g. {name} 1e-5")
        from kerasdiff.engine import compare_specs
        from kerasdiff.report import Format, render

        report, extra_out = compare_specs(a, b, fail_on=fail_on, ignore=ignore, timeout=timeout,
                                          run_fit=run_fit, probe=probe, atol=atol, rtol=rtol)
        if verbose:
            for spec, text in extra_out["output"].items():
                if text.strip():
                    click.echo(f"--- output of {spec} ---\n{text.rstrip()}", err=True)
        t0 = time.perf_counter()
        to_terminal = output is None and sys.stdout.isatty()
        color = to_terminal and "NO_COLOR" not in os.environ
        width = shutil.get_terminal_size((100, 24)).columns if to_terminal else 100
        fmt_e = Format(fmt)
        render(report, fmt_e, color=color, width=width, timings=timings, quiet=quiet)
        report = replace(report, timings={**report.timings, "report": time.perf_counter() - t0})
        text = render(report, fmt_e, color=color, width=width, timings=timings, quiet=quiet)
        if output:
            try:
                with open(output, "w", encoding="utf-8") as fh:
                    fh.write(text)
            except OSError as exc:
                raise KerasdiffError(output, f"cannot write the report: {exc.strerror}",
                                     "choose another --output path")
            if not quiet:
                click.echo(report.verdict())
        else:
            click.echo(text, nl=False)
        return EXIT_EQUIVALENT if report.equivalent else EXIT_DIVERGENT
    except KerasdiffError as exc:
        if verbose and exc.detail:
            click.echo(exc.detail.rstrip(), err=True)
        click.echo(exc.line(), err=True)
        return EXIT_TROUBLE
    except KeyboardInterrupt:
        click.echo("kerasdiff: interrupted", err=True)
        return EXIT_TROUBLE
    except Exception as exc:  # noqa: BLE001 - one place turns every failure into exit 2
        if verbose:
            click.echo(traceback.format_exc().rstrip(), err=True)
        click.echo(f"kerasdiff: internal error: {type(exc).__name__}: {exc} "
                   "(run with --verbose for the traceback; please report it)", err=True)
        return EXIT_TROUBLE


@click.command("rules", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text")
@click.pass_context
def rules_command(ctx: click.Context, code: Optional[str], fmt: str) -> None:
    """Explain finding codes: all of them, one code (KD101), or one kind (activation)."""
    from kerasdiff.docs import render_rules

    if code:
        hits = catalog.codes_matching(code)
        if not hits:
            click.echo(f"kerasdiff: unknown code or kind '{code}' (run `kerasdiff rules` to list them)",
                       err=True)
            ctx.exit(EXIT_TROUBLE)
        rules = [r for r in catalog.RULES if r.code in hits]
    else:
        rules = list(catalog.RULES)
    click.echo(render_rules(rules, fmt, detail=bool(code)), nl=False)
    ctx.exit(EXIT_EQUIVALENT)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI and return the exit code (flake8 style)."""
    try:
        rv = cli.main(args=list(argv) if argv is not None else None, prog_name="kerasdiff",
                      standalone_mode=False)
        # Without standalone mode click returns ctx.exit()'s code instead of raising.
        return rv if isinstance(rv, int) else EXIT_EQUIVALENT
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_TROUBLE
    except click.exceptions.Abort:
        return EXIT_TROUBLE


def run() -> None:
    sys.exit(main())



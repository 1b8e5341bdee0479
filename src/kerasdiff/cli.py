"""Command line wiring only: parse options, call the engine, write the output; every failure
becomes an exit code in one place (`_guarded`)."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import traceback
from typing import Any, Callable, Optional, Sequence

import click

from kerasdiff import __version__, catalog
from kerasdiff.errors import EXIT_DIVERGENT, EXIT_EQUIVALENT, EXIT_TROUBLE, KerasdiffError
from kerasdiff.sanitize import terminal
from kerasdiff.settings import FAIL_ON, FORMATS, check_output, load_pyproject, resolve


class Interrupted(KeyboardInterrupt):
    """SIGTERM / SIGHUP: end like Ctrl-C, so workers and temporary folders are cleaned up."""


class _Main(click.Command):
    """`kerasdiff A B [options]`; `kerasdiff rules [CODE]` is dispatched before parsing."""

    def main(  # type: ignore[override]  # click's overloads; this forwards everything
        self,
        args: Optional[Sequence[str]] = None,
        prog_name: Optional[str] = None,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if argv and argv[0] == "rules":
            return rules_command.main(argv[1:], prog_name="kerasdiff rules", **extra)
        return super().main(argv, prog_name=prog_name or "kerasdiff", **extra)


@click.command(
    "kerasdiff",
    cls=_Main,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Other commands: `kerasdiff rules [CODE|KIND]` explains finding codes.",
)
@click.version_option(__version__, "--version", prog_name="kerasdiff", message="%(prog)s %(version)s")
@click.argument("a", metavar="A", required=False)
@click.argument("b", metavar="B", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default=None, help="Report format (default text)."
)
@click.option(
    "--output",
    "-o",
    default=None,
    metavar="FILE",
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Lowest severity that makes the run DIVERGENT (exit 1). Default: error.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODE_OR_KIND",
    help="Hide findings by code (KD101), code prefix (KD1) or kind (initializer). Repeatable.",
)
@click.option(
    "--probe/--no-probe",
    default=None,
    help="Behavioural check: copy A's weights into B, run both on the same seeded "
    "inputs, report the first layer whose outputs differ.",
)
@click.option(
    "--probe-train",
    is_flag=True,
    default=None,
    help="--probe, then one training step on both from the same weights and batch (each with "
    "its own optimizer and loss): the first layer whose update differs.",
)
@click.option("--atol", type=float, default=None, help="--probe: absolute tolerance (default 1e-6).")
@click.option("--rtol", type=float, default=None, help="--probe: relative tolerance (default 1e-5).")
@click.option("--timeout", type=float, default=None, help="Seconds each script may run (default 300).")
@click.option("--run-fit", is_flag=True, default=None, help="Let fit()/evaluate()/predict() run for real.")
@click.option(
    "--max-params",
    type=int,
    default=None,
    metavar="N",
    help="Refuse a saved file whose config asks for more parameters (default 2,000,000,000).",
)
@click.option(
    "--max-unpacked",
    type=int,
    default=None,
    metavar="MB",
    help="Refuse a saved file that holds more data once unpacked (default 8192 MB).",
)
@click.option(
    "--max-memory",
    type=int,
    default=None,
    metavar="MB",
    help="Address-space limit of each loader process (default 3/4 of RAM; 0 = none).",
)
@click.option(
    "--emit-keras",
    is_flag=True,
    help="Print Keras 3 code for A (a scikit-learn MLP or a PyTorch module) that computes and trains like it.",
)
@click.option(
    "--baseline",
    metavar="FILE",
    default=None,
    help="Hide the findings FILE records (accepted ones); fail only on new ones.",
)
@click.option(
    "--write-baseline",
    metavar="FILE",
    default=None,
    help="Record the current findings in FILE as accepted (then they are hidden: exit 0).",
)
@click.option(
    "--pairs",
    "pairs_file",
    metavar="FILE",
    default=None,
    help="Compare every [[pair]] (a, b, optional ignore, fail-on) of a TOML file: one report, the worst exit code.",
)
@click.option(
    "--jobs", type=int, default=None, metavar="N", help="--pairs: pairs compared at once (default 1)."
)
@click.option(
    "--against",
    metavar="REV",
    default=None,
    help="Compare A as it is with A at git revision REV (the same as `kerasdiff REV:A A`).",
)
@click.option("--timings", is_flag=True, help="Print phase timings after the text report.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the verdict line.")
@click.option("--verbose", "-v", is_flag=True, help="Show script output and tracebacks.")
@click.pass_context
def cli(
    ctx: click.Context,
    a: str,
    b: Optional[str],
    fmt: Optional[str],
    output: Optional[str],
    fail_on: Optional[str],
    ignore: tuple[str, ...],
    probe: Optional[bool],
    probe_train: Optional[bool],
    atol: Optional[float],
    rtol: Optional[float],
    timeout: Optional[float],
    run_fit: Optional[bool],
    max_params: Optional[int],
    max_unpacked: Optional[int],
    max_memory: Optional[int],
    emit_keras: bool,
    baseline: Optional[str],
    write_baseline: Optional[str],
    pairs_file: Optional[str],
    jobs: Optional[int],
    against: Optional[str],
    timings: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Compare model A with model B.

    \b
    A and B are model specs:
      script.py          run the script, find its model (build_model() or the one model)
      script.py:NAME     a module-level model, or a zero-argument function returning one
      model.keras|.h5    a saved model (loaded with Keras safe mode; code in it is refused)
      model.json         a model.to_json() config
      REV:PATH[:NAME]    any of those at a git revision (main:models/net.py), run from an
                         export of that revision; the work tree and repository are not touched
      SPEC@jax           Keras 3 on that backend (@tensorflow, @jax, @torch)
    The same script named twice (x.py:a x.py:b) runs once.

    \b
    Exit codes: 0 equivalent, 1 divergent (a finding at or above --fail-on),
                2 trouble (bad spec, script error, no model, timeout).
    """
    flags = {
        "format": fmt,
        "fail-on": fail_on,
        "ignore": ignore,
        "timeout": timeout,
        "probe": probe,
        "probe-train": probe_train or None,
        "atol": atol,
        "rtol": rtol,
        "run-fit": run_fit or None,
        "max-params": max_params,
        "max-unpacked": max_unpacked,
        "max-memory": max_memory,
        "baseline": baseline,
        "write-baseline": write_baseline,
        "jobs": jobs,
    }
    if a is None and not emit_keras:
        if pairs_file is not None or "pairs" in load_pyproject()[1]:
            ctx.exit(_guarded(verbose, lambda: _pairs(pairs_file, output, flags, quiet)))
        raise click.UsageError("Missing argument 'A'.", ctx=ctx)
    if pairs_file is not None:
        raise click.UsageError("--pairs FILE takes no A B: the pairs are in the file", ctx=ctx)
    if a is None:
        raise click.UsageError("Missing argument 'A'.", ctx=ctx)
    if emit_keras:
        ctx.exit(_guarded(verbose, lambda: _emit(a, b, output, flags, verbose)))
    if against is not None:
        if b is not None:
            raise click.UsageError("--against REV takes one spec: kerasdiff SPEC --against REV", ctx=ctx)
        a, b = f"{against}:{a}", a
    if b is None:
        raise click.UsageError("Missing argument 'B'.", ctx=ctx)
    ctx.exit(_guarded(verbose, lambda: _diff(a, b, output, flags, timings, quiet, verbose)))


def _guarded(verbose: bool, body: Callable[[], int]) -> int:
    """The one place where failures become exit code 2 and one line on stderr (and where the
    exported revision trees of `REV:PATH` specs are removed, however the run ends)."""
    from kerasdiff.load import revision

    try:
        return body()
    except KerasdiffError as exc:
        if verbose and exc.detail:
            click.echo(terminal(exc.detail.rstrip(), keep_lines=True), err=True)
        click.echo(exc.line(), err=True)
        return EXIT_TROUBLE
    except Interrupted as exc:
        click.echo(f"kerasdiff: interrupted ({exc})", err=True)
        return EXIT_TROUBLE
    except KeyboardInterrupt:
        click.echo("kerasdiff: interrupted", err=True)
        return EXIT_TROUBLE
    except Exception as exc:  # noqa: BLE001 - one place turns every failure into exit 2
        if verbose:
            click.echo(terminal(traceback.format_exc().rstrip(), keep_lines=True), err=True)
        click.echo(
            terminal(
                f"kerasdiff: internal error: {type(exc).__name__}: {exc} "
                "(run with --verbose for the traceback; please report it)"
            ),
            err=True,
        )
        return EXIT_TROUBLE
    finally:
        revision.cleanup()


def _write(text: str, output: Optional[str]) -> None:
    """The report to --output, or standard output; an unwritable stdout is one clear line."""
    if output:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise KerasdiffError(
                output, f"cannot write the report: {exc.strerror or exc}", "choose another --output path"
            ) from None
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # `kerasdiff ... | head`: the reader has what it wanted; say nothing more.
        _silence_stdout()
    except OSError as exc:
        _silence_stdout()
        raise KerasdiffError(
            "standard output",
            f"cannot be written: {exc.strerror or exc}",
            "write the report with --output FILE",
        ) from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _emit(a: str, b: Optional[str], output: Optional[str], flags: dict, verbose: bool) -> int:
    """`--emit-keras A.py`: the Keras code that computes and trains like A's model."""
    if b is not None:
        raise KerasdiffError(
            "--emit-keras",
            "takes one spec (a scikit-learn or PyTorch script)",
            "run: kerasdiff --emit-keras net.py",
        )
    settings = resolve(flags, *load_pyproject())
    check_output(output, (a,))
    from kerasdiff.load import load_pair, parse_spec
    from kerasdiff.load.registry import of

    spec = parse_spec(a, settings.limits)
    loaded = load_pair(spec, spec, timeout=settings.timeout, limits=settings.limits)
    g = loaded.a
    fw = of(g)
    code = fw.emit(g) if fw is not None else None
    if code is None:
        raise KerasdiffError(
            a,
            f"holds {fw.label if fw else 'a model'} ({g.cls}), which has no Keras translation",
            "--emit-keras translates scikit-learn MLPRegressor/MLPClassifier and PyTorch nn.Module scripts",
        )
    _write(code if code.endswith("\n") else code + "\n", output)
    return EXIT_EQUIVALENT


def _diff(
    a: str, b: str, output: Optional[str], flags: dict, timings: bool, quiet: bool, verbose: bool
) -> int:
    settings = resolve(flags, *load_pyproject())
    check_output(output, (a, b))
    from kerasdiff.engine import compare_specs
    from kerasdiff.report import Format, render

    report, extra_out = compare_specs(a, b, settings)
    if verbose:
        for spec, text in extra_out["output"].items():
            if text.strip():
                click.echo(terminal(f"--- output of {spec} ---\n{text.rstrip()}", keep_lines=True), err=True)
    to_terminal = output is None and sys.stdout.isatty()
    color = to_terminal and "NO_COLOR" not in os.environ
    width = shutil.get_terminal_size((100, 24)).columns if to_terminal else 100
    # Rendered once: formats that show timings measure their own rendering ("report").
    text = render(report, Format(settings.format), color=color, width=width, timings=timings, quiet=quiet)
    _write(text, output)
    if output and not quiet:
        _write(terminal(report.verdict()) + "\n", None)
    return EXIT_EQUIVALENT if report.equivalent else EXIT_DIVERGENT


def _pairs(pairs_file: Optional[str], output: Optional[str], flags: dict, quiet: bool) -> int:
    """`--pairs FILE` (or `pairs = [...]` in [tool.kerasdiff]): every pair, one report."""
    from kerasdiff import pairs
    from kerasdiff.report import Format
    from kerasdiff.report.pairs import render, summary_lines

    file, table = load_pyproject()
    settings = resolve(flags, file, table)
    if settings.format == Format.HTML.value:
        raise KerasdiffError(
            "--format html",
            "shows one pair side by side",
            "use --format markdown or json for --pairs, or compare one pair with --format html",
        )
    if flags.get("write-baseline") or settings.write_baseline:
        raise KerasdiffError(
            "--write-baseline",
            "records one pair's findings",
            "write it per pair: kerasdiff A B --write-baseline FILE",
        )
    todo = (
        pairs.read(pairs_file, settings)
        if pairs_file
        else pairs.from_table(table.get("pairs"), file, settings)
    )
    check_output(output, tuple(s for p in todo for s in (p.a, p.b)))
    outcomes = pairs.run(todo, settings.jobs)
    fmt = Format(settings.format)
    text = (
        "\n".join(summary_lines(outcomes)) + "\n" if quiet and fmt is Format.TEXT else render(outcomes, fmt)
    )
    _write(text, output)
    return pairs.exit_code(outcomes)


@click.command("rules", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text")
@click.pass_context
def rules_command(ctx: click.Context, code: Optional[str], fmt: str) -> None:
    """Explain finding codes: all of them, one code (KD101), or one kind (activation)."""
    from kerasdiff.docs import render_rules

    def body() -> int:
        if code:
            hits = catalog.codes_matching(code)
            if not hits:
                raise KerasdiffError(
                    "", f"unknown code or kind '{code}'", "run `kerasdiff rules` to list them"
                )
            rules = [r for r in catalog.RULES if r.code in hits]
        else:
            rules = list(catalog.RULES)
        _write(render_rules(rules, fmt, detail=bool(code)), None)
        return EXIT_EQUIVALENT

    ctx.exit(_guarded(False, body))


def _on_signal(signum: int, frame: Any) -> None:
    # Only the first signal interrupts; a second one during cleanup must not cut it short.
    for s in _SIGNALS:
        signal.signal(s, signal.SIG_IGN)
    raise Interrupted(signal.Signals(signum).name)


_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI and return the exit code (flake8 style)."""
    previous = {}
    try:
        for s in _SIGNALS:
            previous[s] = signal.signal(s, _on_signal)
    except ValueError:  # not the main thread: leave signal handling to the caller
        previous = {}
    try:
        rv = cli.main(
            args=list(argv) if argv is not None else None, prog_name="kerasdiff", standalone_mode=False
        )
        # Without standalone mode click returns ctx.exit()'s code instead of raising.
        return rv if isinstance(rv, int) else EXIT_EQUIVALENT
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        # One line, like every other trouble: what was wrong and where to look.
        click.echo(terminal(f"kerasdiff: {exc.format_message()} (see `kerasdiff --help`)"), err=True)
        return EXIT_TROUBLE
    except click.ClickException as exc:
        exc.show()
        return EXIT_TROUBLE
    except click.exceptions.Abort:
        return EXIT_TROUBLE
    except Interrupted as exc:  # a signal outside the comparison (while parsing, say)
        click.echo(f"kerasdiff: interrupted ({exc})", err=True)
        return EXIT_TROUBLE
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def run() -> None:
    sys.exit(main())

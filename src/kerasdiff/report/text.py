"""Human report via rich: verdict, A vs B summary, findings by severity with why and fix."""

from __future__ import annotations

import io
import os
import time
from typing import Any, Optional

from rich.console import Console
from rich.markup import escape as _escape
from rich.table import Table

from kerasdiff import catalog
from kerasdiff.findings import Finding, fmt_int, short, show
from kerasdiff.report.interface import Report, model_summary, source_location, spec_file
from kerasdiff.sanitize import terminal


def escape(text: object) -> str:
    """User-controlled text for rich: control sequences made visible, then markup escaped."""
    return _escape(terminal(text))


_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
_HEAD = {
    "error": "Errors (change what is computed or how it trains)",
    "warning": "Warnings (may change results or the numbers you compare)",
    "info": "Info (cosmetic; equivalent models differ only here)",
}


def _value(v: object) -> str:
    return "-" if v is None else show(v)


def _values(a: Any, b: Any) -> tuple[str, str]:
    """Both sides, short unless shortening would make two different values look the same."""
    sa, sb = _value(short(a)), _value(short(b))
    if sa == sb and _value(a) != _value(b):
        return _value(a), _value(b)
    return sa, sb


class _Sources:
    """file:line as the user gave it, or just the file name when the header already says where."""

    def __init__(self, report: Report) -> None:
        fa, fb = (
            os.path.normpath(spec_file(g)) if spec_file(g).endswith(".py") else None
            for g in (report.a, report.b)
        )
        self.dirs: set[str] = set()
        if (
            fa
            and fb
            and (os.path.basename(fa) != os.path.basename(fb) or os.path.dirname(fa) == os.path.dirname(fb))
        ):
            self.dirs = {os.path.dirname(fa), os.path.dirname(fb)}

    def __call__(self, src: Optional[str]) -> str:
        path, line = source_location(src)
        if path and line and os.path.dirname(os.path.normpath(path)) in self.dirs:
            return f"{os.path.basename(path)}:{line}"
        return src or ""


def _with_attr(path: str, attr: str) -> str:
    """`dense.kernel_initializer`, unless the path already names the setting."""
    return path if attr in path else f"{path}.{attr}"


def _finding(console: Console, n: int, f: Finding, detail: bool, src: _Sources) -> None:
    style = _STYLE[f.severity]
    console.print(f"[{style}]{n:>2}. {f.code}[/] [bold]{escape(f.title)}[/] [dim]({f.kind})[/]")
    msg = Table.grid()
    msg.add_column(no_wrap=True)
    msg.add_column(overflow="fold")
    msg.add_row("    ", escape(f.message))
    console.print(msg)
    if not detail:
        return
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold", no_wrap=True)
    t.add_column(overflow="fold", ratio=2)
    t.add_column(overflow="fold", ratio=3)
    t.add_column(style="dim", no_wrap=True)
    if f.kind == "framework-semantics":
        # The message says both sides; the rows say where the Keras script differs.
        where = f.a_source or f.b_source
        if where:
            console.print(f"    [dim]defined at: {escape(src(where))}[/]")
        for a_path, b_path, attr, a_value, b_value, a_src, b_src in f.details:
            va, vb = _values(a_value, b_value)
            t.add_row("    A", escape(_with_attr(a_path, attr)), escape(va), escape(src(a_src)))
            t.add_row("    B", escape(_with_attr(b_path, attr)), escape(vb), escape(src(b_src)))
        if f.details:
            console.print(t)
    elif f.a_source or f.b_source or f.a_path != f.b_path:
        va, vb = _values(f.a_value, f.b_value)
        more = f" (+{len(f.details) - 1})" if len(f.details) > 1 else ""
        t.add_row(
            "    A", escape(f.a_path), escape(va), escape(src(f.a_source) + (more if f.a_source else ""))
        )
        t.add_row(
            "    B", escape(f.b_path), escape(vb), escape(src(f.b_source) + (more if f.b_source else ""))
        )
        console.print(t)
    g = Table.grid(padding=(0, 1))
    g.add_column(no_wrap=True)
    g.add_column(overflow="fold")
    for c in f.consequences:
        g.add_row("    [dim]effect:[/]", escape(c))
    g.add_row("    [bold]why:[/]", escape(f.why))
    g.add_row("    [bold]fix:[/]", escape(f.fix))
    console.print(g)


def _mad(v: object) -> str:
    return "different shapes" if v is None else f"max |diff| {v:.3g}"


def probe_lines(probe: dict) -> list[str]:
    """The behavioural check in a few plain lines (shared by the text and markdown reports)."""
    if not probe.get("ran"):
        return [f"not run: {probe.get('reason')}"]
    inputs = probe.get("inputs") or []
    kinds = {(tuple(i["shape"]), i["dtype"], i["values"]) for i in inputs}
    if len(inputs) > 1 and len(kinds) == 1:
        shape, dtype, values = kinds.pop()
        ins = f"{len(inputs)} inputs {shape} {dtype} {values}"
    else:
        ins = "; ".join(f"{i['name']} {tuple(i['shape'])} {i['dtype']} {i['values']}" for i in inputs)
    lines = [
        f"A's weights copied into B ({probe['weights_copied']} layers), both run in "
        f"{probe['mode']} on seeded inputs (seed {probe['seed']}): {ins}"
    ]
    outs = probe.get("outputs") or []
    worst = max((o["max_abs_diff"] for o in outs if o["max_abs_diff"] is not None), default=None)
    what = "the output" if len(outs) == 1 else f"all {len(outs)} outputs"
    if probe["equal"]:
        lines.append(
            f"EQUAL: {what} match{'es' if len(outs) == 1 else ''} within "
            f"atol={probe['atol']:g}, rtol={probe['rtol']:g} "
            f"({_mad(worst if worst is not None else 0.0)}; {probe['layers_compared']} "
            "aligned layers compared)"
        )
    else:
        bad = sum(1 for o in outs if not o["equal"])
        lines.append(
            "DIFFERENT: "
            + ("the output differs" if len(outs) == 1 else f"{bad} of {len(outs)} outputs differ")
            + (f" ({_mad(worst)})" if worst is not None else "")
        )
    fd = probe.get("first_divergence")
    if fd:
        where = fd["a_path"] if fd["a_path"] == fd["b_path"] else f"{fd['a_path']} (A) / {fd['b_path']} (B)"
        lines.append(
            f"first divergence: {where}, output {fd.get('output', 0)}: {_mad(fd.get('max_abs_diff'))}"
            " (layers upstream of it agree)"
        )
    if probe.get("sampled"):
        lines.append("large outputs were compared on an evenly spaced sample of 65,536 values")
    lines += [f"note: {n}" for n in probe.get("notes") or []]
    if probe.get("train") is not None:
        lines += train_lines(probe["train"])
    return lines


def train_lines(train: dict) -> list[str]:
    """The --probe-train step in a few plain lines."""
    if not train.get("ran"):
        return [f"training step (--probe-train) not run: {train.get('reason')}"]
    loss = train["loss"]
    lines = [
        f"then one training step on both from those weights, each with its own optimizer and loss "
        f"({' / '.join(dict.fromkeys(train.get('losses') or []))}), on a batch of "
        f"{train.get('batch')} (seeded inputs, {train.get('targets')}): loss {loss['a']:.6g} in A, "
        f"{loss['b']:.6g} in B"
        + (
            ""
            if loss["equal"]
            else " (they differ: a loss setting, the regularization terms Keras counts in it, or code computing it)"
        )
    ]
    if train["equal"]:
        lines.append(
            f"TRAINING STEP EQUAL: every aligned layer's output moved alike ({train['layers_compared']} "
            f"compared; largest |dA - dB| / max {train.get('max_rel_diff', 0.0):.2g}, tolerance {train['rtol']:g}: "
            "smaller effects, such as one step of weight decay, are the static findings' to name)"
        )
    else:
        fd = train.get("first_divergence")
        if fd:
            where = (
                fd["a_path"] if fd["a_path"] == fd["b_path"] else f"{fd['a_path']} (A) / {fd['b_path']} (B)"
            )
            if fd.get("what") == "state":
                lines.append(
                    f"TRAINING STEP DIFFERENT: first at {where}: its moving statistics moved otherwise"
                )
            else:
                rel = fd.get("rel_diff")
                lines.append(
                    f"TRAINING STEP DIFFERENT: first at {where}: its output moved by "
                    f"{fd.get('a_change') or 0:.3g} in A, {fd.get('b_change') or 0:.3g} in B"
                    + (f" (|dA - dB| / max = {rel:.3g})" if isinstance(rel, float) else "")
                    + " (layers upstream of it moved alike)"
                )
        else:
            lines.append("TRAINING STEP DIFFERENT: the loss differs")
        rows = [r for r in train.get("weights") or [] if fd and r["a_path"] == fd["a_path"]]
        for r in rows[:4]:
            lines.append(
                f"{r['b_path']} {r['weight']} moved by {r['a_update']:.3g} in A, {r['b_update']:.3g} in B"
            )
    if train.get("absorbed"):
        ab = train["absorbed"]
        lines.append(
            f"moved otherwise, but the next layers absorb it: {', '.join(ab[:4])}"
            + (f" and {len(ab) - 4} more" if len(ab) > 4 else "")
            + " (e.g. the bias before a BatchNorm: a near-zero gradient, moved by the optimizer's epsilon)"
        )
    lines += [f"note: {x}" for x in train.get("notes") or []]
    return lines


def _probe(console: Console, probe: dict) -> None:
    console.print()
    console.print("[bold]Behaviour (--probe)[/]")
    g = Table.grid(padding=(0, 1))
    g.add_column(no_wrap=True)
    g.add_column(overflow="fold")
    for line in probe_lines(probe):
        g.add_row("   ", escape(line))
    console.print(g)


def _framework(g: object) -> str:
    return str(getattr(g, "framework", "") or "?")


def _semantics_title(a: object, b: object) -> str:
    """'tf_keras vs keras'; one framework on two backends: 'keras on tensorflow vs jax'."""
    fa, fb = _framework(a), _framework(b)
    ba, bb = ((getattr(g, "env", None) or {}).get("backend") for g in (a, b))
    if fa == fb and ba and bb and ba != bb:
        return f"Framework semantics ({fa} on {ba} vs {bb})"
    return f"Framework semantics ({fa} vs {fb})"


def render(report: Report, color: bool = False, width: int = 100, timings: bool = False) -> str:
    started = time.perf_counter()
    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        color_system="standard" if color else None,
        emoji=False,
    )
    verdict_style = "bold green" if report.equivalent else "bold red"
    console.print(f"[{verdict_style}]{escape(report.verdict())}[/]", soft_wrap=True)
    console.print()
    for side, g in (("A", report.a), ("B", report.b)):
        m = model_summary(g)
        line = Table.grid(padding=(0, 1))
        line.add_column(no_wrap=True, style="bold")
        line.add_column(overflow="fold")
        line.add_row(
            f"{side}:",
            escape(
                f"{m['spec']}  {m['name']} ({m['class']}), "
                f"{fmt_int(m['params'])} params, {m['layers']} layers"
            ),
        )
        console.print(line)
    src = _Sources(report)
    if report.probe is not None:
        _probe(console, report.probe)
    sub = {
        "framework-semantics": _semantics_title(report.a, report.b),
        "training": "Training (compile, fit, seeds)",
    }
    n = 0
    for sev in ("error", "warning", "info"):
        group = [f for f in report.findings if f.severity == sev]
        if not group:
            continue
        console.print()
        console.print(f"[{_STYLE[sev]}]{_HEAD[sev]}[/]")
        current = "model"
        for f in group:
            sec = catalog.section(f.code)
            if sec != current and sec in sub and sev != "info":
                console.print(f"  [bold]{escape(sub[sec])}[/]")
            current = sec
            n += 1
            _finding(console, n, f, detail=sev != "info", src=src)
    if not report.findings:
        console.print()
        if report.baseline and report.baseline.get("hidden"):
            console.print("No new differences: every finding is one the baseline records.")
        else:
            console.print("No differences found: the models are built the same way.")
    if report.ignored:
        console.print(f"[dim]{report.ignored} finding(s) hidden by --ignore[/]")
    for note in report.baseline_lines():
        console.print(f"[dim]{escape(note)}[/]")
    if timings:
        console.print()
        tt = Table(title=None, box=None, show_header=True, header_style="bold", padding=(0, 2))
        tt.add_column("phase")
        tt.add_column("seconds", justify="right")
        shown = {**report.timings, "report": time.perf_counter() - started}
        for k, v in shown.items():
            tt.add_row(k, f"{v:.3f}")
        console.print(tt)
    # Tables pad cells with spaces; trailing blanks only make diffs and copy-paste noisy.
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def render_quiet(report: Report) -> str:
    return terminal(report.verdict()) + "\n"

"""Every examples/<name>/ pair yields exactly the verdict and codes its expected.txt declares.

expected.txt format (the verdict is for the default --fail-on error):

    verdict: divergent | equivalent
    first: KD101            (omitted when there are no findings)
    codes: KD101 KD193      (the exact set of codes, all severities, sorted; empty if none)
    probe: equal | different   (optional: `kerasdiff --probe` runs the pair; with A's weights
                            copied into B the outputs are equal / different. Without an error
                            among the codes, "different" adds KD501 as the first finding.)
    train: equal | different   (optional, with probe: equal: `--probe-train` takes one training
                            step on both from the same weights; "different" adds KD502 as the
                            first finding when no finding about training explains it.)
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, ROOT, load_graph
from kerasdiff import catalog

pytestmark = pytest.mark.keras

SIDES = ("a.py", "b.py")

# Codes no example has to show as its first finding. Keep it short and say why for each entry.
# (Currently empty: every code of the catalogue is the first finding of some example.)
NOT_FIRST_ANYWHERE: dict[str, str] = {
    # Framework-semantics codes after the first few: in a real port the loss/L2/init/dtype
    # differences come first. Each is produced and checked in tests/test_sklearn_*.py and
    # tests/test_frameworks.py.
    "KD402": "L2 scaling: second in seed004-sklearn-mlp (after the loss)",
    "KD403": "init bounds: in seed004-sklearn-mlp",
    "KD404": "float64: in seed004-sklearn-mlp",
    "KD405": "tol stop: in seed004-sklearn-mlp",
    "KD406": "optimizer semantics (Adam epsilon, SGD Nesterov); tests/test_frameworks.py",
    "KD407": "batch_size='auto', max_iter, shuffle; tests/test_frameworks.py",
    "KD408": "solver='lbfgs' has no Keras optimizer; tests/test_frameworks.py",
    "KD409": "Pipeline preprocessing note; tests/test_frameworks.py",
    "KD410": "input width completed from the Keras side; tests/test_frameworks.py",
    "KD411": "classifier output/loss mismatch; tests/test_frameworks.py",
    "KD620": "input shapes from the other side (info): after KD611 in kd611-torch-untraceable; tests/test_torch.py",
}

# Known kerasdiff bugs: expected.txt states the CORRECT result; these xfail until fixed.
# Known kerasdiff bugs: expected.txt states the CORRECT result; these xfail (strict) until fixed.
PAIR_BUGS: dict[str, str] = {}
SELF_BUGS: dict[tuple[str, str], str] = {}


def _example_names() -> list[str]:
    return sorted(
        d
        for d in os.listdir(EXAMPLES)
        if os.path.isdir(os.path.join(EXAMPLES, d)) and not d.startswith((".", "_"))
    )


NAMES = _example_names()


def parse_expected(path: str) -> dict:
    """{'verdict': str, 'first': str | None, 'codes': list[str]}; strict about the format."""
    out: dict = {"first": None}
    seen: set[str] = set()
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            key, value = key.strip(), value.strip()
            assert sep and key in ("verdict", "first", "codes", "probe", "train") and key not in seen, (
                f"{path}:{n}: unexpected line {line!r}"
            )
            seen.add(key)
            out[key] = value.split() if key == "codes" else value
    assert "verdict" in out and "codes" in out, f"{path}: needs 'verdict:' and 'codes:' lines"
    assert out["verdict"] in ("equivalent", "divergent"), f"{path}: bad verdict {out['verdict']!r}"
    assert out["codes"] == sorted(set(out["codes"])), f"{path}: codes must be sorted and unique"
    assert out.get("probe") in (None, "equal", "different"), f"{path}: bad probe {out.get('probe')!r}"
    assert out.get("train") in (None, "equal", "different"), f"{path}: bad train {out.get('train')!r}"
    assert "train" not in out or out.get("probe") == "equal", f"{path}: 'train:' needs 'probe: equal'"
    unknown = [c for c in out["codes"] if c not in catalog.BY_CODE]
    assert not unknown, f"{path}: unknown codes {unknown}"
    if out["codes"]:
        assert out["first"] in out["codes"], f"{path}: 'first:' must be one of the codes"
    else:
        assert out["first"] is None, f"{path}: 'first:' given but no codes"
    return out


@pytest.fixture(scope="session")
def graphs():
    """Load every script once, in a fixed order, so results do not depend on which tests run.

    (In-process loading shares sys.modules; see PAIR_BUGS["kd121-custom-regularizer"].)
    """
    loaded: dict[tuple[str, str], object] = {}
    servers = None
    for name in NAMES:
        specs = _specs(name)
        try:
            if specs is not None and (specs[0][2] or specs[1][2]):
                # SPEC@keras2: a worker of its own (the alias of keras to tf_keras must not reach
                # this process), forked from one server that imports tf_keras once for all
                from kerasdiff.load import load_pair, parse_spec
                from kerasdiff.load.forkserver import ForkServers

                servers = servers or ForkServers()
                raw = [f"{p}{':' + v if v else ''}{'@' + e if e else ''}" for p, v, e in specs]
                pair = load_pair(parse_spec(raw[0]), parse_spec(raw[1]), servers=servers)
                loaded[name, "a.py"], loaded[name, "b.py"] = pair.a, pair.b
                continue
            if specs is None:
                for side in SIDES:
                    loaded[name, side] = load_graph(os.path.join(EXAMPLES, name, side))
            else:
                # Two models of ONE script run (x.py:a x.py:b): load them together, as the CLI does.
                (pa, na, _), (pb, nb, _) = specs
                if pa != pb:
                    loaded[name, "a.py"], loaded[name, "b.py"] = load_graph(pa, na), load_graph(pb, nb)
                    continue
                from kerasdiff.load import script as runner
                from kerasdiff.load.keras import reset_state

                reset_state()
                ga, gb = runner.load_file(pa, "script", [na, nb], cwd=ROOT).graphs
                loaded[name, "a.py"], loaded[name, "b.py"] = ga, gb
        except Exception as exc:  # noqa: BLE001 - reported by the test that needs it
            for side in SIDES:
                loaded.setdefault((name, side), exc)
    if servers is not None:
        servers.close()
    return loaded


def _specs(name: str):
    """((path, NAME, ENV), (path, NAME, ENV)) from specs.txt ('a: train.py:functional',
    'a: m.py@keras2'), or None."""
    path = os.path.join(EXAMPLES, name, "specs.txt")
    if not os.path.exists(path):
        return None
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                side, _, spec = line.partition(":")
                spec, _, env = spec.strip().partition("@")
                file, var = (spec, None) if spec.endswith(".py") else spec.rsplit(":", 1)
                out[side.strip()] = (os.path.join(EXAMPLES, name, file), var, env or None)
    return out["a"], out["b"]


def _graph(graphs: dict, name: str, side: str):
    g = graphs[name, side]
    if isinstance(g, Exception):
        raise AssertionError(f"examples/{name}/{side} failed to load: {g}") from g
    return g


def _describe(report) -> str:
    return "\n".join(f"  {f.code} {f.severity}: {f.message}" for f in report.findings) or "  (none)"


def test_examples_exist():
    assert NAMES, "no examples found"
    for name in NAMES:
        files = ("specs.txt", "expected.txt") if _specs(name) else (*SIDES, "expected.txt")
        for f in files:
            assert os.path.isfile(os.path.join(EXAMPLES, name, f)), f"examples/{name}/{f} missing"
    for name in (*PAIR_BUGS, *(n for n, _ in SELF_BUGS)):
        assert name in NAMES, f"known-bug entry {name} names no example"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=PAIR_BUGS[n])) if n in PAIR_BUGS else n
        for n in NAMES
    ],
)
def test_example_pair(name, graphs):
    from kerasdiff.engine import compare_graphs

    want = parse_expected(os.path.join(EXAMPLES, name, "expected.txt"))
    report = compare_graphs(_graph(graphs, name, "a.py"), _graph(graphs, name, "b.py"))
    got_codes = sorted({f.code for f in report.findings})
    got_first = report.findings[0].code if report.findings else None
    got_verdict = "equivalent" if report.equivalent else "divergent"
    detail = f"examples/{name} findings:\n{_describe(report)}"
    assert got_verdict == want["verdict"], detail
    assert got_first == want["first"], detail
    assert got_codes == want["codes"], detail


@pytest.mark.parametrize(
    "name,side",
    [
        pytest.param(n, s, marks=pytest.mark.xfail(strict=True, reason=SELF_BUGS[n, s]))
        if (n, s) in SELF_BUGS
        else (n, s)
        for n in NAMES
        for s in SIDES
    ],
)
def test_script_against_itself_has_no_findings(name, side, graphs):
    from kerasdiff.engine import compare_graphs

    g = _graph(graphs, name, side)
    report = compare_graphs(g, g)
    assert not report.findings, f"examples/{name}/{side} vs itself:\n{_describe(report)}"


def _explains_training(codes: list) -> bool:
    """Whether a finding among `codes` explains a different training step (then no KD502)."""
    from kerasdiff.rules.probe import _NOT_TRAINING, _TRAINS

    return any(catalog.get(c).kind in _TRAINS and c not in _NOT_TRAINING for c in codes)


def test_every_code_is_first_in_some_example():
    firsts = set()
    for n in NAMES:
        want = parse_expected(os.path.join(EXAMPLES, n, "expected.txt"))
        firsts.add(want["first"])
        if want.get("probe") == "different" and not any(
            catalog.get(c).severity == "error" for c in want["codes"]
        ):
            firsts.add("KD501")  # the --probe run's first finding (test_cli_probe_on_example)
        if want.get("train") == "different" and not _explains_training(want["codes"]):
            firsts.add("KD502")  # the --probe-train run's first finding
    missing = [r.code for r in catalog.RULES if r.code not in firsts and r.code not in NOT_FIRST_ANYWHERE]
    assert not missing, f"no example has these codes as its first finding: {missing}"
    stale = [c for c in NOT_FIRST_ANYWHERE if c in firsts or c not in catalog.BY_CODE]
    assert not stale, f"remove from NOT_FIRST_ANYWHERE: {stale}"


# ---------------------------------------------------------------- the real CLI (worker processes)


def _ex(name: str, side: str) -> str:
    return os.path.join(EXAMPLES, name, side)


def test_cli_divergent_pair_exits_1():
    from kerasdiff.cli import cli

    result = CliRunner().invoke(
        cli, [_ex("seed000-output-activation", "a.py"), _ex("seed000-output-activation", "b.py")]
    )
    assert result.exit_code == 1, result.output
    assert "KD101" in result.output


def test_cli_equivalent_pair_exits_0():
    from kerasdiff.cli import cli

    result = CliRunner().invoke(cli, [_ex("equiv-input-shape", "a.py"), _ex("equiv-input-shape", "b.py")])
    assert result.exit_code == 0, result.output


PROBED = [n for n in NAMES if parse_expected(os.path.join(EXAMPLES, n, "expected.txt")).get("probe")]


@pytest.mark.parametrize("name", PROBED)
def test_cli_probe_on_example(name):
    """`--probe --format json` through the real CLI: the behaviour the example declares."""
    from kerasdiff.cli import cli

    want = parse_expected(os.path.join(EXAMPLES, name, "expected.txt"))
    specs = _specs(name)
    args = (
        [f"{p}{':' + v if v else ''}{'@' + e if e else ''}" for p, v, e in specs]
        if specs
        else [_ex(name, s) for s in SIDES]
    )
    flag = "--probe-train" if want.get("train") else "--probe"
    result = CliRunner().invoke(cli, [*args, flag, "--format", "json"])
    data = json.loads(result.stdout)
    probe = data["probe"]
    assert probe["ran"] is True, probe
    assert probe["equal"] is (want["probe"] == "equal"), probe
    assert (probe["first_divergence"] is None) is (want["probe"] == "equal"), probe
    codes = [f["code"] for f in data["findings"]]
    static_errors = [c for c in want["codes"] if catalog.get(c).severity == "error"]
    if want.get("train"):
        train = probe["train"]
        assert train["ran"] is True and train["equal"] is (want["train"] == "equal"), train
        assert (train["first_divergence"] is None) is (want["train"] == "equal"), train
    if want.get("train") == "different" and not _explains_training(want["codes"]):
        assert codes[0] == "KD502" and sorted(set(codes)) == sorted({*want["codes"], "KD502"}), codes
        assert data["findings"][0]["a_source"] and data["findings"][0]["b_source"], data["findings"][0]
        assert result.exit_code == 1
    elif want["probe"] == "different" and not static_errors:
        assert codes[0] == "KD501" and sorted(set(codes)) == sorted({*want["codes"], "KD501"}), codes
        assert data["findings"][0]["a_source"], data["findings"][0]
        assert result.exit_code == 1
    else:
        assert sorted(set(codes)) == want["codes"] and (codes[:1] or [None])[0] == want["first"], codes
        assert result.exit_code == (0 if want["verdict"] == "equivalent" else 1), result.output
    assert data["timings"]["probe"] > 0


def test_emitted_keras_example_is_what_emit_writes_today():
    """examples/equiv-sklearn-emitted/keras_equivalent.py must be the current --emit-keras output."""
    pytest.importorskip("sklearn")
    from kerasdiff.load import script as runner
    from kerasdiff.load.keras import reset_state
    from kerasdiff.load.sklearn.emit import emit_keras

    folder = os.path.join(EXAMPLES, "equiv-sklearn-emitted")
    reset_state()
    g = runner.load_file(os.path.join(folder, "sk.py"), "script", [None], cwd=ROOT).graphs[0]
    with open(os.path.join(folder, "keras_equivalent.py"), encoding="utf-8") as fh:
        committed = fh.read()
    assert emit_keras(g.recipe["plan"]) == committed, (
        "regenerate: kerasdiff --emit-keras examples/equiv-sklearn-emitted/sk.py "
        "> examples/equiv-sklearn-emitted/keras_equivalent.py"
    )

"""Untrusted files and hostile content: nothing runs, nothing is written, nothing is injected.

One test (or one parametrized group) per class of attack or fault. Payloads are benign: they
write marker files under a temporary folder, start `sleep`-like processes, or carry control
characters in names. Tests marked `keras` start real workers; the rest never import TensorFlow.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from xml.etree import ElementTree as ET

import pytest
from markdown_it import MarkdownIt

from kerasdiff import sanitize
from kerasdiff.engine import compare_graphs
from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Call, Graph, InputSpec, Layer, OutputSpec
from kerasdiff.load.interface import Limits
from kerasdiff.load.keras.untrusted import estimate_params, scan_config
from kerasdiff.report import Format, render

HERE = os.path.dirname(os.path.abspath(__file__))
PLAIN = os.path.join(HERE, "fixtures", "untrusted", "plain.json")
KERASDIFF = os.path.join(os.path.dirname(sys.executable), "kerasdiff")
# Names a downloaded model could carry: a terminal title/OSC sequence, a colour, a GitHub
# workflow command after a newline, HTML, a mention, a bidi override.
HOSTILE = "h\x1b]0;owned\x07\x1b[31m\n::error::injected <img src=x onerror=alert(1)> @octocat \u202eTXT"


def _plain() -> dict:
    with open(PLAIN, encoding="utf-8") as fh:
        return json.load(fh)


def _with_layer(layer: dict, at: int = 2) -> dict:
    cfg = _plain()
    cfg["config"]["layers"].insert(at, layer)
    return cfg


def _layer(cls: str, name: str, **config: object) -> dict:
    return {
        "module": "keras.layers",
        "class_name": cls,
        "registered_name": None,
        "config": {"name": name, "trainable": True, "dtype": "float32", **config},
        "build_config": {"input_shape": [None, 4]},
    }


def _fn(module: str, name: str) -> dict:
    return {"module": module, "class_name": "function", "config": name, "registered_name": name}


def cli(
    *args: str, cwd: str | None = None, env: dict | None = None, timeout: float = 240, **kw: object
) -> subprocess.CompletedProcess:
    """The installed `kerasdiff` command, as a user runs it (its own process, its own cwd)."""
    return subprocess.run(
        [KERASDIFF, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, **kw
    )  # type: ignore[call-overload]


def one_line(proc: subprocess.CompletedProcess, *needles: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kerasdiff: "), proc.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    assert "Traceback" not in proc.stderr
    return lines[0]


def no_tf_main(calls: list[list[str]], cwd: str) -> list[dict]:
    """Run kerasdiff.cli.main on each argv in ONE fresh interpreter; report exit codes, stderr
    and whether TensorFlow was imported (it must not be, for anything checked up front)."""
    code = textwrap.dedent("""
        import contextlib, io, json, sys
        from kerasdiff.cli import main
        out = []
        for argv in json.loads(sys.argv[1]):
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                rc = main(argv)
            out.append({"rc": rc, "stderr": err.getvalue(), "tf": "tensorflow" in sys.modules})
        print(json.dumps(out))
    """)
    proc = subprocess.run(
        [sys.executable, "-c", code, json.dumps(calls)], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# ============================================================================ sanitizers


def test_terminal_text_shows_control_characters_instead_of_obeying_them():
    s = sanitize.terminal(HOSTILE)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in s)
    assert "\u202e" not in s and "\\u202e" in s and "\\x1b]0;owned" in s and "\\n::error::" in s
    assert sanitize.terminal("a\tb\nc", keep_lines=True) == "a\tb\nc"


def test_markdown_prose_is_inert_but_keeps_code_spans():
    md = sanitize.markdown("set `activation='relu'` on <b>x</b> [click](http://e) @octocat | a")
    assert "`activation='relu'`" in md
    assert "<b>" not in md and "&lt;b&gt;" in md
    assert "[click]" not in md and "\\[click\\]" in md
    assert "@octocat" not in md and "\\|" in md
    # A code span holding HTML stays a code span (GitHub shows it literally).
    assert sanitize.markdown("x `<img src=y>` z") == "x `<img src=y>` z"
    # A lone backtick cannot open a span that swallows the rest of the line.
    assert sanitize.markdown("a ` <img>") == "a \\` &lt;img&gt;"
    assert sanitize.markdown_code("a`b") == "`` a`b ``"


def test_github_values_cannot_start_a_command():
    assert sanitize.github_data("a\n::error::x%") == "a%0A::error::x%25"
    assert sanitize.github_property("f,i:le\n") == "f%2Ci%3Ale%0A"
    assert sanitize.github_line("x\n::error::y") == "x ::error::y"
    assert sanitize.github_line("::warning::y").startswith(" ")


def test_xml_text_is_always_well_formed():
    el = ET.Element("t", name=sanitize.xml(HOSTILE))
    el.text = sanitize.xml("\x00\x01" + HOSTILE)
    ET.fromstring(ET.tostring(el))  # parses


# ============================================================================ hostile names in reports


def _hostile_pair() -> tuple[Graph, Graph]:
    def graph(act: str) -> Graph:
        name = f"dense{HOSTILE}"
        layers = (
            Layer(
                key=name,
                cls="Dense",
                name=name,
                auto_name=False,
                params=8,
                config={"units": 2, "activation": act},
                origin=f"m{HOSTILE}.py:3",
            ),
        )
        return Graph(
            name=f"model{HOSTILE}",
            spec=f"evil{HOSTILE}.py",
            inputs=(InputSpec(f"in{HOSTILE}", (None, 3), auto_name=False),),
            outputs=(OutputSpec("c0:0", name),),
            layers=layers,
            calls=(Call("c0", name, ("in:0",), ((None, 2),), ("float32",)),),
            params=8,
        )

    return graph("linear"), graph(f"relu{HOSTILE}")


def assert_inert_everywhere(a: Graph, b: Graph) -> None:
    """Every format of a report on this pair: no terminal control, no injected workflow command,
    no HTML or mention in Markdown, well-formed XML and JSON."""
    report = compare_graphs(a, b)
    assert report.findings, "the pair must produce findings that carry the names"
    text = render(report, Format.TEXT)
    assert not [
        c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u2066"
    ]
    colored = render(report, Format.TEXT, color=True)
    assert "\x1b]" not in colored and "\x07" not in colored  # only rich's own colour codes
    gh = render(report, Format.GITHUB)
    commands = [ln for ln in gh.splitlines() if ln.startswith("::")]
    assert len(commands) == len(report.findings)
    assert all(ln.split(" ", 1)[0] in ("::error", "::warning", "::notice") for ln in commands)
    assert not gh.splitlines()[-1].startswith("::")  # the verdict line names layers too
    md = render(report, Format.MARKDOWN)
    # Rendered by a real CommonMark implementation (markdown-it-py, which rich depends on), with
    # raw HTML allowed as GitHub allows it: no tag or link from a name, no mention outside code.
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    assert "<img" not in html and "<a " not in html and "<b>" not in html
    assert "@octocat" not in re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    assert "\x1b" not in md and "<details>" in html
    ET.fromstring(render(report, Format.JUNIT).split("\n", 1)[1])
    for fmt in (Format.JSON, Format.SARIF):
        doc = json.loads(render(report, fmt))
        assert doc
    # JSON keeps the real name (escaped by the encoder), for tools that need it.
    assert json.loads(render(report, Format.JSON))["findings"][0]["a_path"] == a.layers[0].key


def test_hostile_names_are_inert_in_every_format():
    assert_inert_everywhere(*_hostile_pair())


def test_error_lines_are_one_inert_line():
    err = KerasdiffError(f"x{HOSTILE}.keras", f"layer '{HOSTILE}' (Lambda) is bad", "hint")
    line = err.line()
    assert "\n" not in line and "\x1b" not in line and "\x07" not in line and "\u202e" not in line


# ============================================================================ saved files carry no code


@pytest.mark.parametrize(
    "layer, needles",
    [
        # A named library function passes Keras safe mode and is called with arguments from the file.
        (
            _layer(
                "Lambda",
                "scale",
                function=_fn("keras.utils", "plot_model"),
                output_shape=[4],
                arguments={"to_file": "x.png"},
            ),
            ["layer 'scale' (Lambda)", "never runs code"],
        ),
        (
            _layer("Lambda", "lam", function={"class_name": "__lambda__", "config": {"code": "YWJj"}}),
            ["layer 'lam' (Lambda)"],
        ),
        (_layer("TFSMLayer", "sm", filepath="/tmp/somewhere"), ["layer 'sm' (TFSMLayer)", "SavedModel"]),
        (_layer("JaxLayer", "jx", call_fn=_fn("keras.ops", "add")), ["layer 'jx' (JaxLayer)"]),
        (_layer("TorchModuleWrapper", "tm", module="gASV"), ["layer 'tm' (TorchModuleWrapper)", "unpickles"]),
        (
            _layer("Activation", "act", activation=_fn("keras.src.utils.file_utils", "get_file")),
            ["layer 'act' (Activation)", "keras.src.utils.file_utils.get_file"],
        ),
        (
            _layer(
                "Activation", "act2", activation={**_fn("builtins", "relu"), "registered_name": "get_file"}
            ),
            ["layer 'act2' (Activation)"],
        ),
        (
            {**_layer("Dense", "mine", units=2), "module": "my_layers"},
            ["layer 'mine' (Dense)", "module my_layers", "not part of Keras"],
        ),
        (
            _layer("TFOpLambda", "op", function="io.write_file"),
            ["layer 'op' (TFOpLambda)", "tf.io.write_file"],
        ),
    ],
)
def test_code_in_saved_configs_is_refused_naming_the_layer(layer, needles):
    with pytest.raises(KerasdiffError) as exc:
        scan_config(_with_layer(layer), "model.json")
    line = exc.value.line()
    for n in needles:
        assert n in line, (n, line)
    assert "Functional" not in line and "Sequential" not in line


def test_code_nested_in_a_block_names_the_inner_layer():
    inner = _plain()
    inner["config"]["name"] = "block"
    inner["config"]["layers"].insert(1, _layer("Lambda", "deep", function=_fn("keras.ops", "add")))
    outer = _plain()
    outer["config"]["layers"].insert(1, inner)
    with pytest.raises(KerasdiffError, match=r"layer 'deep' \(Lambda\)"):
        scan_config(outer, "model.keras")


def test_plain_configs_pass_the_scan():
    scan_config(_plain(), "plain.json")
    cfg = _with_layer(_layer("Activation", "a", activation=_fn("keras.activations", "gelu")))
    # compile() settings are never deserialized (compile=False): a loss function there is fine.
    cfg["compile_config"] = {"loss": _fn("keras.losses", "mean_squared_error")}
    scan_config(cfg, "plain.json")
    cfg = _with_layer(_layer("TFOpLambda", "op", function="math.add"))
    scan_config(cfg, "plain.json")


def test_parameter_bomb_is_refused_before_building():
    cfg = _plain()
    big = cfg["config"]["layers"][1]
    big["config"]["units"] = 30_000_000
    big["build_config"] = {"input_shape": [None, 1000]}
    with pytest.raises(KerasdiffError) as exc:
        scan_config(cfg, "bomb.json")
    line = exc.value.line()
    assert "alone 30,030,000,000" in line and "layer 'dense' (Dense)" in line and "--max-params" in line
    scan_config(cfg, "bomb.json", Limits(max_params=10**12))  # a raised limit lets it through
    # The estimate follows the real parameter count of ordinary layers.
    assert sum(n for _, _, n in estimate_params(_plain())) == 3 * 4 + 4 + 4 * 1 + 1


def test_archive_and_file_limits_are_checked_before_any_worker(tmp_path):
    config = json.dumps(_plain())
    big = tmp_path / "big.keras"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", config)
        zf.writestr("model.weights.h5", b"\0" * (3 << 20))  # 3 MB of zeros, ~3 KB packed
    slip = tmp_path / "slip.keras"
    with zipfile.ZipFile(slip, "w") as zf:
        zf.writestr("config.json", config)
        zf.writestr("../../outside.txt", "x")
    lam = tmp_path / "lam.keras"
    with zipfile.ZipFile(lam, "w") as zf:
        zf.writestr(
            "config.json",
            json.dumps(
                _with_layer(_layer("Lambda", f"s{HOSTILE}", function=_fn("keras.utils", "plot_model")))
            ),
        )
    bomb = tmp_path / "bomb.json"
    cfg = _plain()
    cfg["config"]["layers"][1]["config"]["units"] = 30_000_000
    cfg["config"]["layers"][1]["build_config"] = {"input_shape": [None, 1000]}
    bomb.write_text(json.dumps(cfg))
    assert big.stat().st_size < 100_000
    res = no_tf_main(
        [
            [str(big), str(big), "--max-unpacked", "1"],
            [str(slip), str(slip)],
            [str(lam), str(lam)],
            [str(bomb), str(bomb)],
        ],
        cwd=str(tmp_path),
    )
    needles = [
        ["big.keras", "unpacks to 3 MB", "--max-unpacked"],
        ["slip.keras", "points outside the archive"],
        ["lam.keras", "(Lambda)", "never runs code"],
        ["bomb.json", "--max-params"],
    ]
    for r, want in zip(res, needles):
        assert r["rc"] == 2 and not r["tf"], r
        lines = r["stderr"].strip().splitlines()
        assert len(lines) == 1 and all(w in lines[0] for w in want), (want, lines)
        assert "\x1b" not in lines[0] and "\x07" not in lines[0]


def test_files_that_are_not_regular_files_are_refused_at_once(tmp_path):
    fifo = tmp_path / "model.keras"
    os.mkfifo(fifo)
    (tmp_path / "zero.keras").symlink_to("/dev/zero")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    (tmp_path / "folder.h5").mkdir()
    t0 = time.perf_counter()
    res = no_tf_main(
        [
            [str(fifo), PLAIN],
            [str(tmp_path / "zero.keras"), PLAIN],
            [str(tmp_path / "zero.py"), PLAIN],
            [str(tmp_path / "folder.h5"), PLAIN],
        ],
        cwd=str(tmp_path),
    )
    assert time.perf_counter() - t0 < 30, "a FIFO or /dev/zero must not hang the run"
    for r, want in zip(res, ["named pipe (FIFO)", "a device", "a device", "a directory"]):
        assert r["rc"] == 2 and want in r["stderr"] and not r["tf"], r


# ============================================================================ settings up front


def test_inputs_and_settings_are_validated_before_tensorflow(tmp_path):
    a = os.path.join(HERE, "fixtures", "loader", "plain.py")
    with open(a, encoding="utf-8") as fh:
        before = fh.read()
    bad = {}
    for name, body in {
        "types": 'timeout = "soon"\n',
        "unknown": 'fial-on = "warning"\n',
        "boolean": 'probe = "no"\n',
        "ignore": "ignore = 5\n",
    }.items():
        d = tmp_path / name
        d.mkdir()
        (d / "pyproject.toml").write_text("[tool.kerasdiff]\n" + body)
        bad[name] = str(d)
    calls = [
        [a, a, "--timeout", "nan"],
        [a, a, "--timeout", "0"],
        [a, a, "--timeout", "-5"],
        [a, a, "--timeout", "inf"],
        [a, a, "--output", a],
        [a, a, "--output", "/no/such/dir/r.json"],
        [a, a, "--output", str(tmp_path)],
    ]
    res = no_tf_main(calls, cwd=str(tmp_path))
    wants = [
        "--timeout: must be a finite number > 0",
        "--timeout: must be a finite number > 0",
        "--timeout: must be a finite number > 0",
        "--timeout: must be a finite number > 0",
        "is one of the models being compared",
        "does not exist",
        "is a directory",
    ]
    for r, want in zip(res, wants):
        assert r["rc"] == 2 and not r["tf"] and len(r["stderr"].strip().splitlines()) == 1, r
        assert want in r["stderr"], (want, r)
    with open(a, encoding="utf-8") as fh:
        assert fh.read() == before, "--output must never overwrite an input"
    for name, want in (
        ("types", "timeout must be a number, not 'soon'"),
        ("unknown", "unknown key 'fial-on'"),
        ("boolean", "probe must be true or false, not 'no'"),
        ("ignore", "ignore must be a code or kind"),
    ):
        (r,) = no_tf_main([[a, a]], cwd=bad[name])
        assert r["rc"] == 2 and not r["tf"] and "pyproject.toml" in r["stderr"] and want in r["stderr"], r
        assert "internal error" not in r["stderr"]


def test_unwritable_stdout_is_one_clear_line():
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [KERASDIFF, "rules"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60
        )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "kerasdiff: standard output: cannot be written: No space left on "
        "device (write the report with --output FILE)"
    )


# ============================================================================ real workers


HOSTILE_MODULE = """
import os
open(os.path.join({mark!r}, {name!r}), "w").write("imported")
raise SystemExit("hostile module {name} ran")
"""


@pytest.mark.keras
def test_no_code_from_the_working_directory_or_shadowing_a_library(tmp_path):
    cwd = tmp_path / "downloads"
    cwd.mkdir()
    mark = tmp_path / "marks"
    mark.mkdir()
    for mod in ("keras", "numpy", "h5py", "tensorflow", "kerasdiff", "sitecustomize", "json"):
        (cwd / f"{mod}.py").write_text(HOSTILE_MODULE.format(mark=str(mark), name=mod))
    proj = tmp_path / "proj"
    proj.mkdir()
    # A sibling named like an installed library: the library is imported, not the sibling.
    (proj / "click.py").write_text(HOSTILE_MODULE.format(mark=str(mark), name="click"))
    (proj / "net.py").write_text(
        textwrap.dedent("""
        import click
        import keras
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(1)])
    """)
    )
    proc = cli(PLAIN, str(proj / "net.py"), "--format", "json", cwd=str(cwd))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["equivalent"] is True
    assert sorted(os.listdir(mark)) == []


@pytest.mark.keras
def test_saved_files_never_touch_the_users_keras_home_or_their_folder(tmp_path):
    home = tmp_path / "home"
    keras_home = home / ".keras"
    home.mkdir()
    models = tmp_path / "models"
    models.mkdir()
    (models / "a.json").write_text(json.dumps(_plain()))
    env = {**os.environ, "HOME": str(home)}
    env.pop("KERAS_HOME", None)
    proc = cli(str(models / "a.json"), str(models / "a.json"), env=env, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert not keras_home.exists(), os.listdir(keras_home)  # Keras writes keras.json on import
    assert sorted(os.listdir(models)) == ["a.json"]


@pytest.mark.keras
def test_a_worker_that_asks_for_too_much_memory_stops_with_the_limit(tmp_path):
    (tmp_path / "hog.py").write_text(
        textwrap.dedent("""
        import numpy as np
        import keras
        hog = np.ones((8 << 30,), dtype=np.uint8)  # 8 GB
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    """)
    )
    script = str(tmp_path / "hog.py")
    proc = cli(script, script, "--max-memory", "4000", cwd=str(tmp_path))
    one_line(proc, "hog.py:4", "MemoryError", "memory limit was reached", "--max-memory")


SPAWNER = """
import os, subprocess, sys, time
import keras
import tensorflow as tf

MARK = {mark!r}
SLEEP = [sys.executable, "-c", "import time; time.sleep(300)"]
child = subprocess.Popen(SLEEP)
session = subprocess.Popen(SLEEP, start_new_session=True)
subprocess.Popen([sys.executable, "-c",
                  "import os, time\\nif os.fork() == 0:\\n    os.setsid()\\n"
                  "    open(os.path.join(%r, 'daemon'), 'w').write(str(os.getpid()))\\n"
                  "    time.sleep(300)\\n" % MARK])
forked = os.fork()
if forked == 0:
    time.sleep(300)
    os._exit(0)
with open(os.path.join(MARK, "pids"), "w") as fh:
    fh.write(f"{{child.pid}} {{session.pid}} {{forked}}")
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
model.save(os.path.join(MARK, "model.keras"))
model.save_weights(os.path.join(MARK, "model.weights.h5"))
model.export(os.path.join(MARK, "exported"))
tf.saved_model.save(model, os.path.join(MARK, "saved_model"))
tf.train.Checkpoint(model=model).write(os.path.join(MARK, "ckpt"))
if {wait}:
    time.sleep(120)
"""


def _pids(mark: str) -> list[int]:
    with open(os.path.join(mark, "pids")) as fh:
        pids = [int(p) for p in fh.read().split()]
    for _ in range(50):  # the daemon writes its pid a moment later
        if os.path.exists(os.path.join(mark, "daemon")):
            return pids + [int(open(os.path.join(mark, "daemon")).read())]
        time.sleep(0.1)
    raise AssertionError("the double-forked daemon never started")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _assert_all_gone(pids: list[int]) -> None:
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    survivors = [p for p in pids if _alive(p)]
    for p in survivors:  # never leave them behind, even when the test fails
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    assert not survivors, "processes the script started outlived the run"


@pytest.mark.keras
def test_a_finished_run_leaves_no_process_no_file_and_no_temporary_folder(tmp_path):
    mark, tmp = tmp_path / "mark", tmp_path / "tmp"
    mark.mkdir()
    tmp.mkdir()
    (tmp_path / "spawner.py").write_text(SPAWNER.format(mark=str(mark), wait=False))
    env = {**os.environ, "TMPDIR": str(tmp)}
    script = str(tmp_path / "spawner.py")
    proc = cli(script, script, env=env, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    _assert_all_gone(_pids(str(mark)))
    assert sorted(os.listdir(mark)) == ["daemon", "pids"], "save/export/SavedModel/checkpoint wrote files"
    assert os.listdir(tmp) == []


@pytest.mark.keras
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_ends_the_run_like_ctrl_c(tmp_path, signum):
    mark, tmp = tmp_path / "mark", tmp_path / "tmp"
    mark.mkdir()
    tmp.mkdir()
    (tmp_path / "spawner.py").write_text(SPAWNER.format(mark=str(mark), wait=True))
    script = str(tmp_path / "spawner.py")
    run = subprocess.Popen(
        [KERASDIFF, script, script],
        cwd=str(tmp_path),
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 120
    while not (mark / "pids").exists():
        assert run.poll() is None and time.time() < deadline, run.communicate()
        time.sleep(0.2)
    pids = _pids(str(mark))
    run.send_signal(signum)
    out, err = run.communicate(timeout=30)
    assert run.returncode == 2, (out, err)
    assert err.strip().splitlines()[-1] == f"kerasdiff: interrupted ({signal.Signals(signum).name})"
    _assert_all_gone(pids)
    assert os.listdir(tmp) == []


@pytest.mark.keras
def test_os_exit_in_a_script_is_reported_as_such(tmp_path):
    (tmp_path / "quits.py").write_text("import os\nimport keras\n\nos._exit(3)\n")
    script = str(tmp_path / "quits.py")
    one_line(cli(script, script, cwd=str(tmp_path)), "quits.py:4", "the script called os._exit(3)")


@pytest.mark.keras
def test_a_symlinked_script_imports_like_python_runs_it(tmp_path):
    real, links = tmp_path / "real", tmp_path / "links"
    real.mkdir()
    links.mkdir()
    (real / "helper.py").write_text("UNITS = 4\n")
    (real / "net.py").write_text(
        textwrap.dedent("""
        import keras
        from helper import UNITS
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(UNITS)])
    """)
    )
    (links / "net_link.py").symlink_to(real / "net.py")
    assert (
        subprocess.run(
            [sys.executable, str(links / "net_link.py")], capture_output=True, timeout=120
        ).returncode
        == 0
    )  # plain python resolves the import
    link = str(links / "net_link.py")
    proc = cli(link, link, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr


BUILDERS = """
import keras

def a():
    keras.config.set_dtype_policy("mixed_float16")
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])

def b():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
"""


@pytest.mark.keras
def test_one_builders_global_settings_do_not_leak_into_the_next(tmp_path):
    from kerasdiff.load.keras import reset_state
    from kerasdiff.load.script import load_file

    (tmp_path / "builders.py").write_text(BUILDERS)
    path = str(tmp_path / "builders.py")
    reset_state()
    ga, gb = load_file(path, "script", ["a", "b"], cwd=str(tmp_path)).graphs
    reset_state()
    gb2, ga2 = load_file(path, "script", ["b", "a"], cwd=str(tmp_path)).graphs
    reset_state()
    ab = sorted(f.code for f in compare_graphs(ga, gb).findings)
    ba = sorted(f.code for f in compare_graphs(gb2, ga2).findings)
    assert "KD201" in ab and ab == ba
    assert {l.dtype for l in gb.layers} == {"float32"} and {l.dtype for l in ga.layers} == {"mixed_float16"}


HOSTILE_SCRIPT = """
import keras
NAME = {name!r}
model = keras.Sequential([keras.Input((3,), name="in" + NAME),
                          keras.layers.Dense(4, activation={act!r}, name="d" + NAME),
                          keras.layers.Dense(1, name="out" + NAME)], name="m" + NAME)
"""


@pytest.mark.keras
def test_hostile_names_from_real_scripts_are_inert_in_every_format(tmp_path, graph_loader):
    name = HOSTILE.replace("/", "")
    for side, act in (("a", "relu"), ("b", "tanh")):
        (tmp_path / f"{side}.py").write_text(HOSTILE_SCRIPT.format(name=name, act=act))
    a = graph_loader(str(tmp_path / "a.py"))
    b = graph_loader(str(tmp_path / "b.py"))
    assert any("::error::injected" in l.name for l in a.layers)
    assert_inert_everywhere(a, b)

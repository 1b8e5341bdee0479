"""Fork servers (--pairs): workers forked from one process that imported TensorFlow once are as
isolated as workers started one by one: nothing a script changes reaches the next pair, a crash
or a timeout stays that pair's trouble, random state is fresh, no process outlives the run."""

from __future__ import annotations

import json
import os
import time

import pytest
from click.testing import CliRunner

from kerasdiff import pairs
from kerasdiff.cli import cli
from kerasdiff.load import load_pair, parse_spec
from kerasdiff.load.forkserver import ForkServers
from kerasdiff.settings import Settings

pytestmark = pytest.mark.keras

PLAIN = """import keras
from keras import layers
{pre}
model = keras.Sequential([keras.Input((4,)), layers.Dense(3{dtype}), layers.Dense(1)])
"""


def _write(folder, name, text):
    p = folder / name
    p.write_text(text)
    return str(p)


def _pairs_file(folder, rows):
    f = folder / "pairs.toml"
    f.write_text("".join(f'[[pair]]\nname = "{n}"\na = "{a}"\nb = "{b}"\n\n' for n, a, b in rows))
    return str(f)


def test_nothing_a_script_changes_reaches_the_next_pair(tmp_path):
    # pair 1's script changes Keras's global dtype, a module attribute and the environment;
    # pair 2 compares a default-dtype model with an explicit float32 one, and its script
    # fails loudly if any of those changes reached it
    poison = _write(
        tmp_path,
        "poison.py",
        PLAIN.format(
            pre='import numpy, os\nkeras.config.set_floatx("float64")\nnumpy.kerasdiff_poison = 1\n'
            'os.environ["KERASDIFF_POISON"] = "1"',
            dtype="",
        ),
    )
    plain = _write(tmp_path, "plain.py", PLAIN.format(pre="", dtype=""))
    check = _write(
        tmp_path,
        "check.py",
        PLAIN.format(
            pre="import numpy, os\nassert not hasattr(numpy, 'kerasdiff_poison')\n"
            "assert 'KERASDIFF_POISON' not in os.environ\nassert keras.config.floatx() == 'float32'",
            dtype=', dtype="float32"',
        ),
    )
    f = _pairs_file(tmp_path, [("poisoned", poison, plain), ("after", plain, check)])
    outcomes = pairs.run(pairs.read(f, Settings()), jobs=1)
    first, second = outcomes
    assert first.error is None and not first.report.equivalent  # float64 vs float32, seen
    assert second.error is None, second.error and second.error.line()
    assert second.report.equivalent


def test_a_crash_or_a_timeout_is_that_pairs_trouble_only(tmp_path):
    plain = _write(tmp_path, "plain.py", PLAIN.format(pre="", dtype=""))
    crash = _write(tmp_path, "crash.py", "import keras, os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    slow = _write(tmp_path, "slow.py", "import keras, time\n\ntime.sleep(60)\n")
    f = _pairs_file(tmp_path, [("crash", plain, crash), ("slow", slow, plain), ("fine", plain, plain)])
    t0 = time.perf_counter()
    outcomes = pairs.run(pairs.read(f, Settings(timeout=3.0)), jobs=2)
    took = time.perf_counter() - t0
    crashed, timed_out, fine = outcomes
    assert crashed.error is not None and "crash.py" in crashed.error.file
    assert "the loader process died (killed by signal 11)" in crashed.error.cause
    assert timed_out.error is not None and "still running after --timeout 3 s" in timed_out.error.cause
    assert "busy at line 3" in timed_out.error.cause  # the stack dump works in a forked worker
    assert fine.error is None and fine.report.equivalent
    assert took < 40


def _alive_with(marker: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as fh:
                if marker.encode() in fh.read():
                    found.append(int(name))
        except OSError:
            continue
    return found


def test_no_process_a_script_starts_outlives_the_run(tmp_path):
    marker = f"kerasdiff-forkserver-test-{os.getpid()}"
    leaky = _write(
        tmp_path,
        "leaky.py",
        "import os, subprocess, sys\n"
        # an exec'd child in a session of its own, and a forked grandchild that left the group
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', '{marker}'],"
        " start_new_session=True)\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        f"    os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(300)', '{marker}'])\n"
        + PLAIN.format(pre="", dtype=""),
    )
    plain = _write(tmp_path, "plain.py", PLAIN.format(pre="", dtype=""))
    f = _pairs_file(tmp_path, [("leaky", leaky, plain), ("again", plain, leaky)])
    outcomes = pairs.run(pairs.read(f, Settings()), jobs=2)
    assert all(o.error is None and o.report.equivalent for o in outcomes)
    deadline = time.time() + 5
    while _alive_with(marker) and time.time() < deadline:
        time.sleep(0.1)
    assert _alive_with(marker) == []


def test_forked_workers_draw_fresh_random_state(tmp_path):
    text = "import random, numpy, keras\nprint(random.random(), numpy.random.rand())\n" + PLAIN.format(
        pre="", dtype=""
    )
    a, b = _write(tmp_path, "a.py", text), _write(tmp_path, "b.py", text)
    servers = ForkServers()
    try:
        loaded = load_pair(parse_spec(a), parse_spec(b), servers=servers)
    finally:
        servers.close()
    out_a, out_b = loaded.output[a].split(), loaded.output[b].split()
    assert len(out_a) == 2 and out_a[0] != out_b[0] and out_a[1] != out_b[1]
    assert not os.path.exists(servers.tmpdir)


def test_probe_runs_in_forked_workers(tmp_path):
    plain = _write(tmp_path, "plain.py", PLAIN.format(pre="", dtype=""))
    seeded = _write(
        tmp_path,
        "seeded.py",
        "import keras\nkeras.utils.set_random_seed(3)\n" + PLAIN.format(pre="", dtype=""),
    )
    f = _pairs_file(tmp_path, [("probe", plain, seeded)])
    result = CliRunner().invoke(cli, ["--pairs", f, "--probe", "--format", "json"])
    assert result.exit_code == 0, result.output
    (p,) = json.loads(result.stdout)["pairs"]
    assert p["report"]["probe"]["equal"] is True

"""Run each distinct file in its own worker process so global Keras state cannot leak between sides."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Graph
from kerasdiff.load.interface import Spec


@dataclass
class Loaded:
    """The graphs of a pair plus what loading cost and printed."""

    a: Graph
    b: Graph
    timings: dict = field(default_factory=dict)
    output: dict = field(default_factory=dict)  # spec.raw -> captured script stdout/stderr


def _worker_env() -> dict:
    env = dict(os.environ)
    # TensorFlow's C++ start-up chatter is noise for a CLI; the user's own output is captured.
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("KERAS_BACKEND", "tensorflow")
    env.setdefault("PYTHONHASHSEED", "0")
    # Make sure the worker imports this very kerasdiff, even from a source checkout.
    pkg_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = pkg_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _start(path: str, kind: str, names: list, run_fit: bool, out_file: str) -> subprocess.Popen:
    request = json.dumps({"path": path, "kind": kind, "names": names, "run_fit": run_fit,
                          "cwd": os.getcwd(), "out": out_file})
    return subprocess.Popen(
        [sys.executable, "-m", "kerasdiff.load.worker", request],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=_worker_env(), start_new_session=True,
    )


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, 9)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()


def load_pair(a: Spec, b: Spec, *, timeout: float = 300.0, run_fit: bool = False) -> Loaded:
    """Load both specs; the same file named twice runs once, in one worker."""
    groups: dict[str, list[Spec]] = {}
    for spec in (a, b):
        groups.setdefault(spec.path, []).append(spec)
    tmpdir = tempfile.mkdtemp(prefix="kerasdiff-")
    started = time.perf_counter()
    procs = {}
    for path, specs in groups.items():
        out_file = os.path.join(tmpdir, f"{len(procs)}.json")
        names = [s.name for s in specs]
        procs[path] = (_start(path, specs[0].kind, names, run_fit, out_file), out_file, specs)

    results: dict[str, dict] = {}
    durations: dict[str, float] = {}
    deadline = started + timeout
    try:
        for path, (proc, out_file, specs) in procs.items():
            remaining = max(0.1, deadline - time.perf_counter())
            try:
                stdout, stderr = proc.communicate(timeout=remaining)
            except subprocess.TimeoutExpired:
                _kill(proc)
                proc.communicate()
                raise KerasdiffError(
                    specs[0].raw, f"still running after --timeout {timeout:g} s",
                    "the script may be training or waiting; guard training with "
                    "`if __name__ == '__main__':` or raise --timeout")
            durations[path] = time.perf_counter() - started
            payload = None
            if os.path.exists(out_file):
                with open(out_file, encoding="utf-8") as fh:
                    payload = json.load(fh)
            if payload is None:
                tail = (stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
                raise KerasdiffError(specs[0].raw, f"model loader crashed (exit {proc.returncode}): {tail}",
                                     "run with --verbose", detail=stderr.decode("utf-8", "replace"))
            if not payload.get("ok"):
                raise KerasdiffError.from_dict(payload["error"])
            results[path] = payload
    finally:
        for proc, _, _ in procs.values():
            if proc.poll() is None:
                _kill(proc)
        for name in os.listdir(tmpdir):
            os.unlink(os.path.join(tmpdir, name))
        os.rmdir(tmpdir)

    graphs = {}
    output = {}
    extract_time = 0.0
    for path, (_, _, specs) in procs.items():
        payload = results[path]
        for spec, gd in zip(specs, payload["graphs"]):
            graphs[spec.raw, spec.path, spec.name] = Graph.from_dict(gd)
            output[spec.raw] = payload.get("output", "")
        extract_time = max(extract_time, payload.get("extract_seconds", 0.0))
    ga = graphs[a.raw, a.path, a.name]
    gb = graphs[b.raw, b.path, b.name]
    # Both workers run at once; each side's load time is its own wall time minus extraction.
    timings = {
        "load_a": max(0.0, durations[a.path] - results[a.path].get("extract_seconds", 0.0)),
        "load_b": max(0.0, durations[b.path] - results[b.path].get("extract_seconds", 0.0)),
        "extract": extract_time,
    }
    return Loaded(ga, gb, timings, output)

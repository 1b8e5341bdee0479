"""Run each distinct file in its own worker process so global Keras state cannot leak between sides."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from typing import Optional, Union

from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Graph
from kerasdiff.load.forkserver import Forked, ForkServers
from kerasdiff.load.interface import ENV_VARIABLE, MB, Limits, Spec, check_environment
from kerasdiff.load.registry import framework_of_saved, frameworks

_FRAME = re.compile(r'^\s*File "(?P<file>.+)", line (?P<line>\d+) in (?P<func>.+)$')


@dataclass
class Loaded:
    """The graphs of a pair plus what loading cost and printed."""

    a: Graph
    b: Graph
    timings: dict = field(default_factory=dict)
    output: dict = field(default_factory=dict)  # file as given -> captured script stdout/stderr
    session: Optional[LiveSession] = None  # with keep=True: the workers, models still loaded


class LiveSession:
    """Workers kept alive after loading (for --probe): each serves requests of tasks until closed."""

    def __init__(self, jobs: dict, tmpdir: str, a: Spec, b: Spec, timeout: float, token: str) -> None:
        self.jobs, self.tmpdir, self.timeout, self.token = jobs, tmpdir, timeout, token
        self.a_job, self.b_job = jobs[a.job_key], jobs[b.job_key]
        self.a_index = next(i for i, s in enumerate(self.a_job.specs) if s is a)
        self.b_index = next(i for i, s in enumerate(self.b_job.specs) if s is b)
        self.same_worker = self.a_job is self.b_job

    def path(self, name: str) -> str:
        return os.path.join(self.tmpdir, name)

    def run(self, job: _Job, tasks: list) -> dict:
        """Send the tasks to the worker and wait for its reply (raises KerasdiffError on trouble)."""
        req = job.files["out"] + ".probe.json"
        tmp = req + ".part"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"tasks": tasks}, fh)
        os.replace(tmp, req)
        done = req + ".done"
        deadline = time.perf_counter() + self.timeout
        while not os.path.exists(done):
            if job.proc.poll() is not None:
                tail = (job.read("stderr").strip().splitlines() or ["no output"])[-1]
                raise KerasdiffError(
                    job.spec.shown,
                    f"the probe's worker died: {tail[:160]}",
                    "run without --probe",
                    detail=job.read("stderr"),
                )
            if time.perf_counter() > deadline:
                raise KerasdiffError(
                    job.spec.shown,
                    f"--probe still running after --timeout {self.timeout:g} s",
                    "raise --timeout or run without --probe",
                )
            time.sleep(0.02)
        with open(done, encoding="utf-8") as fh:
            reply = json.load(fh)
        os.remove(done)  # the next request's reply comes under the same name
        return reply

    def close(self) -> None:
        _stop_all(self.jobs.values(), self.token)
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def worker_env(token: str, folder: str, saved: bool = False, where: Optional[str] = None) -> dict:
    """The environment a worker (or a fork server) runs in: `token` marks the run's processes."""
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    # No __pycache__ next to the user's scripts and helper modules.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # Make sure the worker imports this very kerasdiff, even from a source checkout.
    pkg_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = pkg_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    # Every process a script starts inherits this mark, so the run can end them all, even those
    # that left the worker's process group (setsid, double fork).
    env[_RUN_MARK] = token
    # Temporary files of the worker, of Keras and of the script live in the run's folder, which
    # is removed at the end, however the run ends.
    tmp = os.path.join(folder, "tmp")
    os.makedirs(tmp, exist_ok=True)
    env["TMPDIR"] = env["TEMP"] = env["TMP"] = tmp
    if where:
        env[ENV_VARIABLE] = where  # the worker's frameworks read it (Framework.wants)
    else:
        env.pop(ENV_VARIABLE, None)
    for fw in frameworks():
        env.update(fw.worker_env(env, folder, saved, where))
    return env


_RUN_MARK = "KERASDIFF_RUN"


# Seconds a worker may take to import TensorFlow/Keras before its --timeout clock starts anyway.
_IMPORT_GRACE = 120.0


@dataclass
class _Job:
    specs: list
    proc: Union[subprocess.Popen, Forked]
    files: dict  # out, log, stack, stdout, stderr
    script_started: Optional[float] = None

    @property
    def spec(self) -> Spec:
        return self.specs[0]

    def read(self, key: str) -> str:
        try:
            with open(self.files[key], encoding="utf-8", errors="replace") as fh:
                return fh.read()
        except OSError:
            return ""


def _stage(spec: Spec, folder: str, limits: Limits) -> str:
    """A saved file is loaded from a copy in the run's folder, checked again after copying: the
    bytes Keras reads are the bytes that were checked, and whatever Keras writes beside the file
    it loads (it extracts big weights next to it) is removed with the run."""
    copy = os.path.join(folder, os.path.basename(spec.path))
    try:
        shutil.copyfile(spec.path, copy)
    except OSError as exc:
        raise KerasdiffError(
            spec.shown, f"cannot read the file: {exc.strerror or exc}", "check its permissions"
        ) from None
    framework_of_saved(copy).check_saved(copy, spec.shown, limits)
    return copy


def _preloads(path: str, where: Optional[str]) -> list[str]:
    """The modules a fork server imports before forking the worker of this script."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            source = fh.read()
    except OSError:
        return []
    return [m for fw in frameworks() if fw.wants(source, where) for m in fw.preload]


def _start(
    specs: list,
    run_fit: bool,
    tmpdir: str,
    index: int,
    keep: bool,
    token: str,
    limits: Limits,
    servers: Optional[ForkServers] = None,
) -> _Job:
    # The worker starts in a folder of its own, never the user's current directory: a keras.py
    # or numpy.py lying there (next to a downloaded model) must not be imported.
    folder = os.path.join(tmpdir, str(index))
    os.makedirs(folder, exist_ok=True)
    files = {
        k: os.path.join(folder, f"worker.{k}")
        for k in ("out", "log", "stack", "stdout", "stderr", "exit", "rc")
    }
    spec = specs[0]
    path = _stage(spec, folder, limits) if spec.kind == "saved" else spec.path
    request = {
        "path": path,
        "kind": spec.kind,
        "names": [s.name for s in specs],
        "run_fit": run_fit,
        "cwd": os.getcwd(),
        "shown": spec.shown,
        "out": files["out"],
        "log": files["log"],
        "stack": files["stack"],
        "exit": files["exit"],
        "memory": limits.memory(),
        "keep": keep,
        "parent": os.getpid(),
        "relabel": [[spec.revision.root, spec.revision.rev]] if spec.revision is not None else [],
    }
    env = worker_env(token, folder, spec.kind == "saved", spec.env)
    # A saved file's worker imports Keras with a KERAS_HOME of its own: it cannot share a server.
    if servers is not None and spec.kind == "script":
        forked = servers.server(spec.env).spawn(
            {
                "preload": _preloads(path, spec.env),
                "request": request,
                "env": env,
                "cwd": folder,
                "stdout": files["stdout"],
                "stderr": files["stderr"],
                "rc": files["rc"],
            }
        )
        if forked is not None:
            return _Job(specs, forked, files)
    # -P (Python 3.11+): not even the worker's own folder goes on sys.path.
    flags = ["-P"] if sys.version_info >= (3, 11) else []
    # Output goes to files, not pipes: a chatty script can never block on a full pipe.
    with open(files["stdout"], "wb") as out, open(files["stderr"], "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, *flags, "-m", "kerasdiff.load.worker", json.dumps(request)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=folder,
            env=env,
            start_new_session=True,
        )
    return _Job(specs, proc, files)


def _kill(proc: Union[subprocess.Popen, Forked]) -> None:
    # The group outlives its leader: a finished worker's children are still in it.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        if proc.poll() is None:
            proc.kill()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def _marked(token: str) -> list[int]:
    """Processes of this run that left the workers' process groups (Linux: /proc environ)."""
    needle = f"{_RUN_MARK}={token}".encode()
    found = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    me = os.getpid()
    for name in names:
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as fh:
                if needle in fh.read().split(b"\0"):
                    found.append(int(name))
        except OSError:
            continue  # gone, or not ours
    return found


def _stop_all(jobs: object, token: str) -> None:
    """End every worker and every process the scripts started, however they detached."""
    for job in list(jobs):  # type: ignore[call-overload]
        _kill(job.proc)
    for _ in range(5):  # a process may fork while it is being killed: sweep until none is left
        pids = _marked(token)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.05)


def _busy_at(job: _Job) -> Optional[str]:
    """Ask a running worker for its stack (SIGUSR1 -> faulthandler) and find the user's line."""
    if not hasattr(signal, "SIGUSR1"):
        return None
    try:
        job.proc.send_signal(signal.SIGUSR1)
    except (ProcessLookupError, OSError):
        return None
    dump, last = "", None
    for _ in range(40):  # the dump is written at once by a C handler; wait until it is complete
        time.sleep(0.05)
        dump = job.read("stack")
        if dump and dump == last:
            break
        last = dump
    script = os.path.realpath(job.spec.path)
    folder = os.path.dirname(script) + os.sep
    first_in_folder = None
    for ln in dump.splitlines():  # most recent call first
        m = _FRAME.match(ln)
        if not m:
            continue
        real = os.path.realpath(m["file"])
        if real == script:
            return f"line {m['line']}"
        if first_in_folder is None and real.startswith(folder) and "site-packages" not in real:
            first_in_folder = f"{os.path.relpath(real, os.getcwd())}:{m['line']}"
    return first_in_folder


def _timeout_error(job: _Job, timeout: float) -> KerasdiffError:
    where = _busy_at(job)
    out = job.read("log").rstrip()
    detail = f"--- output of {job.spec.shown} before it was stopped ---\n{out}\n---\n" if out else ""
    stack = job.read("stack").strip()
    if stack:
        detail += f"--- where it was ---\n{stack}\n"
    return KerasdiffError(
        job.spec.shown,
        f"still running after --timeout {timeout:g} s" + (f", busy at {where}" if where else ""),
        "training or waiting at import time? put it under `if __name__ == '__main__':`, or raise --timeout",
        detail,
    )


_OUT_OF_MEMORY = (
    "MemoryError",
    "std::bad_alloc",
    "Cannot allocate memory",
    "ResourceExhaustedError",
    "failed to allocate memory",
    "OOM when allocating",
)


def _result(job: _Job, limits: Limits = Limits()) -> dict:
    text = job.read("out")
    payload = None
    if text:
        try:
            payload = json.loads(text)
        except ValueError:
            payload = None
    if payload is None:
        stderr = job.read("stderr").strip()
        log = job.read("log").rstrip()
        detail = (f"--- output of {job.spec.shown} ---\n{log}\n---\n" if log else "") + stderr
        exited = job.read("exit").strip()
        if exited:
            # The script itself ended the process with os._exit(): say so, with its line.
            info = json.loads(exited)
            where = f"{job.spec.shown}:{info['line']}" if info.get("line") else job.spec.shown
            raise KerasdiffError(
                where,
                f"the script called os._exit({info.get('code')}) while loading",
                "move it under `if __name__ == '__main__':`",
                detail=detail,
            )
        code = job.proc.returncode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit {code}"
        memory = limits.memory()
        if memory and any(m in stderr for m in _OUT_OF_MEMORY):
            raise KerasdiffError(
                job.spec.shown,
                f"the loader ran out of memory (its limit is {memory / MB:,.0f} MB)",
                "raise --max-memory (MB, 0 = no limit) if the model is that big",
                detail=detail,
            )
        tail = (stderr.splitlines() or ["no output"])[-1]
        raise KerasdiffError(
            job.spec.shown,
            f"the loader process died ({how}): {tail[:160]}",
            "the script may crash Python; run it with python to check, --verbose shows the output",
            detail=detail,
        )
    if not payload.get("ok"):
        raise KerasdiffError.from_dict(payload["error"])
    return payload


def load_pair(
    a: Spec,
    b: Spec,
    *,
    timeout: float = 300.0,
    run_fit: bool = False,
    keep: bool = False,
    limits: Limits = Limits(),
    servers: Optional[ForkServers] = None,
) -> Loaded:
    """Load both specs; the same file named twice runs once, in one worker.

    Workers run in parallel; the first one to fail ends the run (the other is stopped).
    keep=True: loaded workers stay alive with their models (Loaded.session; close it).
    servers: fork the script workers from these (many pairs) instead of starting processes."""
    for spec in (a, b):
        check_environment(spec)
    groups: dict[str, list[Spec]] = {}
    for spec in (a, b):
        # the same file in the same environment runs once (m.py@jax and m.py run twice)
        groups.setdefault(spec.job_key, []).append(spec)
    tmpdir = tempfile.mkdtemp(prefix="kerasdiff-")
    token = uuid.uuid4().hex
    started = time.perf_counter()
    jobs: dict[str, _Job] = {}
    results: dict[str, dict] = {}
    durations: dict[str, float] = {}
    try:
        for i, (path, specs) in enumerate(groups.items()):
            jobs[path] = _start(specs, run_fit, tmpdir, i, keep, token, limits, servers)
        pending = dict(jobs)
        while pending:
            now = time.perf_counter()
            for path, job in list(pending.items()):
                if job.proc.poll() is None and not (keep and os.path.exists(job.files["out"])):
                    # --timeout counts the user's script, not the worker's TensorFlow import: the
                    # clock starts when the worker opens the log (just before the script runs).
                    if job.script_started is None and os.path.exists(job.files["log"]):
                        job.script_started = now
                    begin = (
                        job.script_started
                        if job.script_started is not None
                        else (started + max(_IMPORT_GRACE, timeout))
                    )
                    if now > begin + timeout:
                        raise _timeout_error(job, timeout)
                    continue
                durations[path] = now - started
                del pending[path]
                results[path] = _result(job, limits)  # raises on trouble: the first failure wins
            if pending:
                time.sleep(0.02)
    except BaseException:
        keep = False
        raise
    finally:
        if not keep:
            _stop_all(jobs.values(), token)
            shutil.rmtree(tmpdir, ignore_errors=True)

    graphs = {}
    output = {}
    extract_time = 0.0
    for path, job in jobs.items():
        payload = results[path]
        for spec, gd in zip(job.specs, payload["graphs"]):
            graphs[spec.raw, spec.path, spec.name] = Graph.from_dict(gd)
            output[spec.shown] = payload.get("output", "")  # per file: a script runs once
        extract_time = max(extract_time, payload.get("extract_seconds", 0.0))
    ga = graphs[a.raw, a.path, a.name]
    gb = graphs[b.raw, b.path, b.name]
    # Both workers run at once; each side's load time is its own wall time minus extraction.
    timings = {
        "load_a": max(0.0, durations[a.job_key] - results[a.job_key].get("extract_seconds", 0.0)),
        "load_b": max(0.0, durations[b.job_key] - results[b.job_key].get("extract_seconds", 0.0)),
        "extract": extract_time,
    }
    session = LiveSession(jobs, tmpdir, a, b, timeout, token) if keep else None
    return Loaded(ga, gb, timings, output, session)

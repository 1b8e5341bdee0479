"""Fork servers for many pairs: one process per environment imports the frameworks once, then
forks a fresh worker per script, so 20 pairs pay TensorFlow's import once, not 40 times.

Isolation is what it was with one process per script: each worker is a child forked from the
server's pristine post-import state (the server itself never runs a script or builds a model),
in its own session, folder, environment and output files; whatever a script changes dies with
its child. The server is `python -P -m kerasdiff.load.forkserver`: JSON lines in on stdin
(`{"preload": [...], "request": {...}, "env": {...}, "cwd": ..., "stdout": ..., "stderr": ...,
"rc": ...}`), one line out per request (`{"pid": N}`); it reaps its children and writes each
exit status to the request's `rc` file (the parent is not their parent, so it cannot wait).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Optional

# ---------------------------------------------------------------- parent side


class Forked:
    """A worker forked by a server, with the part of Popen's interface the loader uses."""

    def __init__(self, pid: int, rc_path: str) -> None:
        self.pid, self._rc_path = pid, rc_path
        self.returncode: Optional[int] = None

    def poll(self) -> Optional[int]:
        if self.returncode is None:
            try:
                with open(self._rc_path, encoding="utf-8") as fh:
                    self.returncode = int(fh.read())
            except (OSError, ValueError):
                return None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        os.kill(self.pid, sig)

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def wait(self, timeout: Optional[float] = None) -> int:
        deadline = None if timeout is None else time.perf_counter() + timeout
        while self.poll() is None:
            if deadline is not None and time.perf_counter() > deadline:
                raise subprocess.TimeoutExpired("kerasdiff worker", timeout or 0)
            time.sleep(0.02)
        return self.returncode  # type: ignore[return-value]


class _Server:
    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.lock = threading.Lock()

    def spawn(self, message: dict) -> Optional[Forked]:
        """Fork one worker; None when the server is gone (the caller starts a process instead)."""
        with self.lock:
            if self.proc.poll() is not None or self.proc.stdin is None or self.proc.stdout is None:
                return None
            try:
                self.proc.stdin.write((json.dumps(message) + "\n").encode())
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
            except OSError:
                return None
        try:
            pid = int(json.loads(line)["pid"])
        except (ValueError, KeyError, TypeError):
            return None
        return Forked(pid, message["rc"])


class ForkServers:
    """The servers of one run, one per environment, started on first use; close() ends them
    and every process they forked (also those that left their session)."""

    def __init__(self) -> None:
        import tempfile
        import uuid

        self.tmpdir = tempfile.mkdtemp(prefix="kerasdiff-servers-")
        self.token = uuid.uuid4().hex  # the mark of every process the servers fork
        self._servers: dict[Optional[str], _Server] = {}
        self._lock = threading.Lock()

    def server(self, where: Optional[str]) -> _Server:
        from kerasdiff.load.isolate import worker_env

        with self._lock:
            if where not in self._servers:
                folder = os.path.join(self.tmpdir, f"server-{where or 'default'}")
                os.makedirs(folder, exist_ok=True)
                flags = ["-P"] if sys.version_info >= (3, 11) else []
                with open(os.path.join(folder, "server.stderr"), "wb") as err:
                    proc = subprocess.Popen(
                        [sys.executable, *flags, "-m", "kerasdiff.load.forkserver"],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=err,
                        cwd=folder,
                        env=worker_env(self.token, folder, False, where),
                        start_new_session=True,
                    )
                self._servers[where] = _Server(proc)
            return self._servers[where]

    def close(self) -> None:
        import shutil

        from kerasdiff.load.isolate import _stop_all

        for s in self._servers.values():
            if s.proc.stdin is not None:
                try:
                    s.proc.stdin.close()
                except OSError:
                    pass
        # the servers, then whatever carries the run's mark: forked workers and their children
        _stop_all(list(self._servers.values()), self.token)
        self._servers.clear()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


# ---------------------------------------------------------------- server side


def _child(msg: dict) -> None:
    """In the forked child: become a fresh worker, run the request, never return."""
    code = 70
    try:
        os.setsid()  # its own session and group: the loader kills it with its group
        fd = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd, 0)
        out = os.open(msg["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(msg["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        os.dup2(err, 2)
        for f in (fd, out, err):
            os.close(f)
        os.chdir(msg["cwd"])
        os.environ.clear()
        os.environ.update(msg["env"])
        import random
        import tempfile

        tempfile.tempdir = None  # TMPDIR is the worker's own folder now
        # A fresh process draws fresh random state; a fork would copy the server's to every child.
        random.seed()
        np = sys.modules.get("numpy")
        if np is not None:
            np.random.seed(None)
        from kerasdiff.load import worker

        code = worker.main([json.dumps(msg["request"])])
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - a child must never return into the server's loop
        import traceback

        traceback.print_exc()
    os._exit(code)


def _preload(names: list, done: set) -> None:
    for name in names:
        if name in done:
            continue
        done.add(name)
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - the worker imports it again and reports the failure itself
            pass


def serve() -> None:
    import select

    pending: dict[int, str] = {}  # pid -> where its exit status goes
    loaded: set = set()
    buf = b""
    while True:
        ready, _, _ = select.select([0], [], [], 0.05)
        if ready:
            chunk = os.read(0, 65536)
            if not chunk:
                break  # the loader is done or gone: so are its workers
            buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            msg = json.loads(line)
            _preload(msg.get("preload", []), loaded)
            # a worker kept for --probe serves until its parent (this server) is gone
            msg["request"]["parent"] = os.getpid()
            pid = os.fork()
            if pid == 0:
                _child(msg)
            pending[pid] = msg["rc"]
            os.write(1, (json.dumps({"pid": pid}) + "\n").encode())
        while pending:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pending.clear()
                break
            if pid == 0:
                break
            rc = os.waitstatus_to_exitcode(status)
            path = pending.pop(pid, None)
            if path:
                with open(path + ".part", "w", encoding="utf-8") as fh:
                    fh.write(str(rc))
                os.replace(path + ".part", path)
    for pid in pending:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


if __name__ == "__main__":
    serve()

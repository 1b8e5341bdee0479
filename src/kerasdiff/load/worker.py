"""Worker process entry: load one file (script or saved model), extract graphs, write them as JSON
(framework-neutral: kerasdiff.load.script runs the script, the frameworks do the rest).

`python -m kerasdiff.load.worker REQUEST_JSON`. The request names the file, the NAMEs wanted, and
where to write: `out` (the result), `log` (the script's output, streamed), `stack` (a Python stack
dump written on SIGUSR1, so the parent can say where a timed-out script was busy).
"""

from __future__ import annotations

import json
import os
import sys
import traceback

# The script may replace os._exit (kerasdiff reports a script's own call); the worker ends with this.
_EXIT = os._exit


def _limit_memory(limit: int | None) -> None:
    """Address-space limit: a model that asks for too much fails here, not on the whole machine."""
    if not limit:
        return
    try:
        import resource
    except ImportError:  # not on POSIX
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _arm_stack_dump(path: str | None) -> None:
    if not path:
        return
    import faulthandler
    import signal

    if hasattr(signal, "SIGUSR1"):
        fh = open(path, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        faulthandler.register(signal.SIGUSR1, file=fh, all_threads=True)


def main(argv: list[str]) -> int:
    request = json.loads(argv[0])
    out = request["out"]
    models = None
    owner = None
    shown = request.get("shown") or request["path"]
    try:
        _limit_memory(request.get("memory"))
        _arm_stack_dump(request.get("stack"))
        from kerasdiff.load import script

        result = script.load_file(
            request["path"],
            request["kind"],
            request["names"],
            run_fit=request.get("run_fit", False),
            cwd=request.get("cwd"),
            shown=shown,
            log=request.get("log"),
            exit_marker=request.get("exit"),
            relabel=request.get("relabel"),
        )
        text = json.dumps(
            {
                "ok": True,
                "graphs": [g.to_dict() for g in result.graphs],
                "output": result.output,
                "extract_seconds": result.extract_seconds,
            }
        )
        models = result.models
        owner = result.framework
    except BaseException as exc:  # noqa: BLE001 - every failure must become a JSON error line
        from kerasdiff.errors import KerasdiffError

        backend = os.environ.get("KERAS_BACKEND", "")
        missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
        if isinstance(exc, KerasdiffError):
            err = exc
        elif missing and missing.split(".")[0] == {"jax": "jax", "torch": "torch"}.get(backend):
            # `SPEC@jax` / `@torch` (or KERAS_BACKEND) on a machine without that library
            err = KerasdiffError(
                shown,
                f"Keras's {backend} backend needs the {missing.split('.')[0]} package, which is not installed",
                f"pip install {'jax' if backend == 'jax' else 'torch'}, or choose another backend",
            )
        else:
            err = KerasdiffError(
                shown,
                f"internal error while loading: {type(exc).__name__}: {exc}",
                "run with --verbose; please report it",
                detail=traceback.format_exc(),
            )
        text = json.dumps({"ok": False, "error": err.to_dict()})
    tmp = out + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, out)  # the parent never sees half a result
    if request.get("keep") and models is not None and owner is not None and owner.can_probe:
        _serve_probe(owner, models, out + ".probe.json", request.get("parent"))
    return 0


def _serve_probe(owner: object, models: list, request_path: str, parent: int | None) -> None:
    """Serve the parent's probe requests, one at a time (the inference probe, then the
    --probe-train step); the parent kills us when it is done, and we stop when it is gone."""
    import time

    while True:
        while not os.path.exists(request_path):
            if parent is not None and os.getppid() != parent:
                return  # the parent is gone
            time.sleep(0.02)
        owner.serve_probe(models, request_path)  # type: ignore[attr-defined]


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # TensorFlow and user threads must not keep a finished worker alive.
    _EXIT(code)

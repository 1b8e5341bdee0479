"""Worker process entry: load one file (script or saved model), extract graphs, write them as JSON."""

from __future__ import annotations

import json
import sys
import traceback


def main(argv: list[str]) -> int:
    request = json.loads(argv[0])
    out = request["out"]
    try:
        from kerasdiff.load import runner

        result = runner.load_file(request["path"], request["kind"], request["names"],
                                  run_fit=request.get("run_fit", False), cwd=request.get("cwd"))
        payload = {"ok": True, "graphs": [g.to_dict() for g in result.graphs],
                   "output": result.output, "extract_seconds": result.extract_seconds}
    except BaseException as exc:  # noqa: BLE001 - every failure must become a JSON error line
        from kerasdiff.errors import KerasdiffError

        if isinstance(exc, KerasdiffError):
            err = exc
        else:
            err = KerasdiffError(request["path"], f"internal error while loading: "
                                 f"{type(exc).__name__}: {exc}", "run with --verbose; please report it",
                                 detail=traceback.format_exc())
        payload = {"ok": False, "error": err.to_dict()}
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(payload, fh)
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # TensorFlow and user threads must not keep a finished worker alive.
    import os

    os._exit(code)

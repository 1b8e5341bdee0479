"""Benchmark: the HTML report of two NASNetLarge models (1,040 layers, one activation changed):
its size, and the time headless Chromium takes to show its first view.

    python benchmarks/html.py [--model nasnetlarge] [--chromium /usr/bin/chromium]

Needs playwright (pip) and a Chromium (Debian's `chromium` package). The budget from the issue:
under 5 MB, first view under 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import MODELS, kerasdiff_cmd, write_scripts  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="nasnetlarge", choices=sorted(MODELS))
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = tempfile.mkdtemp(prefix="kerasdiff-bench-html-")
    try:
        a, b = write_scripts(tmp, args.model)
        out = os.path.join(tmp, "report.html")
        t0 = time.perf_counter()
        done = subprocess.run(
            [*kerasdiff_cmd(), a, b, "--format", "html", "-o", out], capture_output=True, text=True
        )
        t_run = time.perf_counter() - t0
        if done.returncode not in (0, 1):
            raise SystemExit(done.stderr.strip())
        size = os.path.getsize(out)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            t0 = time.perf_counter()
            page.goto("file://" + out)
            page.wait_for_selector("#verdict")
            page.wait_for_selector(".node.error")  # the changed layer, in the one open section
            t_view = time.perf_counter() - t0
            nodes = page.evaluate("document.querySelectorAll('.node').length")
            groups = page.evaluate("document.querySelectorAll('.group').length")
            browser.close()
        print(f"kerasdiff --format html: {t_run:5.1f} s (both models built and compared)")
        print(f"report size:             {size / 1e6:5.2f} MB (budget 5 MB)")
        print(
            f"first view in Chromium:  {t_view:5.2f} s (budget 2 s): {groups} sections, {nodes} nodes drawn"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

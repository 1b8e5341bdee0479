"""Regenerate the screenshots of `--format html` in docs/ (README shows them):

python docs/make_screenshots.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

DOCS = os.path.dirname(os.path.abspath(__file__))
EX = os.path.join(os.path.dirname(DOCS), "examples")
SHOTS = {
    "html-seed000.png": ("seed000-output-activation", ["a.py", "b.py", "--probe"], "b:dense_3"),
    "html-seed003.png": ("seed003-shared-base", ["a.py", "b.py"], None),
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = tempfile.mkdtemp(prefix="kerasdiff-shots-")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            for png, (name, argv, click) in SHOTS.items():
                out = os.path.join(tmp, png + ".html")
                # paths as a user in the repository types them
                specs = [f"examples/{name}/{a}" if a.endswith(".py") else a for a in argv]
                root = os.path.dirname(EX)
                subprocess.run(
                    [sys.executable, "-m", "kerasdiff", *specs, "--format", "html", "-o", out], cwd=root
                )
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto("file://" + out)
                page.wait_for_selector("#verdict")
                if click:
                    side, key = click.split(":")
                    page.click(f'.node[data-side="{side}"][data-key="{key}"]')
                page.screenshot(path=os.path.join(DOCS, png))
                print("wrote", os.path.join(DOCS, png))
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

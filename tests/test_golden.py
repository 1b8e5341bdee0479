"""Golden text and Markdown reports of a few examples: a change in wording is a visible diff.

The README's sample output is one of them (checked against the README itself). Regenerate with
`python tests/test_golden.py --update` and read the diff before committing it.
"""

from __future__ import annotations

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GOLDEN = os.path.join(HERE, "golden")
CASES = [
    "seed000-output-activation",
    "seed003-shared-base",
    "kd103-activation-before-bn",
    "kd161-missing-dropout",
    "seed004-sklearn-mlp",
]

pytestmark = pytest.mark.keras


def reports(name: str) -> dict[str, str]:
    from conftest import load_graph
    from kerasdiff.engine import compare_graphs
    from kerasdiff.report import Format, render

    folder = os.path.join(ROOT, "examples", name)
    sides = ("sk.py", "keras_mlp.py") if os.path.exists(os.path.join(folder, "sk.py")) else ("a.py", "b.py")
    report = compare_graphs(*(load_graph(os.path.join(folder, s)) for s in sides))
    return {"txt": render(report, Format.TEXT), "md": render(report, Format.MARKDOWN)}


def _path(name: str, ext: str) -> str:
    return os.path.join(GOLDEN, f"{name}.{ext}")


@pytest.mark.parametrize("name", CASES)
def test_report_matches_its_golden_file(name):
    got = reports(name)
    for ext, text in got.items():
        with open(_path(name, ext), encoding="utf-8") as fh:
            want = fh.read()
        assert text == want, f"{name}.{ext} changed: python tests/test_golden.py --update, then read the diff"


def test_readme_sample_output_is_the_real_report():
    with open(_path("seed000-output-activation", "txt"), encoding="utf-8") as fh:
        golden = fh.read()
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    assert golden.strip() in readme, "update the README's sample output from tests/golden/"


if __name__ == "__main__" and "--update" in sys.argv:
    sys.path.insert(0, HERE)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.makedirs(GOLDEN, exist_ok=True)
    for case in CASES:
        for ext, text in reports(case).items():
            with open(_path(case, ext), "w", encoding="utf-8") as fh:
                fh.write(text)
        print("wrote", case)

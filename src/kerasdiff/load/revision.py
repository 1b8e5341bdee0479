"""Git revision specs (`REV:PATH[:NAME]`, `--against REV`): the revision's tree exported to a
temporary folder, read-only for the repository (no checkout, no worktree, no index refresh).

The script then runs from that folder like any script, so its sibling modules and data files are
the revision's. `git archive` writes nothing into the repository; `GIT_OPTIONAL_LOCKS=0` keeps
even read commands from refreshing the index. The folder is removed when the run ends.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from typing import Optional

from kerasdiff.errors import KerasdiffError

# The text before the first colon is a file, not a revision, when it ends like one (DESIGN.md).
_FILE_SUFFIXES = (".py", ".keras", ".h5", ".hdf5", ".json")
_EXPORTS: list[str] = []


@dataclass(frozen=True)
class Revision:
    """Where a revision spec's file was exported, and how reports name it."""

    rev: str  # as the user wrote it ("main", "HEAD~1")
    sha: str
    repo: str  # the repository's top-level folder
    rel: str  # the file's path in the repository (posix)
    root: str  # the temporary folder holding the revision's tree

    @property
    def label(self) -> str:
        return f"{self.rev}:{self.rel}"


def split(raw: str) -> Optional[tuple[str, str]]:
    """(REV, PATH[:NAME]) when `raw` is a revision spec, else None."""
    head, sep, rest = raw.partition(":")
    if not sep or not head or not rest or head.lower().endswith(_FILE_SUFFIXES):
        return None
    if os.path.exists(raw):  # a file whose name has a colon
        return None
    return head, rest


def _git(args: list[str], cwd: str, shown: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, stdin=subprocess.DEVNULL, timeout=300
        )
    except FileNotFoundError:
        raise KerasdiffError(shown, "git is not installed", "install git to compare revisions") from None
    except subprocess.TimeoutExpired:
        raise KerasdiffError(shown, "git took over 300 s", "check the repository") from None


def _first_dir(path: str) -> str:
    d = os.path.dirname(os.path.abspath(path)) or os.sep
    while not os.path.isdir(d) and os.path.dirname(d) != d:
        d = os.path.dirname(d)
    return d


def export(rev: str, path: str, shown: str) -> Revision:
    """Export the tree of `rev` in the repository that holds `path`; KerasdiffError (exit 2) for a
    folder that is not in a repository, an unknown revision, or a path absent at it."""
    where = _first_dir(path)
    top = _git(["rev-parse", "--show-toplevel"], where, shown)
    if top.returncode != 0:
        raise KerasdiffError(
            shown,
            f"{where} is not inside a git repository",
            "give a path inside a repository, or compare two files",
        )
    repo = top.stdout.decode().strip()
    found = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], repo, shown)
    if found.returncode != 0 or not found.stdout.strip():
        raise KerasdiffError(
            shown,
            f"unknown revision '{rev}' in {repo}",
            "give a branch, tag or commit that `git rev-parse` knows (`git log --oneline` lists them)",
        )
    sha = found.stdout.decode().strip()
    rel = os.path.relpath(os.path.realpath(os.path.abspath(path)), os.path.realpath(repo))
    if rel.startswith(".."):
        raise KerasdiffError(shown, f"{path} is outside the repository {repo}", "give a path inside it")
    rel = rel.replace(os.sep, "/")
    if _git(["cat-file", "-e", f"{sha}:{rel}"], repo, shown).returncode != 0:
        raise KerasdiffError(
            shown,
            f"{rel} does not exist at {rev} ({sha[:10]})",
            f"check the path with `git ls-tree -r --name-only {rev}`",
        )
    root = tempfile.mkdtemp(prefix="kerasdiff-rev-")
    _EXPORTS.append(root)
    tar = os.path.join(root, ".tree.tar")
    made = _git(["archive", "--format=tar", "-o", tar, sha], repo, shown)
    if made.returncode != 0:
        raise KerasdiffError(
            shown,
            f"git archive failed: {made.stderr.decode(errors='replace').strip()[:160]}",
            "check the repository",
        )
    tree = os.path.join(root, "tree")
    with tarfile.open(tar) as tf:
        # a tree from a repository is data: no links out of the folder, no devices, no setuid
        if hasattr(tarfile, "data_filter"):
            tf.extractall(tree, filter="data")
        else:  # Python < 3.12 without the backported filters
            safe = [m for m in tf.getmembers() if m.isfile() or m.isdir()]
            tf.extractall(
                tree, members=[m for m in safe if not os.path.isabs(m.name) and ".." not in m.name.split("/")]
            )
    os.remove(tar)
    return Revision(rev=rev, sha=sha, repo=repo, rel=rel, root=tree)


def exists(rev: str, path: str) -> bool:
    """Whether `path` exists at `rev` (False too outside a repository or before the first commit)."""
    where = _first_dir(path)
    top = _git(["rev-parse", "--show-toplevel"], where, path)
    if top.returncode != 0:
        return False
    repo = top.stdout.decode().strip()
    rel = os.path.relpath(os.path.realpath(os.path.abspath(path)), os.path.realpath(repo)).replace(
        os.sep, "/"
    )
    return _git(["cat-file", "-e", f"{rev}:{rel}"], repo, path).returncode == 0


def cleanup() -> None:
    """Remove every exported tree of this process."""
    while _EXPORTS:
        shutil.rmtree(_EXPORTS.pop(), ignore_errors=True)


atexit.register(cleanup)

__all__ = ["Revision", "split", "export", "exists", "cleanup"]

"""Shared fixtures: load example scripts in-process once per session (same code the worker runs)."""

from __future__ import annotations

import os
from functools import cache

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


@cache
def load_graph(path: str, name: str | None = None):
    """Run a script (or saved file) in this process and return its neutral Graph, cached."""
    from kerasdiff.load import script as runner
    from kerasdiff.load.keras import reset_state

    reset_state()
    path = os.path.abspath(path)
    kind = "script" if path.endswith(".py") else "saved"
    return runner.load_file(path, kind, [name], cwd=ROOT).graphs[0]


@pytest.fixture(scope="session")
def graph_loader():
    return load_graph

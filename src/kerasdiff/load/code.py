"""One hash of Python code for every comparison of user code (custom layers, losses, metrics,
schedules, call() methods): what the code computes, without comments, docstrings or formatting."""

from __future__ import annotations

import ast
import hashlib
import inspect
import textwrap
from typing import Any, Optional


def code_text(src: str) -> str:
    """What the source computes: its AST without docstrings (comments and layout are not in it)."""
    try:
        tree = ast.parse(textwrap.dedent(src))
    except SyntaxError:
        return src
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list) or not body:
            continue
        first = body[0]
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
    return ast.dump(tree)


def source_sha(obj: Any) -> Optional[str]:
    """Hash of an object's code (12 hex digits), or None when its source cannot be read."""
    try:
        src = inspect.getsource(obj)
    except (OSError, TypeError):
        return None
    return hashlib.sha256(code_text(src).encode()).hexdigest()[:12]


__all__ = ["code_text", "source_sha"]

"""The frameworks kerasdiff compares: one registration line each. Importing this module imports
no framework (each package keeps its framework imports inside its functions)."""

from __future__ import annotations

from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Graph
from kerasdiff.load.interface import Framework
from kerasdiff.load.keras import KerasFramework
from kerasdiff.load.sklearn import SklearnFramework
from kerasdiff.load.tf_keras import TfKerasFramework
from kerasdiff.load.torch import TorchFramework

# One line per framework; the order is the order in which scripts are searched for models.
FRAMEWORKS: tuple[Framework, ...] = (
    KerasFramework(),
    SklearnFramework(),
    TorchFramework(),
    TfKerasFramework(),
)


def frameworks() -> tuple[Framework, ...]:
    return FRAMEWORKS


def get(name: str) -> Framework:
    for fw in FRAMEWORKS:
        if fw.name == name:
            return fw
    raise KeyError(name)


def of(graph: Graph) -> Framework | None:
    """The framework a graph came from (None for hand-built graphs)."""
    return next((fw for fw in FRAMEWORKS if fw.name == graph.framework), None)


def saved_suffixes() -> tuple[str, ...]:
    return tuple(s for fw in FRAMEWORKS for s in fw.saved_suffixes)


def framework_of_saved(path: str, where: str | None = None) -> Framework:
    """The framework that loads a saved file; in environment `where` (`m.h5@keras2`) the one
    made for it comes first."""
    lower = path.lower()
    ranked = sorted(FRAMEWORKS, key=lambda fw: where is None or where not in fw.environments)
    for fw in ranked:
        if lower.endswith(fw.saved_suffixes) and (where in fw.environments or not fw.only_in_environments):
            return fw
    raise KerasdiffError(path, "unknown kind of saved model", "give a script or a saved model")


saved_framework = framework_of_saved


def checkers_for(a: Graph, b: Graph) -> tuple:
    """The framework-semantics rules of the frameworks in this pair."""
    seen: list = []
    for g in (a, b):
        fw = of(g)
        if fw is not None and fw not in seen:
            seen.append(fw)
    return tuple(c for fw in seen for c in fw.checkers())


def complete(a: Graph, b: Graph) -> tuple[Graph, Graph]:
    """Each side completed with what only the other side knows (e.g. an unfitted estimator's
    input width)."""
    fa, fb = of(a), of(b)
    return (fa.complete(a, b) if fa else a), (fb.complete(b, a) if fb else b)


__all__ = [
    "FRAMEWORKS",
    "frameworks",
    "get",
    "of",
    "saved_suffixes",
    "framework_of_saved",
    "checkers_for",
    "complete",
]

"""scikit-learn MLPRegressor / MLPClassifier (alone or ending a Pipeline), compared in Keras terms.

Worker side: hooks that record fit(X, y) without training, the estimator's facts and plan, its
graph. Parent side: the framework-semantics rules (KD401-KD411), the input width taken from the
other model, `--emit-keras`. Importing this package imports no scikit-learn."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from kerasdiff.graph import Graph
from kerasdiff.load.interface import Framework

INSTALL_HINT = 'the script needs scikit-learn: pip install "kerasdiff[sklearn]"'


class SklearnFramework(Framework):
    name = "sklearn"
    label = "a scikit-learn MLP"
    preload = ("sklearn.neural_network",)

    # ---- parent side
    def checkers(self) -> tuple:
        from kerasdiff.load.sklearn.rules import check
        from kerasdiff.rules import make_checker

        return (
            make_checker(
                check,
                "KD401",
                "KD402",
                "KD403",
                "KD404",
                "KD405",
                "KD406",
                "KD407",
                "KD408",
                "KD409",
                "KD410",
                "KD411",
            ),
        )

    def complete(self, graph: Graph, other: Graph) -> Graph:
        """An unfitted estimator's input and output widths come from the other model (KD410 says
        so): no `units=None` finding, no unknown init bounds."""
        if other.framework == self.name:
            return graph
        facts = dict((graph.recipe or {}).get("sklearn") or {})
        changed = False
        shape = other.inputs[0].shape if other.inputs else None
        if facts.get("n_features") is None and shape and shape[-1] is not None:
            facts.update(n_features=int(shape[-1]), n_features_source=other.framework)
            changed = True
        out = _output_width(other)
        if facts.get("n_outputs") is None and out is not None:
            facts.update(n_outputs=out, n_outputs_source=other.framework)
            changed = True
        if not changed:
            return graph
        from kerasdiff.load.sklearn import semantics as sem

        return replace(sem.plan_to_graph(sem.keras_plan(facts), graph.spec, graph.name), env=graph.env)

    def emit(self, graph: Graph) -> Optional[str]:
        from kerasdiff.load.sklearn.emit import emit_keras

        return emit_keras(graph.recipe["plan"])

    # ---- worker side
    def start(self, run: Any) -> None:
        from kerasdiff.load.sklearn import hooks

        hooks.install(run.source, run.run_fit, run.origin)

    def stop(self) -> None:
        from kerasdiff.load.sklearn import hooks

        hooks.stop()

    def is_model(self, obj: Any) -> bool:
        from kerasdiff.load.sklearn import hooks

        return hooks.is_mlp(obj)

    def refuses(self, obj: Any) -> Optional[str]:
        from kerasdiff.load.sklearn import hooks

        if hooks.is_other_estimator(obj):
            return f"a scikit-learn {type(obj).__name__}; kerasdiff compares MLPRegressor/MLPClassifier only"
        return None

    def extract(self, obj: Any, spec: str, name: str, run: Any) -> Graph:
        from kerasdiff.load.sklearn import hooks
        from kerasdiff.load.sklearn import semantics as sem

        fit = hooks.recorded_fit(obj)
        origin = hooks.constructed_at(obj) or (fit or {}).get("origin")
        facts = sem.facts_from_estimator(obj, fit=fit, origin=origin)
        import sklearn

        graph = sem.plan_to_graph(sem.keras_plan(facts), spec, name)
        return replace(graph, env={"sklearn": sklearn.__version__})

    def hint(self, exc: BaseException, line_text: str) -> Optional[str]:
        if isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == "sklearn":
            return INSTALL_HINT
        return None


def _output_width(g: Graph) -> Optional[int]:
    """The last dimension of a graph's single output, when it is known."""
    if len(g.outputs) != 1:
        return None
    head = g.outputs[0].ref.rpartition(":")[0]
    call = g.call_map().get(head)
    shapes = call.output_shapes if call is not None else ()
    shape = shapes[0] if shapes else None
    return int(shape[-1]) if shape and shape[-1] is not None else None


__all__ = ["SklearnFramework", "INSTALL_HINT"]

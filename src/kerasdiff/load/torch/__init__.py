"""PyTorch `nn.Module`s in user scripts, compared in Keras terms (docs/torch.md).

Worker side: hooks that record where modules, optimizers and DataLoaders were built and which
`nn.init` call set each parameter; tracing with torch.fx into the neutral graph; the recipe from
module-level objects. Parent side: the convention rules (KD601-KD620) and the input shape taken
from the other side when the script has no `example_input`. Importing this package imports no
torch, and a torch worker never imports TensorFlow. `.pt`/`.pth` files are never unpickled."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from kerasdiff.errors import KerasdiffError
from kerasdiff.graph import Graph
from kerasdiff.load.interface import Framework, Limits

INSTALL_HINT = 'the script needs PyTorch: pip install "kerasdiff[torch]"'


class TorchFramework(Framework):
    name = "torch"
    label = "a PyTorch module"
    # Listed so that a .pt/.pth spec gets its own refusal (check_saved), never a load.
    saved_suffixes = (".pt", ".pth")
    can_probe = True
    preload = ("torch",)

    # ---- parent side
    def checkers(self) -> tuple:
        from kerasdiff.load.torch.rules import CODES, check
        from kerasdiff.rules import make_checker

        return (make_checker(check, *CODES),)

    def complete(self, graph: Graph, other: Graph) -> Graph:
        from kerasdiff.load.torch.complete import complete

        return complete(graph, other)

    def emit(self, graph: Graph) -> Optional[str]:
        from kerasdiff.load.torch.emit import emit_keras

        return emit_keras(graph)

    def check_saved(self, path: str, shown: str, limits: Limits) -> None:
        raise KerasdiffError(
            shown,
            "is a PyTorch pickle (.pt/.pth): kerasdiff never unpickles files, which can run code",
            "give the .py script that builds the module (it may load the weights itself)",
        )

    # ---- worker side
    def wants(self, source: str, where: Optional[str] = None) -> bool:
        return "torch" in source

    def start(self, run: Any) -> None:
        import importlib.util

        if importlib.util.find_spec("torch") is None:
            return  # the script's own `import torch` fails, and hint() gives the install line
        from kerasdiff.load.torch import hooks, recipe

        hooks.install(run.origin)
        self.seeds, self._undo_seeds = recipe.seeds_hook()

    def stop(self) -> None:
        from kerasdiff.load.torch import hooks

        hooks.stop()
        undo = getattr(self, "_undo_seeds", None)
        if undo is not None:
            undo()
            self._undo_seeds = None

    def snapshot(self) -> Any:
        import torch

        return {"dtype": torch.get_default_dtype()}

    def restore(self, state: Any) -> None:
        import torch

        torch.set_default_dtype(state["dtype"])

    def is_model(self, obj: Any) -> bool:
        import sys

        torch = sys.modules.get("torch")
        if torch is None or isinstance(obj, type):
            return False
        nn = torch.nn
        return isinstance(obj, nn.Module) and not isinstance(obj, nn.modules.loss._Loss)

    def parts(self, obj: Any) -> set[int]:
        return {id(m) for m in obj.modules() if m is not obj}

    def extract(self, obj: Any, spec: str, name: str, run: Any) -> Graph:
        import torch

        from kerasdiff.load.torch import hooks, recipe
        from kerasdiff.load.torch.extract import build_graph

        module = run.module if run is not None else None
        example, layout = recipe.example_of(module)
        graph, facts = build_graph(obj, spec, name, example, layout, lambda m: hooks.ORIGINS.get(id(m)))
        rec = recipe.build_recipe(
            module, obj, run.path if run is not None else spec, list(getattr(self, "seeds", []))
        )
        rec["torch"].update(facts)
        rec["torch"]["example_input"] = example is not None
        rec["torch"]["input_layout"] = layout
        graph = recipe.with_coupled_l2(graph, rec)
        return replace(graph, recipe=rec, env={"torch": torch.__version__.split("+")[0]})

    def serve_probe(self, models: list, request_path: str) -> None:
        from kerasdiff.load.torch.probe import run_tasks

        run_tasks(models, request_path)

    def hint(self, exc: BaseException, line_text: str) -> Optional[str]:
        if isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == "torch":
            return INSTALL_HINT
        return None


__all__ = ["TorchFramework", "INSTALL_HINT"]

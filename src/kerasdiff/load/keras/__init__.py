"""Keras 3: scripts (hooks, recipe), saved files (.keras/.h5/.json), extraction, the live probe.

Importing this package imports no Keras: the parent process (where --help runs) only needs the
checks of saved files, which read bytes."""

from __future__ import annotations

from typing import Any, Optional

from kerasdiff.graph import Graph
from kerasdiff.load.interface import BACKENDS, Framework, Limits


class KerasFramework(Framework):
    name = "keras"
    label = "a Keras model"
    saved_suffixes: tuple[str, ...] = (".keras", ".h5", ".hdf5", ".json")
    can_probe = True
    preload = ("keras",)
    environments: tuple[str, ...] = BACKENDS  # Keras 3 on another backend

    # ---- parent side
    def checkers(self) -> tuple:
        from kerasdiff.load.keras import rules
        from kerasdiff.rules import make_checker

        # with the ordinary rules: it needs no other finding, and KD501 must see it
        return (make_checker(rules.check, *rules.CODES, after=False),)

    def check_saved(self, path: str, shown: str, limits: Limits) -> None:
        from kerasdiff.load.keras.untrusted import check_saved

        check_saved(path, shown, limits)

    def worker_env(self, env: dict, folder: str, saved: bool, where: Optional[str]) -> dict:
        import os

        out = {}
        # TensorFlow's C++ start-up chatter is noise for a CLI; the user's own output is captured.
        if "TF_CPP_MIN_LOG_LEVEL" not in env:
            out["TF_CPP_MIN_LOG_LEVEL"] = "3"
        if where in BACKENDS:
            out["KERAS_BACKEND"] = where  # SPEC@jax: Keras 3 on that backend, whatever the shell says
        elif "KERAS_BACKEND" not in env:
            out["KERAS_BACKEND"] = "tensorflow"
        if saved:
            # A saved file is data: whatever Keras caches or downloads goes to the run's folder,
            # never to the user's ~/.keras.
            home = os.path.join(folder, "keras_home")
            os.makedirs(home, exist_ok=True)
            out["KERAS_HOME"] = home
        return out

    # ---- worker side
    def wants(self, source: str, where: Optional[str] = None) -> bool:
        # A PyTorch script that never names Keras or TensorFlow does not pay their ~6 s import.
        import re

        if where == "keras2":
            return False  # Keras 2 scripts are tf_keras's (kerasdiff.load.tf_keras)
        if re.search(r"\b(keras|tensorflow|tf_keras)\b", source):
            return True
        return not re.search(r"\btorch\b", source)

    def start(self, run: Any) -> None:
        import keras  # noqa: F401 - Keras first, then the hooks

        from kerasdiff.load.keras import hooks
        from kerasdiff.load.keras.recipe import Recorder

        self.recorder = Recorder()
        hooks.install_hooks(self.recorder, run.run_fit)

    def stop(self) -> None:
        from kerasdiff.load.keras import hooks

        hooks.stop_hooks()

    def snapshot(self) -> Any:
        import keras

        return {
            "dtype_policy": keras.config.dtype_policy().name,
            "floatx": keras.config.floatx(),
            "epsilon": keras.config.epsilon(),
            "image_data_format": keras.config.image_data_format(),
        }

    def restore(self, state: Any) -> None:
        import keras

        keras.config.set_floatx(state["floatx"])
        keras.config.set_dtype_policy(state["dtype_policy"])
        keras.config.set_epsilon(state["epsilon"])
        keras.config.set_image_data_format(state["image_data_format"])

    def is_model(self, obj: Any) -> bool:
        import keras

        return isinstance(obj, keras.Model)

    def parts(self, obj: Any) -> set[int]:
        return {id(sub) for sub in obj._flatten_layers(include_self=False, recursive=True)}

    def extract(self, obj: Any, spec: str, name: str, run: Any) -> Graph:
        from kerasdiff.load.keras import recipe, weights
        from kerasdiff.load.keras.extract import extract

        rec: dict = {}
        if run is not None and getattr(self, "recorder", None) is not None:
            names = recipe.model_names(run.module, run.picked)
            rec = recipe.build_recipe(self.recorder, obj, names, run.path)
            rec["weights"] = weights.provenance(self.recorder, obj, names)
        else:  # a saved file: its weights are the file's
            rec["weights"] = {"how": "file", "via": "saved file", "file": spec}
        if rec["weights"]["how"] in ("file", "set", "trained"):
            # Only weights that came from somewhere are worth comparing value by value.
            from kerasdiff.load.keras.extract import live_index

            rec["weights"]["layers"] = weights.digests(live_index(obj).objects)
        return extract(obj, spec=spec, var_name=name, recipe=rec)

    def load_saved(self, path: str, shown: str) -> Any:
        from kerasdiff.load.keras.saved import load_saved

        return load_saved(path, shown)

    def hint(self, exc: BaseException, line_text: str) -> Optional[str]:
        import os

        from kerasdiff.load.interface import ENV_VARIABLE
        from kerasdiff.load.keras.recipe import hint_for

        if os.environ.get(ENV_VARIABLE) == "keras2":
            return None  # a Keras 3 way out would be wrong for a tf_keras script
        return hint_for(exc, line_text)

    def serve_probe(self, models: list, request_path: str) -> None:
        from kerasdiff.load.keras.probe import run_tasks

        run_tasks(models, request_path)


def reset_state() -> None:
    """Undo global Keras state a previous load changed (in-process loading in tests)."""
    import keras

    keras.backend.clear_session()
    keras.config.set_dtype_policy("float32")
    keras.config.set_floatx("float32")


__all__ = ["KerasFramework", "reset_state"]

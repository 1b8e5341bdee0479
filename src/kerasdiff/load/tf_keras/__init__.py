"""Keras 2 (tf_keras): `SPEC@keras2`, and scripts that import tf_keras themselves.

The script runs unchanged: in its worker `import keras`, `from keras.layers import ...`,
`from tensorflow import keras` and `tf.keras` all give tf_keras (kerasdiff.load.tf_keras.alias).
The Keras framework's own code then reads the tf_keras model with the same hooks, recipe and
extraction (the few places where Keras 2 differs branch on `kerasdiff.load.keras.compat`), and
the graph says `framework: "tf_keras"`. Parent side: the version-drift rules (KD7xx)."""

from __future__ import annotations

from typing import Any, Optional

from kerasdiff.graph import Graph
from kerasdiff.load.keras import KerasFramework

ENV = "keras2"


class TfKerasFramework(KerasFramework):
    name = "tf_keras"
    label = "a Keras 2 (tf_keras) model"
    # Keras 2's own formats, loaded by tf_keras under @keras2 (checked like Keras 3's first)
    saved_suffixes: tuple[str, ...] = (".h5", ".hdf5", ".json")
    can_probe = True  # the probe runs tf_keras layers node by node (kerasdiff.load.keras.probe)
    preload = ("tf_keras",)
    environments = (ENV,)
    only_in_environments = True

    # ---- parent side
    def checkers(self) -> tuple:
        from kerasdiff.load.tf_keras import rules
        from kerasdiff.rules import make_checker

        return (
            make_checker(rules.check_first, *rules.FIRST_CODES, after=False),
            make_checker(rules.check, *rules.CODES),
        )

    def worker_env(self, env: dict, folder: str, saved: bool, where: Optional[str]) -> dict:
        if where != ENV:
            return {}
        # tf.keras and `from tensorflow import keras` give tf_keras (TensorFlow 2.16+ reads it)
        return {"TF_USE_LEGACY_KERAS": "1", "KERAS_BACKEND": "tensorflow"}

    # ---- worker side
    def wants(self, source: str, where: Optional[str] = None) -> bool:
        return where == ENV

    def start(self, run: Any) -> None:
        from kerasdiff.load.tf_keras import alias

        alias.install()  # before anything imports keras
        super().start(run)

    def load_saved(self, path: str, shown: str) -> Any:
        from kerasdiff.load.tf_keras import alias

        alias.install()  # the Keras loader below reads the file with tf_keras
        return super().load_saved(path, shown)

    def extract(self, obj: Any, spec: str, name: str, run: Any) -> Graph:
        from kerasdiff.load.tf_keras.vocabulary import normalize

        return normalize(super().extract(obj, spec, name, run))

    def snapshot(self) -> Any:
        import tf_keras

        b = tf_keras.backend
        return {
            "policy": tf_keras.mixed_precision.global_policy().name,
            "floatx": b.floatx(),
            "epsilon": b.epsilon(),
            "image_data_format": b.image_data_format(),
        }

    def restore(self, state: Any) -> None:
        import tf_keras

        b = tf_keras.backend
        b.set_floatx(state["floatx"])
        tf_keras.mixed_precision.set_global_policy(state["policy"])
        b.set_epsilon(state["epsilon"])
        b.set_image_data_format(state["image_data_format"])

    def hint(self, exc: BaseException, line_text: str) -> Optional[str]:
        from kerasdiff.load.tf_keras.alias import hint_for

        return hint_for(exc, line_text)


__all__ = ["TfKerasFramework", "ENV"]

"""Saved Keras models (.keras, .h5, .json), loaded with safe mode on after kerasdiff's own checks
(kerasdiff.load.untrusted, run in the parent before a worker starts)."""

from __future__ import annotations

import traceback
from typing import Any, Optional

from kerasdiff.errors import KerasdiffError
from kerasdiff.load.script import a_word, short, show_path


def load_saved(path: str, shown: Optional[str] = None) -> Any:
    import keras

    shown = shown or show_path(path)
    try:
        if path.lower().endswith(".json"):
            from kerasdiff.load.keras.src import serialization_lib

            with open(path, encoding="utf-8-sig") as fh:
                text = fh.read()
            with serialization_lib.SafeModeScope(True):
                model = keras.models.model_from_json(text)
        else:
            model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # noqa: BLE001
        text = str(exc)
        msg = short(text, 160) or type(exc).__name__
        detail = traceback.format_exc()
        if "safe_mode" in text or ("Lambda" in text and "unsafe" in text.lower()):
            raise KerasdiffError(
                shown,
                "holds a Lambda layer or other Python code, which Keras safe "
                "mode refuses to load from a file",
                "compare the script that builds the model instead",
                detail,
            ) from None
        if "Unknown layer" in text or "Could not locate" in text or "Could not deserialize" in text:
            raise KerasdiffError(
                shown,
                f"uses a custom class Keras cannot find: {msg}",
                "compare the script that builds the model instead",
                detail,
            ) from None
        raise KerasdiffError(
            shown,
            f"cannot be loaded as a Keras model: {type(exc).__name__}: {msg}",
            "check that it is a complete model.save() file or a model.to_json() config",
            detail,
        ) from None
    if not isinstance(model, keras.Model):
        raise KerasdiffError(
            shown,
            f"holds {a_word(type(model).__name__)}, not a Keras model",
            "save the whole model (model.save / model.to_json)",
        )
    return model

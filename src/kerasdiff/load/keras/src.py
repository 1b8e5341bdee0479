"""The one place that imports `keras.src`: what Keras 3 has no public API for (see the Keras
range pinned in pyproject.toml). Imported only inside a loader worker. Under `@keras2`, `keras`
is tf_keras (kerasdiff.load.tf_keras.alias) and these are its counterparts."""

from __future__ import annotations

from typing import Any

import keras

KERAS2 = keras.__version__.startswith("2.")

operation_fn: Any
if KERAS2:
    from tf_keras.src.engine.functional import Functional
    from tf_keras.src.optimizers.optimizer import Optimizer as BaseOptimizer
    from tf_keras.src.saving import serialization_lib

    operation_fn = None
else:
    from keras.src.models.functional import Functional, operation_fn  # type: ignore[no-redef]
    from keras.src.optimizers.base_optimizer import BaseOptimizer
    from keras.src.saving import serialization_lib

__all__ = ["KERAS2", "Functional", "operation_fn", "BaseOptimizer", "serialization_lib"]

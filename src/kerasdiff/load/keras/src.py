"""The one place that imports `keras.src`: what Keras 3 has no public API for (see the Keras
range pinned in pyproject.toml). Imported only inside a loader worker."""

from __future__ import annotations

from keras.src.models.functional import Functional, operation_fn
from keras.src.optimizers.base_optimizer import BaseOptimizer
from keras.src.saving import serialization_lib

__all__ = ["Functional", "operation_fn", "BaseOptimizer", "serialization_lib"]

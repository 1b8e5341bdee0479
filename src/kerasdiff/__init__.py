"""kerasdiff: explain why two 'identical' Keras models give different results."""

__version__ = "0.1.0"

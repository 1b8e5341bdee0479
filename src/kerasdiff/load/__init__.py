"""Loading stage: a model spec becomes a neutral Graph, in a worker process per file; each
framework (kerasdiff.load.keras, kerasdiff.load.sklearn) plugs in through kerasdiff.load.interface."""

from kerasdiff.load.interface import Framework, Limits, Spec, parse_spec
from kerasdiff.load.isolate import Loaded, load_pair

__all__ = ["Framework", "Limits", "Spec", "parse_spec", "load_pair", "Loaded"]

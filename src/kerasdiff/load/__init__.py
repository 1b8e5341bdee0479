"""Loading stage: turn a model spec into a neutral Graph (scripts, saved files), isolated per file."""

from kerasdiff.load.interface import Spec, parse_spec
from kerasdiff.load.isolate import load_pair

__all__ = ["Spec", "parse_spec", "load_pair"]

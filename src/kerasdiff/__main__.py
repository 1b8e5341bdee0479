"""`python -m kerasdiff` entry point."""

from kerasdiff.cli import run

run()

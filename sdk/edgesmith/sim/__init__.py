"""The golden simulator: run a graph on batches, bit-exact for integer graphs."""

from .executor import simulate

__all__ = ["simulate"]

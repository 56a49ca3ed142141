"""The golden simulator: run a graph on batches, bit-exact for integer graphs."""

from .executor import simulate
from .state import ModelInstance, initial_state, simulate_sequences

__all__ = ["ModelInstance", "initial_state", "simulate", "simulate_sequences"]

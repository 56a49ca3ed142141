"""Persistent state of a model instance (TFLite's variable tensors) in the simulator.

A state tensor (``Tensor.variable``) is read and updated in place by its ops
and carried from one invocation to the next, like TFLite Micro's variable
tensors. It is batched like an activation: row ``b`` is the state of the
instance that runs sample ``b`` of a batch, so a batch of S sequences runs
side by side, one step at a time (:func:`simulate_sequences`).

At init and on reset a state tensor holds the value TFLite Micro's
``ResetVariableTensors`` writes: its zero point for int8 state, else 0. The
generated C code (its ``<name>_reset()``) writes the same value.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import EdgesmithError
from ..ir import Graph, Tensor

State = dict[str, np.ndarray]


def state_reset_value(t: Tensor) -> int:
    """The raw value of every element of state ``t`` after init or reset (TFLite Micro
    memsets an int8 variable tensor to its zero point, every other one to 0)."""
    if t.dtype == "int8" and t.fmt is not None:
        return int(np.asarray(t.fmt.zero_point).reshape(-1)[0])
    return 0


def initial_state(graph: Graph, batch: int) -> State:
    """Fresh state of ``batch`` instances of ``graph``."""
    return {t.name: np.full((batch,) + tuple(t.shape[1:]), state_reset_value(t),
                            dtype=np.dtype(t.dtype)) for t in graph.state_tensors()}


class ModelInstance:
    """One instance of ``graph`` in the simulator: its state persists across :meth:`run`
    calls until :meth:`reset` (the simulator's ``<name>_init`` / ``<name>_reset``)."""

    def __init__(self, graph: Graph, batch: int = 1):
        self.graph, self.batch = graph, batch
        self.state = initial_state(graph, batch)

    def reset(self) -> None:
        self.state = initial_state(self.graph, self.batch)

    def run(self, inputs, keep_intermediates: bool = False) -> dict[str, np.ndarray]:
        from .executor import simulate

        return simulate(self.graph, inputs, keep_intermediates=keep_intermediates,
                        state=self.state)


def sequence_count(samples: int, steps: int | None) -> tuple[int, int]:
    """(sequences, steps) of ``samples`` run as sequences of ``steps`` (None: one sequence)."""
    steps = steps or samples
    if steps < 1 or samples % steps:
        raise EdgesmithError(f"{samples} samples do not split into sequences of {steps} steps",
                             hint="give a number of samples that is a multiple of the steps")
    return samples // steps, steps


def simulate_sequences(graph: Graph, inputs: Mapping[str, np.ndarray], steps: int | None = None,
                       keep_intermediates: bool = False) -> dict[str, np.ndarray]:
    """Outputs of a stateful ``graph`` whose samples are time steps: consecutive runs of
    ``steps`` samples (all samples when None) go through one fresh instance each, in order.
    Returned batched like :func:`~.executor.simulate`, sample order kept."""
    samples = next(iter(inputs.values())).shape[0]
    sequences, steps = sequence_count(samples, steps)
    instance = ModelInstance(graph, sequences)
    per_step = []
    for t in range(steps):
        feed = {n: np.asarray(x).reshape((sequences, steps) + x.shape[1:])[:, t]
                for n, x in inputs.items()}
        per_step.append(instance.run(feed, keep_intermediates))
    return {name: np.stack([r[name] for r in per_step], axis=1)
            .reshape((samples,) + per_step[0][name].shape[1:]) for name in per_step[0]}

"""One verification protocol for everything that runs a model: LiteRT, the generated C on
the host, firmware under QEMU or on a board at a serial port, the HLS C-simulation.

A :class:`Target` runs a batch and, for one sample, reports every op's output (a trace).
:func:`verify_target` is the one run-compare-locate loop: it runs the batch, compares every
output (and a mixed-precision model's patch branches) with the simulator, and on a mismatch
names the first op and element that differ (:func:`first_difference`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

import numpy as np

from ..arith.widened import is_subbyte
from ..ir import Graph
from ..ir.packing import unpack_subbyte
from ..quant.mixed_patch import MixedPatchModel
from ..report.check_report import CheckReport, mismatch_record
from .reference import check_mixed_fits, compare_with_reference, reference_outputs

Batch = Mapping[str, np.ndarray]


class Target(Protocol):
    """Something that runs a model on a batch of inputs."""

    #: True for a reference runtime checked against the simulator (LiteRT): its values are
    #: "theirs" in a report; False for generated code, whose values are "ours"
    oracle: bool

    def run(self, batch: Batch) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
        """Outputs by name (batched, the graph's shapes and dtypes) and, for mixed-precision
        code, each sample's patch branches (True = 8-bit), else None."""

    def trace(self, sample: Batch) -> Iterable[tuple[int, np.ndarray]]:
        """(op index, that op's output values) for a batch of one sample, in execution
        order; values flat and decoded (:func:`decode`). Ops it cannot see are left out."""


def decode(graph: Graph, tensor: str, raw) -> np.ndarray:
    """One sample's values of ``tensor`` from the bytes a target wrote (sub-byte values
    unpacked), or ``raw`` itself when it already holds values."""
    t = graph.tensors[tensor]
    count = t.size // t.shape[0] if t.shape and t.shape[0] else t.size
    if isinstance(raw, (bytes, bytearray, memoryview)) or np.asarray(raw).dtype == np.uint8 \
            and np.dtype(t.dtype) != np.uint8:
        data = np.frombuffer(bytes(raw) if not isinstance(raw, np.ndarray) else raw.tobytes(),
                             dtype=np.uint8)
        if is_subbyte(t.fmt):
            return unpack_subbyte(data, t.fmt.bits, count, True)
        return data.view(np.dtype(t.dtype))
    return np.asarray(raw).reshape(-1)


def first_difference(graph: Graph, traced: Iterable[tuple[int, np.ndarray]],
                     expected: Mapping[str, np.ndarray], sample: int, *,
                     oracle: bool = False) -> dict | None:
    """The first op in ``traced`` whose output differs from ``expected`` (the simulator's
    tensors of one sample, batch axis first): op_index, op_type, origin, tensor, sample,
    index (within the sample), ours, theirs."""
    for op_index, got in traced:
        op = graph.ops[op_index]
        name = op.outputs[0]
        if name not in expected:
            continue
        want = np.asarray(expected[name])[0]
        got = np.asarray(got).reshape(-1)
        sim, other = want.reshape(-1), got
        if got.size != want.size:
            values = (f"{got.size} values", f"{want.size} values")
            ours, theirs = values[::-1] if oracle else values
            return mismatch_record(op_index, op, name, sample, (), ours, theirs)
        diff = np.flatnonzero(other != sim)
        if diff.size:
            at = int(diff[0])
            where = tuple(int(i) for i in np.unravel_index(at, want.shape))
            ours, theirs = (sim[at].item(), other[at].item()) if oracle \
                else (other[at].item(), sim[at].item())
            return mismatch_record(op_index, op, name, sample, where, ours, theirs)
    return None


def verify_target(graph: Graph, target: Target, batch: Batch, *, label: str,
                  mixed: MixedPatchModel | None = None) -> CheckReport:
    """Every sample of ``batch`` on ``target`` against the simulator (the outputs, and with
    ``mixed`` every patch's branch), the first difference located on a mismatch. A stateful
    graph's samples are time steps: the target runs them in order through one instance,
    reset every ``target.sequence_steps`` samples (absent or None: one sequence), and so
    does the simulator."""
    check_mixed_fits(graph, mixed)
    steps = getattr(target, "sequence_steps", None)
    golden = reference_outputs(graph, batch, mixed, steps=steps)  # also checks the inputs
    outputs, branches = target.run(batch)
    report, differs = compare_with_reference(graph, label, golden, outputs, branches, mixed)
    if report.first_mismatch is None and differs.any() and graph.is_stateful:
        # one sample replayed alone would start from fresh state: locate it in the outputs
        sample = int(np.flatnonzero(differs)[0])
        traced = ((next(i for i, op in enumerate(graph.ops) if name in op.outputs),
                   np.asarray(outputs[name])[sample].reshape(-1)) for name in graph.outputs)
        expected = {n: golden[0][n][sample:sample + 1] for n in graph.outputs}
        report.first_mismatch = first_difference(graph, traced, expected, sample,
                                                 oracle=target.oracle)
    elif report.first_mismatch is None and differs.any():
        sample = int(np.flatnonzero(differs)[0])
        one = {n: np.asarray(batch[n][sample:sample + 1]) for n in graph.inputs}
        expected, _ = reference_outputs(graph, one, mixed, keep_intermediates=True)
        report.first_mismatch = first_difference(graph, target.trace(one), expected, sample,
                                                 oracle=target.oracle)
    return report

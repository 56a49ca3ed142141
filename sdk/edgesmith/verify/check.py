"""The simulator against LiteRT's reference kernels, sample by sample, bit for bit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..errors import EdgesmithError, UnsupportedError
from ..io.arrays import prepare_inputs
from ..ir import Graph
from ..report.check_report import CheckReport
from ..sim.inputs import random_inputs
from .litert import litert_cannot_run, run_litert
from .target import verify_target


def check_against_litert(path: str | Path, samples: int = 200,
                         inputs: np.ndarray | Mapping[str, np.ndarray] | None = None,
                         seed: int = 0) -> CheckReport:
    """Import ``path``, simulate it on ``inputs`` (if any) followed by
    ``samples`` random inputs, and compare every output with LiteRT's
    reference kernels. The first mismatching sample is diffed op by op."""
    from ..frontends.tflite import load_tflite

    graph = load_tflite(path)
    if not graph.is_quantized():
        raise UnsupportedError(f"{path}: a bit-exact check needs an integer model; this one has "
                               "float activations (compare float models within a tolerance)")
    if (reason := litert_cannot_run(graph)) is not None:  # it would crash this process
        raise UnsupportedError(reason, hint=f"check it against TFLite Micro: edgesmith check "
                                            f"{path} --against tflm")
    batch = _sample_batch(graph, samples, inputs, seed)
    return verify_target(graph, LiteRTTarget(path, graph), batch, label=str(path))


class LiteRTTarget:
    """LiteRT's reference kernels (``BUILTIN_REF``) on the ``.tflite`` file itself: the
    oracle the simulator must equal; every intermediate tensor on demand."""

    oracle = True

    def __init__(self, path: str | Path, graph: Graph):
        self.path, self.graph = path, graph

    def run(self, batch):
        theirs = run_litert(self.path, [batch[n] for n in self.graph.inputs]).outputs
        return dict(zip(self.graph.outputs, theirs)), None

    def trace(self, sample):
        theirs = run_litert(self.path, [sample[n] for n in self.graph.inputs],
                            preserve_intermediates=True).tensors or {}
        index_of = self.graph.meta.get("tflite_tensors", {})
        for op_index, op in enumerate(self.graph.ops):
            ref = theirs.get(index_of.get(op.outputs[0], -1))
            if ref is not None:
                yield op_index, np.asarray(ref).reshape(-1)


def _sample_batch(graph: Graph, samples: int, inputs, seed: int) -> dict[str, np.ndarray]:
    """The user's ``inputs`` (if any) followed by ``samples`` seeded random inputs."""
    batch = random_inputs(graph, samples, seed)
    if inputs is not None:  # checked and quantized as `simulate` does, never cast
        extra = prepare_inputs(graph, inputs)
        batch = {n: np.concatenate([extra[n], batch[n]]) for n in graph.inputs}
    if not graph.outputs or batch[graph.inputs[0]].shape[0] == 0:
        raise EdgesmithError(f"model {graph.name!r}: nothing to compare (no outputs or no "
                             "samples); refusing to call it equal")
    return batch


#: Float reference vs LiteRT float kernels: largest error allowed, relative to
#: max(1, largest |output|). Measured: at most 1.1e-6 on the shared float models.
FLOAT_TOLERANCE = 1e-5
#: Hybrid models (float activations, int8 weights): LiteRT quantizes activations
#: on the fly, edgesmith computes in float on the dequantized weights.
#: Measured: 1.7e-2 on kws_ref_model_float32.
HYBRID_TOLERANCE = 5e-2


@dataclass
class FloatCheckReport:
    """Float reference vs LiteRT float kernels, within a stated tolerance."""

    model: str
    samples: int
    mismatched_samples: int
    max_abs_error: float
    tolerance: float
    hybrid: bool

    @property
    def ok(self) -> bool:
        return self.mismatched_samples == 0

    def to_json(self) -> dict:
        return asdict(self)


def check_float_against_litert(path: str | Path, samples: int = 200, inputs=None, seed: int = 0,
                               tolerance: float | None = None) -> FloatCheckReport:
    """Float graphs: every output within ``tolerance`` x max(1, max |LiteRT output|)."""
    from ..frontends.tflite import load_tflite

    from ..sim import simulate

    graph = load_tflite(path)
    if graph.is_quantized():
        raise UnsupportedError(f"{path}: an integer model is checked bit for bit, not within a "
                               "tolerance")
    hybrid = bool(graph.meta.get("hybrid"))
    if tolerance is None:
        tolerance = HYBRID_TOLERANCE if hybrid else FLOAT_TOLERANCE
    batch = _sample_batch(graph, samples, inputs, seed)
    total = batch[graph.inputs[0]].shape[0]
    ours = simulate(graph, batch)
    theirs = run_litert(path, [batch[n] for n in graph.inputs]).outputs
    bad = np.zeros(total, dtype=bool)
    worst = 0.0
    for name, ref in zip(graph.outputs, theirs):
        err = np.abs(ours[name].reshape(ref.shape).astype(np.float64) - ref).reshape(total, -1)
        limit = tolerance * max(1.0, float(np.abs(ref).max()))
        bad |= np.any(err > limit, axis=1)
        worst = max(worst, float(err.max()))
    return FloatCheckReport(str(path), total, int(bad.sum()), worst, tolerance, hybrid)



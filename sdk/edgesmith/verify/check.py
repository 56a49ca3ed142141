"""The simulator against LiteRT's reference kernels, sample by sample, bit for bit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..errors import EdgesmithError, UnsupportedError
from ..io.arrays import prepare_inputs
from ..io.limits import MAX_BATCH_ELEMENTS, check_limit
from ..ir import FixedFormat, Graph
from .litert import run_litert


@dataclass
class CheckReport:
    model: str
    samples: int
    mismatched_samples: int
    #: None, or where the first mismatching sample first differs: op_index,
    #: op_type, origin, tensor, sample, index (element index within the
    #: sample), ours, theirs
    first_mismatch: dict | None = None

    @property
    def ok(self) -> bool:
        return self.mismatched_samples == 0

    def to_json(self) -> dict:
        return asdict(self)


def mismatch_record(op_index: int, op, tensor: str, sample: int, index: tuple, ours,
                    theirs) -> dict:
    """A ``CheckReport.first_mismatch``: where the first difference is and both values."""
    return {"op_index": op_index, "op_type": op.type, "origin": op.origin, "tensor": tensor,
            "sample": sample, "index": index, "ours": ours, "theirs": theirs}


def samples_differ(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Per sample (axis 0 of both batches): does any value differ? Other sizes differ."""
    n = theirs.shape[0]
    a, b = np.asarray(ours).reshape(n, -1), np.asarray(theirs).reshape(n, -1)
    if a.shape != b.shape:
        return np.ones(n, dtype=bool)
    return np.any(a != b, axis=1)


def random_inputs(graph: Graph, samples: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Seeded inputs, uniform over the full int8 range (or the real range that
    range covers, for a float input that a quantize op reads)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in graph.inputs:
        t = graph.tensors[name]
        shape = (samples,) + tuple(t.shape[1:])
        check_limit(f"input {name!r}", f"{samples:,} random samples of {list(t.shape[1:])} "
                    "(elements)", samples * max(t.size, 1), MAX_BATCH_ELEMENTS)
        if t.dtype == "int8":
            out[name] = rng.integers(-128, 128, size=shape, dtype=np.int8)
        elif isinstance(t.fmt, FixedFormat):  # raw fixed-point values over the whole type
            out[name] = rng.integers(t.fmt.qmin, t.fmt.qmax + 1, size=shape).astype(t.dtype)
        else:
            lo, hi = _float_input_range(graph, name)
            out[name] = rng.uniform(lo, hi, size=shape).astype(t.dtype)
    return out


def check_against_litert(path: str | Path, samples: int = 200,
                         inputs: np.ndarray | Mapping[str, np.ndarray] | None = None,
                         seed: int = 0) -> CheckReport:
    """Import ``path``, simulate it on ``inputs`` (if any) followed by
    ``samples`` random inputs, and compare every output with LiteRT's
    reference kernels. The first mismatching sample is diffed op by op."""
    from ..frontends.tflite import load_tflite
    from ..sim import simulate

    graph = load_tflite(path)
    if not graph.is_quantized():
        raise UnsupportedError(f"{path}: a bit-exact check needs an integer model; this one has "
                               "float activations (compare float models within a tolerance)")
    batch = _sample_batch(graph, samples, inputs, seed)
    total = batch[graph.inputs[0]].shape[0]
    ours = simulate(graph, batch)
    theirs = run_litert(path, [batch[n] for n in graph.inputs]).outputs
    differs = np.zeros(total, dtype=bool)
    for name, ref in zip(graph.outputs, theirs):
        differs |= samples_differ(ours[name], ref)
    report = CheckReport(str(path), total, int(differs.sum()))
    if report.mismatched_samples:
        sample = int(np.flatnonzero(differs)[0])
        report.first_mismatch = locate_first_mismatch(
            path, graph, {n: batch[n][sample:sample + 1] for n in graph.inputs}, sample)
    return report


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


def locate_first_mismatch(path: str | Path, graph: Graph, one_sample: Mapping[str, np.ndarray],
                          sample: int) -> dict | None:
    """Compare every op output of one sample, in execution order; describe the first difference."""
    from ..sim import simulate

    ours = simulate(graph, dict(one_sample), keep_intermediates=True)
    theirs = run_litert(path, [one_sample[n] for n in graph.inputs],
                        preserve_intermediates=True).tensors or {}
    index_of = graph.meta.get("tflite_tensors", {})
    for op_index, op in enumerate(graph.ops):
        for name in op.outputs:
            ref = theirs.get(index_of.get(name, -1))
            if ref is None or name not in ours:
                continue
            mine = ours[name].reshape(ref.shape)
            diff = np.argwhere(mine != ref)
            if diff.size:
                where = tuple(int(i) for i in diff[0])
                return mismatch_record(op_index, op, name, sample, where[1:], mine[where].item(),
                                       ref[where].item())
    return None


def _float_input_range(graph: Graph, name: str) -> tuple[float, float]:
    for op in graph.consumers(name):
        fmt = graph.tensors[op.outputs[0]].fmt
        if op.type == "quantize" and fmt is not None and not fmt.per_channel:
            scale, zp = fmt.scalar()
            return scale * (fmt.qmin - zp), scale * (fmt.qmax - zp)
    return -1.0, 1.0

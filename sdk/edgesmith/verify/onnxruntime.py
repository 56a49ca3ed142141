"""Run an ``.onnx`` model in onnxruntime on the IR's ports.

The IR of an ONNX model may hold its ports in another layout than the model (an NCHW image
input is an NHWC IR input); ``graph.meta["onnx_ports"]`` says how, and this runner
transposes the batch on the way in and the results on the way out, so that callers compare
IR-shaped arrays only. The CPU provider runs with graph optimizations off: the float result
is then the one of each ONNX node as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..errors import EdgesmithError
from ..ir import Graph

#: float import vs onnxruntime: largest error allowed, relative to max(1, largest |output|)
#: (float32 sums in another order, Div computed as a Mul by the reciprocal)
FLOAT_TOLERANCE = 1e-5


def onnx_ports(graph: Graph) -> dict:
    ports = graph.meta.get("onnx_ports")
    if not ports:
        raise EdgesmithError(f"model {graph.name!r} was not imported from ONNX; onnxruntime "
                             "can only check a model imported from a .onnx file")
    return ports


def run_onnxruntime(path: str | Path, graph: Graph, batch: Mapping[str, np.ndarray], *,
                    optimize: bool = False) -> dict[str, np.ndarray]:
    """The outputs of ``path`` in onnxruntime on ``batch`` (IR input name -> batched array
    in the IR's layout), as IR output name -> batched array in the IR's layout."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise EdgesmithError("onnxruntime is not installed",
                             hint="pip install 'edgesmith[onnx]'") from None
    ports = onnx_ports(graph)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    if not optimize:
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    feeds = {}
    for name in graph.inputs:
        perm = ports[name]["perm"]
        x = np.asarray(batch[name], dtype=np.float32)
        feeds[ports[name]["onnx"]] = x.transpose(np.argsort(perm)) if perm else x
    wanted = [ports[name]["onnx"] for name in graph.outputs]
    results = session.run(wanted, feeds)
    out = {}
    for name, y in zip(graph.outputs, results):
        perm = ports[name]["perm"]
        out[name] = np.asarray(y).transpose(perm) if perm else np.asarray(y)
    return out


#: a QDQ model's integer outputs may differ from onnxruntime's by this many units: its CPU
#: provider requantizes in float (scale products rounded to nearest even) where the int8
#: kernels use TFLite's fixed-point multipliers, so a value that falls within a rounding of
#: a half lands one step away
QDQ_UNITS = 1


@dataclass
class QdqCheckReport:
    """A QDQ model's integer simulation against onnxruntime's quantized kernels."""

    model: str
    samples: int
    #: samples with some output more than ``allowed_units`` away
    mismatched_samples: int
    #: samples equal bit for bit
    exact_samples: int
    max_units: int
    allowed_units: int
    #: the outputs that differed at all, with how many elements differ by one unit
    outputs_off_by_one: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.mismatched_samples == 0

    def to_json(self) -> dict:
        return asdict(self)


def check_against_onnxruntime(path: str | Path, samples: int = 200, inputs=None,
                              seed: int = 0, tolerance: float | None = None):
    """Import ``path`` and compare the simulator with onnxruntime on ``inputs`` (if any) and
    ``samples`` random inputs: a float model within ``tolerance`` x max(1, max |output|)
    (a :class:`~.check.FloatCheckReport`), a QDQ model within :data:`QDQ_UNITS` units
    (a :class:`QdqCheckReport`)."""
    from ..frontends.onnx import load_onnx
    from ..sim import simulate
    from .check import FloatCheckReport, _sample_batch

    graph = load_onnx(path)
    batch = _sample_batch(graph, samples, inputs, seed)
    total = batch[graph.inputs[0]].shape[0]
    ours = simulate(graph, batch)
    if not graph.is_quantized():
        tolerance = FLOAT_TOLERANCE if tolerance is None else tolerance
        theirs = run_onnxruntime(path, graph, batch)
        bad, worst = np.zeros(total, dtype=bool), 0.0
        for name in graph.outputs:
            err = np.abs(ours[name].astype(np.float64) - theirs[name]).reshape(total, -1)
            bad |= np.any(err > tolerance * max(1.0, float(np.abs(theirs[name]).max())), axis=1)
            worst = max(worst, float(err.max()))
        return FloatCheckReport(str(path), total, int(bad.sum()), worst, tolerance, False)
    real = {n: graph.tensors[n].fmt.dequantize(batch[n]).astype(np.float32)
            for n in graph.inputs}
    theirs = run_onnxruntime(path, graph, real, optimize=True)
    units = np.zeros(total, dtype=np.int64)
    off = {}
    for name in graph.outputs:
        q = graph.tensors[name].fmt.quantize(theirs[name])
        diff = np.abs(ours[name].astype(np.int64) - q.astype(np.int64)).reshape(total, -1)
        units = np.maximum(units, diff.max(axis=1))
        if diff.any():
            off[name] = int((diff == 1).sum())
    return QdqCheckReport(str(path), total, int((units > QDQ_UNITS).sum()),
                          int((units == 0).sum()), int(units.max()), QDQ_UNITS, off)

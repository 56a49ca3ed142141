"""Run an ``.onnx`` model in onnxruntime on the IR's ports.

The IR of an ONNX model may hold its ports in another layout than the model (an NCHW image
input is an NHWC IR input); ``graph.meta["onnx_ports"]`` says how, and this runner
transposes the batch on the way in and the results on the way out, so that callers compare
IR-shaped arrays only. The CPU provider runs with graph optimizations off: the float result
is then the one of each ONNX node as written.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def session(model: str | bytes, *, optimize: bool):
    """An onnxruntime CPU session of a model file or its bytes; ``optimize=False`` turns the
    graph optimizations off (each node runs as written)."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise EdgesmithError("onnxruntime is not installed",
                             hint="pip install 'edgesmith[onnx]'") from None
    options = ort.SessionOptions()
    options.log_severity_level = 3
    if not optimize:
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def run_onnxruntime(path: str | Path, graph: Graph, batch: Mapping[str, np.ndarray], *,
                    optimize: bool = False) -> dict[str, np.ndarray]:
    """The outputs of ``path`` in onnxruntime on ``batch`` (IR input name -> batched array
    in the IR's layout), as IR output name -> batched array in the IR's layout."""
    ports = onnx_ports(graph)
    runner = session(str(path), optimize=optimize)
    feeds = {}
    for name in graph.inputs:
        perm = ports[name]["perm"]
        x = np.asarray(batch[name], dtype=np.float32)
        feeds[ports[name]["onnx"]] = x.transpose(np.argsort(perm)) if perm else x
    wanted = [ports[name]["onnx"] for name in graph.outputs]
    results = runner.run(wanted, feeds)
    out = {}
    for name, y in zip(graph.outputs, results):
        perm = ports[name]["perm"]
        out[name] = np.asarray(y).transpose(perm) if perm else np.asarray(y)
    return out


def check_against_onnxruntime(path: str | Path, samples: int = 200, inputs=None,
                              seed: int = 0, tolerance: float | None = None):
    """Import ``path`` and compare the simulator with onnxruntime on ``inputs`` (if any) and
    ``samples`` random inputs: a float model within ``tolerance`` x max(1, max |output|)
    (a :class:`~.check.FloatCheckReport`), a QDQ model op by op
    (:func:`.onnxruntime_ops.check_qdq`)."""
    from ..frontends.onnx import load_onnx
    from ..sim import simulate
    from .check import FloatCheckReport, _sample_batch

    graph = load_onnx(path)
    batch = _sample_batch(graph, samples, inputs, seed)
    if not graph.is_quantized():
        total = batch[graph.inputs[0]].shape[0]
        ours = simulate(graph, batch)
        tolerance = FLOAT_TOLERANCE if tolerance is None else tolerance
        theirs = run_onnxruntime(path, graph, batch)
        bad, worst = np.zeros(total, dtype=bool), 0.0
        for name in graph.outputs:
            err = np.abs(ours[name].astype(np.float64) - theirs[name]).reshape(total, -1)
            bad |= np.any(err > tolerance * max(1.0, float(np.abs(theirs[name]).max())), axis=1)
            worst = max(worst, float(err.max()))
        return FloatCheckReport(str(path), total, int(bad.sum()), worst, tolerance, False)
    from .onnxruntime_ops import check_qdq

    return check_qdq(path, graph, batch)

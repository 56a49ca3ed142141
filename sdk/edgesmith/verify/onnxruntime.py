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

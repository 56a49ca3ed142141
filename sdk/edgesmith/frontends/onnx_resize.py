"""ONNX Resize (nearest) as the IR's ``resize_nearest``.

ONNX has several coordinate transformations and rounding rules; the IR has TFLite's three
index rules. Rather than match names, the importer asks ONNX's reference evaluator which
input row and column each output position reads for this very node, and keeps the IR rule
that reads the same ones; a node no IR rule reproduces is refused.
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..ir.ops.resize_nearest import source_index
from .onnx import node_attrs


def resize_nearest_attrs(imp, node, shape: tuple[int, ...]) -> dict:
    """``resize_nearest`` attributes for Resize ``node`` over an NCHW input of ``shape``."""
    a = node_attrs(node)
    if a.get("mode", "nearest") != "nearest":
        raise UnsupportedError(f"{imp.node_title}: Resize mode {a.get('mode')!r} is not "
                               "supported (only nearest)")
    ins = list(node.input) + [""] * (4 - len(node.input))
    n, c, h, w = shape
    if ins[3]:
        size = [int(v) for v in imp.const(ins[3], "Resize sizes").reshape(-1)]
        size = size[-2:] if len(size) == 4 else size
    elif ins[2]:
        scales = imp.const(ins[2], "Resize scales").astype(np.float64).reshape(-1)
        if len(scales) != 4 or scales[0] != 1 or scales[1] != 1:
            raise UnsupportedError(f"{imp.node_title}: only the height and width of an NCHW "
                                   f"image are resized (scales {scales.tolist()})")
        size = [int(np.floor(h * scales[2])), int(np.floor(w * scales[3]))]
    else:
        raise UnsupportedError(f"{imp.node_title}: Resize needs scales or sizes")
    imp.check_shape((n, c, *size))
    scales = None if ins[3] else imp.consts[ins[2]].astype(np.float32).reshape(-1)
    rows, cols = _onnx_sources(imp, node, (h, w), size, scales)
    for align in (False, True):
        for half in (False, True):
            if np.array_equal(source_index(size[0], h, align, half), rows) and \
                    np.array_equal(source_index(size[1], w, align, half), cols):
                return {"size": tuple(size), "align_corners": align, "half_pixel_centers": half}
    raise UnsupportedError(
        f"{imp.node_title}: Resize with coordinate_transformation_mode="
        f"{a.get('coordinate_transformation_mode', 'half_pixel')!r} and nearest_mode="
        f"{a.get('nearest_mode', 'round_prefer_floor')!r} reads input positions no IR "
        "rule reads here (supported: TFLite's asymmetric, half-pixel and align-corners rules)")


def _onnx_sources(imp, node, hw, size, scales) -> tuple[np.ndarray, np.ndarray]:
    """The input row and column each output position reads, by ONNX's reference Resize
    given the node's own scales (or sizes)."""
    from onnx import TensorProto, helper
    from onnx.reference import ReferenceEvaluator

    h, w = hw
    index = np.arange(h * w, dtype=np.float32).reshape(1, 1, h, w)
    attrs = node_attrs(node)
    if scales is None:
        name, kind, feed = "sizes", TensorProto.INT64, np.array([1, 1, *size], np.int64)
        inputs = ["x", "", "", "sizes"]
    else:
        name, kind, feed, inputs = "scales", TensorProto.FLOAT, scales, ["x", "", "scales"]
    probe = helper.make_node("Resize", inputs, ["y"], **attrs)
    graph = helper.make_graph(
        [probe], "probe", [helper.make_tensor_value_info("x", TensorProto.FLOAT, None),
                           helper.make_tensor_value_info(name, kind, None)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", imp.opset)])
    y = ReferenceEvaluator(model).run(None, {"x": index, name: feed})[0][0, 0].astype(np.int64)
    if y.shape != tuple(size):
        raise UnsupportedError(f"{imp.node_title}: Resize output {list(y.shape)} is not "
                               f"{size}")
    rows, cols = y[:, 0] // w, y[0, :] % w
    if not np.array_equal(y, rows[:, None] * w + cols[None, :]):
        raise UnsupportedError(f"{imp.node_title}: this Resize does not pick whole rows and "
                               "columns")
    return rows, cols

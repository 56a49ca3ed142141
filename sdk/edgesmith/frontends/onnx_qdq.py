"""QDQ ONNX models (onnxruntime's static quantization) imported with their own parameters.

A QDQ model is a float graph whose activations pass through QuantizeLinear ->
DequantizeLinear pairs and whose weights are DequantizeLinear of integer constants. The
importer reads it as the float graph (a Q or DQ of an activation is its input under a
name; a DQ of a constant folds to the float weights) while noting each activation's
(scale, zero point) and each weight's per-channel scales, then quantizes that graph with
exactly those parameters instead of calibrated ranges: the integer weights and activation
formats are the model's own.

Where an int8 kernel needs another format than the model's (data movement keeps its
input's format, softmax writes its own), a requantize op is inserted
(:mod:`.onnx_qdq_formats`); ``graph.meta["onnx_requantize_ops"]`` counts them.
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..ir import AffineFormat, Graph, op_def
from .onnx_qdq_formats import same_format
QDQ_OPS = ("QuantizeLinear", "DequantizeLinear")


def is_qdq(model) -> bool:
    return any(n.op_type in QDQ_OPS for n in model.graph.node)


class QdqParams:
    """What the Q/DQ nodes of one model say, keyed by IR tensor names."""

    def __init__(self):
        self.formats: dict[str, AffineFormat] = {}  # IR activation -> ONNX format
        #: IR activation -> [its QuantizeLinear's output, perm, feature order]: where an
        #: oracle run of the model shows that tensor's integers
        self.sources: dict[str, list] = {}
        self.weight_scales: dict[str, np.ndarray] = {}  # IR float weights -> scales per row
        #: ONNX DQ output of a constant -> ((scales, zero points), the node's title)
        self.onnx_weights: dict[str, tuple] = {}

    def moved(self, held, value) -> None:
        """``value`` holds ``held``'s numbers in another layout (an output brought back to the
        ONNX layout): the same format and source."""
        if value.name != held.name:
            self.formats[value.name] = self.formats[held.name]
            self.sources[value.name] = [self.sources[held.name][0],
                                        list(value.perm) if value.perm else None, None]


def _scale_zp(imp, node) -> tuple[np.ndarray, np.ndarray]:
    scale = imp.const(node.input[1], f"{node.op_type} scale").astype(np.float32).reshape(-1)
    zp = imp.const(node.input[2], f"{node.op_type} zero point").reshape(-1) \
        if len(node.input) > 2 and node.input[2] else np.zeros(1, np.int8)
    if zp.dtype not in (np.int8, np.int32):
        raise UnsupportedError(f"{imp.node_title}: {zp.dtype} quantization is not supported "
                               "(int8 activations and weights; quantize with QuantType.QInt8)")
    return scale, zp.astype(np.int64)


def quantize_linear(imp, node) -> None:
    """QuantizeLinear of an activation: the activation itself, in the node's format."""
    x = imp.act(node.input[0])
    scale, zp = _scale_zp(imp, node)
    if scale.size != 1:
        raise UnsupportedError(f"{imp.node_title}: per-channel activation quantization is not "
                               "supported")
    fmt = AffineFormat([float(scale[0])], [int(zp[0])], bits=8)
    known = imp.qdq.formats.setdefault(x.name, fmt)
    imp.qdq.sources.setdefault(x.name, [node.output[0], list(x.perm) if x.perm else None,
                                        list(x.order) if x.order else None])
    if not same_format(known, fmt):
        raise UnsupportedError(f"{imp.node_title}: {node.input[0]!r} is quantized twice with "
                               "different parameters")
    imp.define(node.output[0], x)


def dequantize_linear(imp, node) -> None:
    """DequantizeLinear of a quantized activation: that activation."""
    imp.define(node.output[0], imp.act(node.input[0]))


def note_dequantized_constant(imp, node) -> None:
    """Before a DQ of a constant folds away: remember its scales per output row."""
    if node.op_type == "DequantizeLinear" and all(n in imp.consts for n in node.input if n):
        imp.qdq.onnx_weights[node.output[0]] = (_scale_zp(imp, node), imp.node_title)


def note_weights(imp, onnx_name: str, ir_name: str, rows=slice(None)) -> None:
    """IR weights ``ir_name`` are the rows ``rows`` (output channels) of ONNX ``onnx_name``."""
    qdq = getattr(imp, "qdq", None)
    if qdq is None or onnx_name not in qdq.onnx_weights:
        return
    (scale, zp), title = qdq.onnx_weights[onnx_name]
    if np.any(zp != 0):
        raise UnsupportedError(f"{title}: weights with a nonzero zero point are not "
                               "supported (int8 weights are symmetric)")
    qdq.weight_scales[ir_name] = scale[rows] if scale.size > 1 else scale


def quantize_as_written(graph: Graph, qdq: QdqParams, path) -> Graph:
    """``graph`` quantized with the QDQ model's own formats and integer weights."""
    from ..passes.fold_batch_norm import FoldBatchNorm
    from ..quant.calibrate import Range
    from ..quant.int8 import _share_groups, quantize_int8
    from .onnx_qdq_formats import apply_model_formats

    for op in graph.ops:
        if op.type == "batch_norm" and op.inputs[0] in qdq.formats:
            raise UnsupportedError(
                f"{path}: {op.origin}: a BatchNormalization of a quantized tensor is not "
                "supported (its own int8 rounding has no int8 kernel)",
                hint="fold it into the Conv before quantizing: run onnxruntime.quantization."
                     "shape_inference.quant_pre_process on the float model first")
    if any(op.type == "batch_norm" for op in graph.ops):  # of a float Conv output: fold it
        graph = FoldBatchNorm().apply(graph)
    group = _share_groups(graph)
    by_group = {group[n]: f for n, f in qdq.formats.items() if n in group}
    ranges = {}
    for name, t in graph.tensors.items():
        if t.is_const:
            continue
        fmt = qdq.formats.get(name) or by_group.get(group[name])
        if fmt is None:
            producer = graph.producer(name)
            if producer is None or op_def(producer.type).quant != "range":
                raise UnsupportedError(f"{path}: tensor {name!r} has no QuantizeLinear in the "
                                       "QDQ model, so its format is unknown")
            fmt = AffineFormat([1 / 256], [-128], bits=8)  # replaced by the range format
        s, zp = fmt.scale[0], int(fmt.zero_point[0])
        ranges[name] = Range((-128 - zp) * s, (127 - zp) * s)
    q = quantize_int8(graph, ranges, per_channel=True)
    requantized = apply_model_formats(q, qdq.formats)
    for op, qop in zip(graph.ops, [op for op in q.ops if op.type != "quantize"]):
        if op_def(op.type).is_mac and op.inputs[1] in qdq.weight_scales:
            _exact_weights(graph, q, op, qop, qdq.weight_scales[op.inputs[1]])
    q.meta = {**q.meta, "quantized": "int8 QDQ (the model's own parameters)",
              "onnx_requantize_ops": requantized,
              "onnx_tensors": {n: v for n, v in qdq.sources.items() if n in q.tensors}}
    return q


def _exact_weights(graph: Graph, q: Graph, op, qop, scales: np.ndarray) -> None:
    """Replace PTQ's weights and bias of ``qop`` by the model's integers (the float weights
    are the model's integers times its scales, so dividing gives the integers back)."""
    from ..quant.int8 import quantize_bias

    axis = op_def(op.type).weight_axis
    w = graph.tensors[op.inputs[1]].data.astype(np.float64)
    shape = [1] * w.ndim
    shape[axis] = -1
    s = scales.astype(np.float32)
    ints = np.round(w / s.astype(np.float64).reshape(shape if s.size > 1 else [1] * w.ndim))
    wt = q.tensors[qop.inputs[1]]
    wt.data = np.clip(ints, -128, 127).astype(np.int8)
    wt.fmt = AffineFormat(s, np.zeros(s.size, np.int64), axis=axis if s.size > 1 else None,
                          bits=8)
    if len(op.inputs) > 2 and op.inputs[2]:
        in_scale = q.tensors[qop.inputs[0]].fmt.scale[0]
        bt = q.tensors[qop.inputs[2]]
        bt.data, bt.fmt = quantize_bias(graph.tensors[op.inputs[2]].data, in_scale, wt.fmt)


CONVERTERS = {"QuantizeLinear": quantize_linear, "DequantizeLinear": dequantize_linear}

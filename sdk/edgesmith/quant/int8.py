"""Post-training int8 quantization of a float graph, as the TFLite converter does it.

* Activations: int8 per tensor, asymmetric, the calibrated range widened to
  contain 0 and the zero point rounded so that real 0 is exact.
* Weights: int8 symmetric (zero point 0) in [-127, 127], per output channel
  (conv2d and fully_connected axis 0, depthwise axis 3) or per tensor.
* Bias: int32 with scale input_scale * weight_scale[c].
* Scales and codes in float32 arithmetic, rounded half away from zero, as the
  converter's post-training quantizer computes them (its "legacy float scale":
  ``DownCastScale``, ``PortableSymmetricQuantizeFloats``, ``SymmetricBiasQuantize``),
  so that a model quantized here has the converter's parameters bit for bit.
* Ops with a fixed output range (softmax and logistic [0, 1): scale 1/256,
  zero point -128; tanh [-1, 1): 1/128, zero point 0) get the format that
  spans it exactly (the formats the int8 kernels require).
* Tensors that int8 kernels pass through without rescaling (op definitions
  with ``quant == "shares"``: reshape, pooling, pad, concat) share one
  format: their ranges are merged.
"""

from __future__ import annotations

import numpy as np

from ..errors import EdgesmithError, UnsupportedError
from ..ir import AffineFormat, Graph, Op, Tensor, op_def, op_types
from .calibrate import Range

_MIN_SCALE = 1e-9


def quantizable_ops() -> frozenset[str]:
    """Op types post-training quantization maps to integer formats."""
    return frozenset(op_types()) - op_types(quant="none")


def range_format(op_type: str, bits: int = 8) -> AffineFormat:
    """The format spanning ``op_type``'s fixed output range exactly (softmax, logistic:
    scale 1/256, zero point -128 at 8 bits; tanh: 1/128, zero point 0)."""
    lo, hi = op_def(op_type).output_range
    scale = (hi - lo) / (1 << bits)
    return AffineFormat([scale], [round(-(1 << (bits - 1)) - lo / scale)], bits=bits)


def round_away(v: np.ndarray) -> np.ndarray:
    """Round half away from zero (C's round), in double."""
    v = np.asarray(v, np.float64)
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def activation_format(r: Range, bits: int = 8) -> AffineFormat:
    """Asymmetric per-tensor format covering ``r`` and 0, with 0 exactly representable:
    scale (hi - lo) / (qmax - qmin) in float32, zero point qmin - lo / scale rounded."""
    qmin, qmax = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    lo, hi = min(r.lo, 0.0), max(r.hi, 0.0)
    with np.errstate(over="ignore"):
        scale = np.float32(np.float32(hi) - np.float32(lo)) / np.float32(qmax - qmin)
    if not np.isfinite(scale):  # a range past float32's (the converter's scale would be inf)
        scale = np.float32((hi - lo) / (qmax - qmin))
    scale = float(max(scale, np.float32(_MIN_SCALE)))
    from_min = float(np.float32(qmin - lo / scale))  # double, then float as the converter
    zp = int(np.clip(round_away(from_min), qmin, qmax))
    return AffineFormat([scale], [zp], bits=bits)


def quantize_weights(w: np.ndarray, axis: int | None, bits: int = 8) -> tuple[np.ndarray, AffineFormat]:
    """Symmetric quantization, per channel along ``axis`` (or per tensor when None): scale
    peak / qmax in float32; codes w * (1 / scale) per channel, w * (qmax / peak) per tensor,
    multiplied in float32 as the converter does."""
    qmax = (1 << (bits - 1)) - 1
    w32 = w.astype(np.float32)
    if axis is None:
        peak = np.array([np.max(np.abs(w32))], dtype=np.float32)
    else:
        peak = np.max(np.abs(np.moveaxis(w32, axis, 0).reshape(w.shape[axis], -1)), axis=1)
    scale = np.maximum(peak / np.float32(qmax), np.float32(_MIN_SCALE)).astype(np.float32)
    if axis is None:
        inverse = np.float32(qmax) / peak if peak[0] > 0 else np.zeros(1, np.float32)
    else:
        inverse = (1.0 / scale.astype(np.float64)).astype(np.float32)
    fmt = AffineFormat(scale, np.zeros(scale.size, np.int64), axis=axis if scale.size > 1 else None,
                       bits=bits)
    shape = [1] * w.ndim
    if axis is not None:
        shape[axis] = -1
    q = round_away(w32 * inverse.reshape(shape))
    return np.clip(q, -qmax, qmax).astype(np.int8), fmt


def quantize_bias(b: np.ndarray, in_scale: float, w_fmt: AffineFormat) -> tuple[np.ndarray, AffineFormat]:
    scale = (np.float32(in_scale) * w_fmt.scale).astype(np.float32)
    q = np.round(b.astype(np.float64) / scale.astype(np.float64))
    q = np.clip(q, -(2 ** 31) + 1, 2 ** 31 - 1).astype(np.int32)
    axis = 0 if scale.size > 1 else None
    return q, AffineFormat(scale, np.zeros(scale.size, np.int64), axis=axis, bits=32)


def converter_bias(b: np.ndarray, in_scale: float,
                   w_fmt: AffineFormat) -> tuple[np.ndarray, AffineFormat]:
    """int32 bias at scale input_scale * weight_scale[c], its codes b * (1 / scale) in
    float32 rounded half away from zero (the converter's; :func:`quantize_bias` divides in
    double and rounds half to even, as ONNX quantizers do)."""
    scale = (np.float32(in_scale) * w_fmt.scale).astype(np.float32)
    inverse = np.where(scale > 0, 1.0 / np.maximum(scale.astype(np.float64), 1e-300), 0.0)
    q = round_away(b.astype(np.float32) * inverse.astype(np.float32))
    q = np.clip(q, -(2 ** 31) + 1, 2 ** 31 - 1).astype(np.int32)
    axis = 0 if scale.size > 1 else None
    return q, AffineFormat(scale, np.zeros(scale.size, np.int64), axis=axis, bits=32)


def _share_groups(graph: Graph) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for op in graph.ops:
        if op_def(op.type).quant == "shares":
            names = [n for n in op.inputs if n and not graph.tensors[n].is_const] + op.outputs
            for n in names[1:]:
                parent[find(n)] = find(names[0])
    return {name: find(name) for name in graph.tensors}


def group_ranges(graph: Graph, ranges: dict[str, Range]) -> tuple[dict[str, str], dict[str, Range]]:
    """(tensor -> the root of its share group, root -> the merged range of the group)."""
    group = _share_groups(graph)
    merged: dict[str, Range] = {}
    for name, t in graph.tensors.items():
        if t.is_const:
            continue
        if name not in ranges:
            raise EdgesmithError(f"calibration produced no range for tensor {name!r}")
        root = group[name]
        merged[root] = merged[root].merge(ranges[name]) if root in merged else ranges[name]
    return group, merged


def _activation_formats(graph: Graph, ranges: dict[str, Range],
                        bits: int | dict[str, int]) -> dict[str, AffineFormat]:
    """One format per activation; ``bits`` for all, or per tensor (8 where not named)."""
    group, merged = group_ranges(graph, ranges)
    bits_of = (lambda name: bits) if isinstance(bits, int) else (lambda name: bits.get(name, 8))
    fixed: dict[str, AffineFormat] = {}
    for op in graph.ops:
        if op_def(op.type).quant == "range":
            fixed[group[op.outputs[0]]] = range_format(op.type)
    return {name: fixed.get(group[name]) or activation_format(merged[group[name]], bits_of(name))
            for name, t in graph.tensors.items() if not t.is_const}


def quantize_int8(graph: Graph, ranges: dict[str, Range], *, per_channel: bool = True,
                  weight_bits: int = 8, act_bits: dict[str, int] | None = None) -> Graph:
    """A new int8 graph from a float ``graph`` and calibrated activation ranges.

    ``weight_bits`` (8, 4 or 2) narrows the weights and ``act_bits`` names the
    activations to narrow (tensor -> bits; the sub-byte scheme, :mod:`.subbyte`);
    the arithmetic stays that of int8, values one per int8 element.
    """
    supported = quantizable_ops()
    for i, op in enumerate(graph.ops):
        if op.type not in supported:
            raise UnsupportedError(
                f"op {i} ({op.type}{', ' + op.origin if op.origin else ''}) cannot be "
                f"quantized to int8; supported: {', '.join(sorted(supported))}")
    from .lstm import merge_state_ranges, quantize_lstm

    ranges = merge_state_ranges(graph, ranges)
    fmts = _activation_formats(graph, ranges, act_bits or 8)
    q = graph.copy()
    q.name = graph.name
    for name, fmt in fmts.items():
        t = q.tensors[name]
        t.fmt, t.dtype = fmt, "int8"
    for op in q.ops:
        if op.type == "lstm":  # its own recipe: int16 cell state, per-tensor weights
            quantize_lstm(q, op, ranges, weight_bits)
        else:
            _quantize_constants(q, op, per_channel, weight_bits, bias_fn=converter_bias)
    q.remove_unused_tensors()
    q.meta = {**q.meta, "quantized": "int8 post-training"}
    return q


def _quantize_constants(q: Graph, op: Op, per_channel: bool, weight_bits: int = 8, *,
                        bias_fn=quantize_bias, constant_format=activation_format) -> None:
    """Quantize ``op``'s constant inputs in ``q``: MAC weights and bias (``bias_fn(data,
    input scale, weight format)``), other quantized constants in ``constant_format(range)``."""
    new_inputs = list(op.inputs)
    d = op_def(op.type)
    # weights and bias as a MAC op's (transpose_conv is no MAC pattern but has both)
    weighted = d.is_mac or d.weight_axis is not None
    for k, name in enumerate(op.inputs):
        if name is None or not q.tensors[name].is_const:
            continue
        t = q.tensors[name]
        if weighted and k == 1:
            data, fmt = quantize_weights(t.data, d.weight_axis if per_channel else None,
                                         weight_bits)
        elif weighted and k == 2:
            w_fmt = q.tensors[new_inputs[1]].fmt
            in_scale = q.tensors[op.inputs[0]].fmt.scalar()[0]
            data, fmt = bias_fn(t.data, in_scale, w_fmt)
        elif d.quantizes_constants:
            data_f = t.data.astype(np.float32)
            fmt = constant_format(Range(float(data_f.min()), float(data_f.max())))
            data = fmt.quantize(data_f)
        else:
            continue  # shape-like constants stay as they are
        qt = q.add_tensor(Tensor(q.unique_name(f"{name}_q"), t.shape, str(data.dtype), fmt, data))
        new_inputs[k] = qt.name
    op.inputs = new_inputs

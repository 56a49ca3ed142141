"""Integer parameters of each int8 op, computed from tensor formats as TFLite's
kernel ``Prepare`` computes them.

:func:`compute_params` returns one small frozen dataclass per op; the
simulator passes its fields to the C++ kernels and the C code generator emits
the very same numbers, so nothing downstream needs floating point (except the
double ``real_scale`` of fully_connected, see :class:`FullyConnectedParams`).

Conventions shared by every class:

* an ``*_offset`` is added to the raw int8 value (input offsets are minus the
  zero point, output offsets are the zero point);
* a (multiplier, shift) pair encodes the real multiplier
  ``multiplier * 2^(shift - 31)`` and is applied with the double-rounding
  ``multiply_by_quantized_multiplier`` of ``sim/include/es_sim/requant.h``;
* ``act_min``/``act_max`` are the int8 clamp bounds of the fused activation.
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from ..errors import UnsupportedError
from ..ir import AffineFormat, Graph, Op, op_def
from . import multiplier as mq
from .param_types import (
    AddParams,
    ConvParams,
    DequantizeParams,
    FullyConnectedParams,
    LutParams,
    MeanParams,
    MulParams,
    NoParams,
    PadParams,
    PoolParams,
    QuantizeParams,
    RequantizeParams,
    SoftmaxParams,
    frozen_ints,
)

__all__ = [
    "AddParams",
    "ConvParams",
    "DequantizeParams",
    "FullyConnectedParams",
    "LutParams",
    "MeanParams",
    "MulParams",
    "NoParams",
    "PadParams",
    "PoolParams",
    "QuantizeParams",
    "RequantizeParams",
    "SoftmaxParams",
    "compute_params",
    "convert_kernel",
]


def compute_params(op: Op, graph: Graph):
    """The integer parameters of int8 ``op`` in ``graph``; raise
    :class:`UnsupportedError` (naming the op) when its formats do not fit."""
    try:
        fn = _BUILDERS[op.type] if op.type in _BUILDERS or not op_def(op.type).move \
            else _same_format  # pure data movement: values move unchanged
    except KeyError:
        raise UnsupportedError(f"{_where(op)}: no int8 kernel for op type {op.type!r}; "
                               f"int8 ops: {', '.join(sorted(_BUILDERS))}") from None
    return fn(op, graph)


# -- format helpers ----------------------------------------------------------------
def _where(op: Op) -> str:
    return op.origin or f"{op.type} -> {', '.join(op.outputs)}"


def _int8(op: Op, graph: Graph, name: str, *, per_tensor: bool = True) -> AffineFormat:
    fmt = graph.tensors[name].fmt
    if not isinstance(fmt, AffineFormat) or fmt.bits != 8 or not fmt.signed:
        raise UnsupportedError(f"{_where(op)}: tensor {name!r} is not int8 affine "
                               f"(int8 kernels only; int16 activations are not supported)")
    if per_tensor and fmt.per_channel:
        raise UnsupportedError(f"{_where(op)}: tensor {name!r} must have one scale")
    return fmt


def _scalar(op: Op, graph: Graph, name: str) -> tuple[float, int]:
    return _int8(op, graph, name).scalar()


def _act_range(op: Op, graph: Graph, activation: str | None = None) -> tuple[int, int]:
    fmt = _int8(op, graph, op.outputs[0])
    scale, zp = fmt.scalar()
    return mq.activation_range(activation or op.attrs.get("activation", "none"), scale, zp,
                               fmt.qmin, fmt.qmax)


def _weight_scales(op: Op, graph: Graph, channels: int) -> np.ndarray:
    fmt = _int8(op, graph, op.inputs[1], per_tensor=False)
    if np.any(fmt.zero_point != 0):
        raise UnsupportedError(f"{_where(op)}: int8 weights must be symmetric (zero point 0)")
    if fmt.per_channel and fmt.scale.size != channels:
        raise UnsupportedError(f"{_where(op)}: {fmt.scale.size} weight scales for "
                               f"{channels} output channels")
    return fmt.scale


def _requant_arrays(reals) -> tuple[np.ndarray, np.ndarray]:
    pairs = [mq.quantize_multiplier(float(r)) for r in reals]
    return frozen_ints([m for m, _ in pairs]), frozen_ints([s for _, s in pairs])


# -- one builder per op ------------------------------------------------------------
def _conv(op: Op, graph: Graph) -> ConvParams:
    w_shape = graph.tensors[op.inputs[1]].shape
    channels = w_shape[3] if op.type == "depthwise_conv2d" else w_shape[0]
    in_scale, in_zp = _scalar(op, graph, op.inputs[0])
    out_scale, out_zp = _scalar(op, graph, op.outputs[0])
    # double(input_scale) * double(filter_scale) / double(output_scale), per channel
    reals = [float(in_scale) * float(s) / float(out_scale)
             for s in _weight_scales(op, graph, channels)]
    mult, shift = _requant_arrays(reals)
    return ConvParams(-in_zp, out_zp, mult, shift, *_act_range(op, graph))


def _fully_connected(op: Op, graph: Graph) -> FullyConnectedParams:
    channels = graph.tensors[op.inputs[1]].shape[0]
    in_scale, in_zp = _scalar(op, graph, op.inputs[0])
    out_scale, out_zp = _scalar(op, graph, op.outputs[0])
    reals = [float(in_scale) * float(s) / float(out_scale)
             for s in _weight_scales(op, graph, channels)]
    mult, shift = _requant_arrays(reals)
    real_scale = np.array(reals, dtype=np.float64)
    real_scale.setflags(write=False)
    return FullyConnectedParams(-in_zp, 0, out_zp, mult, shift, real_scale,
                                *_act_range(op, graph))


def _pool(op: Op, graph: Graph) -> PoolParams:
    _int8(op, graph, op.inputs[0])
    return PoolParams(*_act_range(op, graph))


def _activation_scalar(op: Op, graph: Graph, name: str) -> tuple[float, int]:
    """(scale, zero point) of an int8 tensor, or of an int16 one (16x8 add and mul)."""
    from .params_int16 import is_int16

    return graph.tensors[name].fmt.scalar() if is_int16(graph, name) and \
        not graph.tensors[name].fmt.per_channel else _scalar(op, graph, name)


def _activation_range(op: Op, graph: Graph) -> tuple[int, int]:
    fmt = graph.tensors[op.outputs[0]].fmt
    if getattr(fmt, "bits", 8) != 16:
        return _act_range(op, graph)
    scale, zp = fmt.scalar()
    return mq.activation_range(op.attrs.get("activation", "none"), scale, zp, fmt.qmin, fmt.qmax)


def _add(op: Op, graph: Graph) -> AddParams:
    s1, z1 = _activation_scalar(op, graph, op.inputs[0])
    s2, z2 = _activation_scalar(op, graph, op.inputs[1])
    so, zo = _activation_scalar(op, graph, op.outputs[0])
    # TFLite Micro shifts int16 inputs by 15 bits, int8 ones by 20, before rescaling them
    left_shift = 15 if graph.tensors[op.outputs[0]].fmt.bits == 16 else 20
    # 2 * max(...) and (1 << 20) * output_scale are float32 products (exact: powers of two)
    twice_max = float(np.float32(2) * np.float32(max(s1, s2)))
    m1, sh1 = mq.quantize_multiplier_below_one(float(s1) / twice_max)
    m2, sh2 = mq.quantize_multiplier_below_one(float(s2) / twice_max)
    mo, sho = mq.quantize_multiplier_below_one(
        twice_max / float(np.float32(1 << left_shift) * np.float32(so)))
    return AddParams(left_shift, -z1, m1, sh1, -z2, m2, sh2, zo, mo, sho,
                     *_activation_range(op, graph))


def _mul(op: Op, graph: Graph) -> MulParams:
    s1, z1 = _activation_scalar(op, graph, op.inputs[0])
    s2, z2 = _activation_scalar(op, graph, op.inputs[1])
    so, zo = _activation_scalar(op, graph, op.outputs[0])
    # TFLite multiplies and divides the float32 scales in float32 here
    real = np.float32(np.float32(s1) * np.float32(s2)) / np.float32(so)
    m, sh = mq.quantize_multiplier(float(real))
    return MulParams(-z1, -z2, zo, m, sh, *_activation_range(op, graph))


def _relu(op: Op, graph: Graph) -> RequantizeParams:
    s_in, z_in = _scalar(op, graph, op.inputs[0])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    m, sh = mq.quantize_multiplier(float(np.float32(s_in) / np.float32(s_out)))  # float32 quotient
    return RequantizeParams(z_in, z_out, m, sh, *_act_range(op, graph, op_def(op.type).activation))


#: the integer types the model-edge conversions (quantize, dequantize) read and write
EDGE_TYPES = ("int8", "uint8", "int16", "int32")


def _edge_format(op: Op, graph: Graph, name: str) -> AffineFormat:
    t = graph.tensors[name]
    fmt = t.fmt
    if not isinstance(fmt, AffineFormat) or t.dtype not in EDGE_TYPES \
            or t.dtype != fmt.storage_dtype or fmt.per_channel:
        raise UnsupportedError(f"{_where(op)}: tensor {name!r} is {t.dtype}; quantize and "
                               f"dequantize convert float32 and {', '.join(EDGE_TYPES)} "
                               "tensors with one scale")
    return fmt


def _quantize(op: Op, graph: Graph) -> QuantizeParams | RequantizeParams:
    """TFLite's quantize Prepare: float input -> divide by the output scale; integer input
    -> the multiplier of (double) input scale / output scale."""
    out = _edge_format(op, graph, op.outputs[0])
    s_out, z_out = out.scalar()
    if graph.tensors[op.inputs[0]].fmt is None:
        return QuantizeParams(float(s_out), z_out, out.qmin, out.qmax)
    s_in, z_in = _edge_format(op, graph, op.inputs[0]).scalar()
    m, sh = mq.quantize_multiplier(float(s_in) / float(s_out))
    return RequantizeParams(z_in, z_out, m, sh, out.qmin, out.qmax)


def _dequantize(op: Op, graph: Graph) -> DequantizeParams:
    scale, zp = _edge_format(op, graph, op.inputs[0]).scalar()
    return DequantizeParams(float(scale), zp)


def convert_kernel(op: Op, graph: Graph) -> str:
    """The kernel name of a quantize or dequantize op, by its operand types:
    ``quantize_f32_u8``, ``quantize_u8_s8``, ``dequantize_s16_f32``... (int8 -> int8 is
    ``quantize_s8``); the simulator's and, prefixed ``es_``, the C runtime's."""
    src, dst = (_TYPE_TAGS[graph.tensors[n].dtype] for n in (op.inputs[0], op.outputs[0]))
    if (src, dst) == ("s8", "s8"):
        return "quantize_s8"
    return f"{op.type}_{src}_{dst}"


_TYPE_TAGS = {"float32": "f32", "int8": "s8", "uint8": "u8", "int16": "s16", "int32": "s32"}


def _softmax(op: Op, graph: Graph) -> SoftmaxParams:
    s_in, _ = _scalar(op, graph, op.inputs[0])
    out = graph.tensors[op.outputs[0]].fmt
    if isinstance(out, AffineFormat) and out.bits == 16 and not out.per_channel:
        s_out, z_out = out.scalar()  # int8 in, int16 out (TFLite Micro)
        if z_out != -32768 or abs(s_out - 1 / 65536) > 0.001 / 65536:
            raise UnsupportedError(f"{_where(op)}: int16-output softmax needs output scale "
                                   f"1/65536 and zero point -32768, got {s_out:g} and {z_out}")
    else:
        s_out, z_out = _scalar(op, graph, op.outputs[0])
    if out.bits == 8 and (z_out != -128 or abs(s_out - 1 / 256) > 0.001 / 256):
        raise UnsupportedError(f"{_where(op)}: int8 softmax needs output scale 1/256 and "
                               f"zero point -128, got {s_out:g} and {z_out}")
    beta = float(np.float32(op.attrs.get("beta", 1.0)))  # TFLite stores beta as float32
    return SoftmaxParams(*mq.softmax_input_scaling(beta, s_in))


def _lut(op: Op, graph: Graph) -> LutParams:
    from .. import _sim  # the table is built with the C library's expf/tanhf, as LiteRT does

    s_in, z_in = _scalar(op, graph, op.inputs[0])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    if op.type == "logistic" and s_out != np.float32(1 / 256):
        raise UnsupportedError(f"{_where(op)}: int8 logistic needs output scale 1/256, "
                               f"got {s_out:g}")
    table = np.array(_sim.populate_lut_s8(op.type, s_in, z_in, s_out, z_out), dtype=np.int8)
    table.setflags(write=False)
    return LutParams(table)


def _mean(op: Op, graph: Graph) -> MeanParams:
    s_in, z_in = _scalar(op, graph, op.inputs[0])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    shape = graph.tensors[op.inputs[0]].shape
    count = reduce(lambda a, b: a * b, (shape[a % len(shape)] for a in op.attrs["axes"]), 1)
    m, sh = mq.quantize_multiplier(float(s_in) / float(s_out))
    # Fold 1/count into the multiplier: m * 2^k / count with k = floor(log2(count)),
    # kept small enough that the final shift stays >= -31.
    k = min(count.bit_length() - 1, 32, 31 + sh)
    return MeanParams(z_in, z_out, count, int((m << k) // count), sh - k)


def _pad(op: Op, graph: Graph) -> PadParams:
    _int8(op, graph, op.inputs[0])
    return PadParams(_scalar(op, graph, op.outputs[0])[1])


def _pad_value(op: Op, graph: Graph) -> PadParams:
    """PADV2: the value as a code of the output format (the input's: the op shares it)."""
    _same_format(op, graph)
    s_out, z_out = _int8(op, graph, op.outputs[0]).scalar()
    code = mq.quantize_real(s_out, z_out, float(op.attrs.get("value", 0.0)))
    return PadParams(int(np.clip(code, -128, 127)))


def _reshape(op: Op, graph: Graph) -> NoParams:
    return NoParams()


def _same_format(op: Op, graph: Graph) -> NoParams:
    """Ops that move values unchanged (concat, transpose...): every input in the output's
    format."""
    out = _int8(op, graph, op.outputs[0])
    for name in op.inputs:
        if _int8(op, graph, name) != out:
            raise UnsupportedError(f"{_where(op)}: int8 {op.type} needs every input in the "
                                   f"output format; {name!r} differs (insert a quantize op)")
    return NoParams()


_BUILDERS = {
    "conv2d": _conv, "depthwise_conv2d": _conv, "fully_connected": _fully_connected,
    "transpose_conv": _conv,
    "avg_pool2d": _pool, "max_pool2d": _pool, "add": _add, "mul": _mul,
    "relu": _relu, "relu6": _relu, "relu_n1_to_1": _relu, "quantize": _quantize,
    "dequantize": _dequantize, "softmax": _softmax, "logistic": _lut, "tanh": _lut,
    "mean": _mean, "pad": _pad, "reshape": _reshape, "concat": _same_format,
    "pad_value": _pad_value,
}


def _more_builders() -> None:
    from .params_elementwise import BUILDERS  # it reads this module's format helpers
    from .params_svdf import svdf_params
    from .params_lstm import BUILDERS as LSTM_BUILDERS
    from .params_reduce import BUILDERS as REDUCE
    from .unary_tables import BUILDERS as TABLES

    _BUILDERS.update(BUILDERS)
    _BUILDERS.update(LSTM_BUILDERS)
    _BUILDERS["svdf"] = svdf_params
    _BUILDERS.update(TABLES)
    _BUILDERS.update(REDUCE)


_more_builders()

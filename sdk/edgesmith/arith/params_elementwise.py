"""Integer parameters of the elementwise ops added after the op registry (sub,
squared_difference, abs, leaky_relu) and of the value-choosing reductions, computed as
TFLite's kernel ``Prepare`` computes them (float32 where it divides float32 scales).
:mod:`.params` dispatches to :data:`BUILDERS`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import Graph, Op
from . import multiplier as mq
from .param_types import AddParams, RequantizeParams


@dataclass(frozen=True)
class LeakyReluParams:
    """leaky_relu: x - input zero point, times the identity multiplier where it is >= 0 and
    the alpha multiplier elsewhere, plus the output zero point, clamped to int8."""

    input_zero_point: int
    output_zero_point: int
    identity_multiplier: int
    identity_shift: int
    alpha_multiplier: int
    alpha_shift: int


@dataclass(frozen=True)
class PreluParams:
    """prelu: x + input_offset, times multiplier_1 where it is >= 0, else times
    (alpha + alpha_offset) and multiplier_2; plus output_offset, clamped to int8."""

    input_offset: int
    alpha_offset: int
    output_offset: int
    multiplier_1: int
    shift_1: int
    multiplier_2: int
    shift_2: int


def _sub(op: Op, graph: Graph) -> AddParams:
    from .params import _add

    return _add(op, graph)  # TFLite's SUB prepares exactly as ADD and subtracts instead


def _squared_difference(op: Op, graph: Graph) -> AddParams:
    from .params import _scalar

    s1, z1 = _scalar(op, graph, op.inputs[0])
    s2, z2 = _scalar(op, graph, op.inputs[1])
    so, zo = _scalar(op, graph, op.outputs[0])
    left_shift = 7  # 255^2 << 14 still fits int32
    twice_max = float(np.float32(2) * np.float32(max(s1, s2)))  # a float32 product
    m1, sh1 = mq.quantize_multiplier_below_one(float(s1) / twice_max)
    m2, sh2 = mq.quantize_multiplier_below_one(float(s2) / twice_max)
    mo, sho = mq.quantize_multiplier(
        twice_max * twice_max / float(np.float32(1 << (2 * left_shift)) * np.float32(so)))
    return AddParams(left_shift, -z1, m1, sh1, -z2, m2, sh2, zo, mo, sho, -128, 127)


def _abs(op: Op, graph: Graph) -> RequantizeParams:
    from .params import _scalar

    s_in, z_in = _scalar(op, graph, op.inputs[0])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    m, sh = mq.quantize_multiplier(float(np.float32(s_in) / np.float32(s_out)))
    return RequantizeParams(z_in, z_out, m, sh, -128, 127)


def _leaky_relu(op: Op, graph: Graph) -> LeakyReluParams:
    from .params import _scalar

    s_in, z_in = _scalar(op, graph, op.inputs[0])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    alpha = np.float32(op.attrs.get("alpha", 0.2))
    m_id, sh_id = mq.quantize_multiplier(float(np.float32(s_in) / np.float32(s_out)))
    m_a, sh_a = mq.quantize_multiplier(float(np.float32(s_in) * alpha / np.float32(s_out)))
    return LeakyReluParams(z_in, z_out, m_id, sh_id, m_a, sh_a)


def _prelu(op: Op, graph: Graph) -> PreluParams:
    from .params import _scalar

    s_in, z_in = _scalar(op, graph, op.inputs[0])
    s_a, z_a = _scalar(op, graph, op.inputs[1])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    f = np.float32
    m1, sh1 = mq.quantize_multiplier(float(f(s_in) / f(s_out)))  # float32 products, as TFLite
    m2, sh2 = mq.quantize_multiplier(float(f(s_in) * f(s_a) / f(s_out)))
    return PreluParams(-z_in, -z_a, z_out, m1, sh1, m2, sh2)


def _same_format(op: Op, graph: Graph):
    from .params import _same_format as same

    return same(op, graph)


BUILDERS = {"sub": _sub, "squared_difference": _squared_difference, "abs": _abs,
            "leaky_relu": _leaky_relu, "prelu": _prelu, "maximum": _same_format, "minimum": _same_format,
            "reduce_max": _same_format, "reduce_min": _same_format,
            "resize_bilinear": _same_format}

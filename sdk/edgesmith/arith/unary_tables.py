"""int8 unary ops as 256-entry tables (hard_swish, elu, rsqrt, neg).

An int8 op of one input without broadcasting is a function of 256 codes, so its kernel in
every backend is a table lookup, ``output = table[input + 128]``, as LiteRT's logistic and
tanh already are. The table is computed here offline with the arithmetic of the TFLite
kernel itself (its fixed-point steps for hard_swish and rsqrt, its float transform for
elu), so the lookup is bit-exact by construction and no backend repeats that arithmetic.
:mod:`.params` dispatches to :data:`BUILDERS`.
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..ir import Graph, Op
from . import gemmlowp as g
from . import multiplier as mq
from .param_types import LutParams

CODES = range(-128, 128)


def _formats(op: Op, graph: Graph):
    from .params import _scalar

    s_in, z_in = _scalar(op, graph, op.inputs[0])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    return np.float32(s_in), z_in, np.float32(s_out), z_out


def _table(values) -> LutParams:
    table = np.clip(np.array(list(values), dtype=np.int64), -128, 127).astype(np.int8)
    table.setflags(write=False)
    return LutParams(table)


def _int16_multiplier(real: np.float32) -> tuple[int, int]:
    """QuantizeMultiplier, then the Q31 multiplier rounded to Q15 (DownScaleInt32ToInt16)."""
    m32, exponent = mq.quantize_multiplier(float(real))
    if m32 >= (1 << 31) - 1 - (1 << 15):
        return (1 << 15) - 1, exponent
    return (m32 + (1 << 15)) >> 16, exponent


def _saturating_left_shift16(x: int, amount: int) -> int:
    return max(-(1 << 15), min((1 << 15) - 1, x * (1 << amount)))


def _hard_swish(op: Op, graph: Graph) -> LutParams:
    """x * relu6(x + 3) / 6 as TFLite's reference HardSwish computes it in int16: the input
    on a 2^7 finer scale, a 'reluish' factor in [0, 1] in Q15, one non-rounding product."""
    s_in, z_in, s_out, z_out = _formats(op, graph)
    hires = np.float32(1 / 128) * s_in  # float32 throughout, as Prepare computes them
    out_m, out_exp = _int16_multiplier(hires / s_out)
    rel_m, rel_exp = _int16_multiplier(hires / np.float32(3 / 32768))
    if out_exp > 0:
        raise UnsupportedError(f"{op.origin or op.type}: int8 hard_swish needs an output "
                               "scale at least the input scale / 128 (TFLite refuses it too)")

    def one(q: int) -> int:
        hires_value = g.wrap((q - z_in) * 128, 16)
        preshift_out = g.srdhm(hires_value, out_m, 16)
        reluish = hires_value
        if rel_exp > 0:  # all but the last bit of a left shift, then the multiplier
            reluish = _saturating_left_shift16(reluish, rel_exp - 1)
        reluish = g.srdhm(reluish, rel_m, 16)
        if rel_exp > 0:
            reluish = _saturating_left_shift16(reluish, 1)
        if rel_exp < 0:
            reluish = g.rounding_divide_by_pot(reluish, -rel_exp)
        reluish = (reluish + (1 << 15)) >> 1  # [-1, 1] to [0, 1]
        # SaturatingDoublingHighMul: truncates (no rounding nudge), unlike srdhm
        product = (1 << 15) - 1 if reluish == preshift_out == -(1 << 15) else \
            g.wrap(g.trunc_div(reluish * preshift_out, 1 << 15), 16)
        return g.rounding_divide_by_pot(product, -out_exp) + z_out

    return _table(one(q) for q in CODES)


def _elu(op: Op, graph: Graph) -> LutParams:
    from .. import _sim  # float32 exp(x) - 1 of the C library, as LiteRT's table

    s_in, z_in, s_out, z_out = _formats(op, graph)
    return LutParams(np.array(_sim.populate_lut_s8("elu", s_in, z_in, s_out, z_out),
                              dtype=np.int8))


def _rsqrt(op: Op, graph: Graph) -> LutParams:
    """1 / sqrt(x) as TFLite's int8 RSQRT: 1 / sqrt(q - zero point) by the fixed-point
    Newton-Raphson of GetInvSqrtQuantizedMultiplierExp, applied to 1 << 20, then rescaled
    by 1 / (sqrt(input scale) * output scale). q at the zero point gives 127. LiteRT stops
    with an error on a code below the zero point (a negative real); here it gives 127 too."""
    s_in, z_in, s_out, z_out = _formats(op, graph)
    m, shift = mq.quantize_multiplier(1.0 / float(np.sqrt(s_in) * s_out))
    k_shift = 20  # keeps 1 / sqrt(value) an integer

    def one(q: int) -> int:
        value = q - z_in
        if value <= 0:
            return 127
        inv_m, inv_shift = g.inv_sqrt_multiplier_exp(value, -1)
        data = g.multiply_by_quantized_multiplier(1, inv_m, inv_shift + k_shift)
        return g.multiply_by_quantized_multiplier(data, m, shift - k_shift) + z_out

    return _table(one(q) for q in CODES)


def _neg(op: Op, graph: Graph) -> LutParams:
    """-x as the converter's float island computes it: DEQUANTIZE to float32, negate (exact),
    QUANTIZE back with TFLite's rounding; the simulator's own conversion kernels, so the
    table is the chain it replaces, code for code."""
    from .. import _sim

    s_in, z_in, s_out, z_out = _formats(op, graph)
    codes = np.arange(-128, 128, dtype=np.int8)
    real = np.asarray(_sim.dequantize_s8_f32(codes, scale=float(s_in), zero_point=z_in))
    return _table(_sim.quantize_f32_s8(np.negative(real), scale=float(s_out), zero_point=z_out,
                                       qmin=-128, qmax=127))


BUILDERS = {"hard_swish": _hard_swish, "elu": _elu, "rsqrt": _rsqrt, "neg": _neg}

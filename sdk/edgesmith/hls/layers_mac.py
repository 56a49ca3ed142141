"""HLS layers of the MAC ops: dense, conv2d (conv1d when the height is 1), depthwise conv2d.

The accumulator of each layer is the narrowest type that holds every sum
exactly: the quantizer's interval analysis
(:func:`edgesmith.arith.intervals.accumulator_bound`: the finest binary point
of the products, the bias and the activation bounds, and the largest
|bias| + sum |w| * max|x| over the output channels, from the actual weights).
Exact sums make the one cast at the end equal the simulator's. A narrower
accumulator forced with ``--precision LAYER:acc=`` is refused: the simulator
sums exactly, so such a design could not be verified bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import UnsupportedError
from ..ir import FixedFormat, Op, Pow2Format
from ..arith.intervals import accumulator_bound
from .layers import (
    ConstArray,
    HlsLayer,
    LayerContext,
    MacCost,
    activation_constant,
    builder,
    describe,
)
from .types import ApFixed, activation_bound, aligned, exact_type, raw_int


@dataclass
class _MacTypes:
    typedefs: list[tuple[str, str]]
    arrays: list[ConstArray]
    product_frac: int  # of product_t
    w_width: int
    pow2: bool


def _weight_types(ctx: LayerContext, index: int, op: Op) -> _MacTypes:
    x = ctx.fmt(op, op.inputs[0])
    w = ctx.graph.tensors[op.inputs[1]]
    name = f"layer{index}_weights"
    if isinstance(w.fmt, Pow2Format):
        lo, hi = w.fmt.min_exp, w.fmt.max_exp
        frac = max(x.frac_bits, x.frac_bits - lo)  # holds x, and x shifted right by -min_exp
        product = ApFixed(frac + max(x.integer_bits, x.integer_bits + hi) + 1,
                          max(x.integer_bits, x.integer_bits + hi) + 1)
        store = raw_int(w.fmt.bits, signed=False)
        typedefs = [("weight_t", store), ("weight_store_t", store),
                    ("multiplier", f"es_hls::pow2_multiplier<{lo}, {w.fmt.exponent_bits}>")]
        comment = f"power-of-two codes of {describe(op)} ({w.fmt.describe()}: sign bit, " \
                  f"{w.fmt.exponent_bits} exponent bits, field k - ({lo}) + 1, 0 = zero)"
        return _MacTypes(typedefs + [("product_t", product.cpp())],
                         [ConstArray(name, store, w.data.astype(np.int64), comment)],
                         frac, w.fmt.bits, True)
    if not isinstance(w.fmt, FixedFormat):
        raise UnsupportedError(f"{describe(op)}: weights must be fixed-point or power-of-two")
    wt = ApFixed.of(w.fmt)
    product = ApFixed(x.width + w.fmt.width, x.integer_bits + w.fmt.integer_bits,
                      x.signed or w.fmt.signed)
    typedefs = [("weight_t", wt.cpp()), ("weight_store_t", wt.store()),
                ("multiplier", "es_hls::fixed_multiplier"), ("product_t", product.cpp())]
    comment = f"weights of {describe(op)}, raw {w.fmt.describe()} (value = raw * 2^-{w.fmt.frac_bits})"
    return _MacTypes(typedefs, [ConstArray(name, wt.store(), w.data.astype(np.int64), comment)],
                     product.frac_bits, w.fmt.width, False)


def _bias_and_accumulator(ctx: LayerContext, index: int, op: Op, types: _MacTypes,
                          n_out: int) -> tuple[list[tuple[str, str]], ConstArray]:
    """Bias typedefs and array, and accum_t (exact, from the interval analysis)."""
    activation = ctx.attrs(op)["activation"]
    if len(op.inputs) > 2 and op.inputs[2] is not None:
        b = ctx.graph.tensors[op.inputs[2]]
        b_fmt = ctx.fmt(op, b.name)
        bias_t, raw = ApFixed.of(b_fmt), b.data.astype(np.int64).reshape(-1)
        comment = f"biases of {describe(op)}, raw {b_fmt.describe()}"
    else:  # a zero bias keeps one kernel signature; synthesis removes it
        bias_t, raw, comment = ApFixed(1, 1), np.zeros(n_out, np.int64), f"{describe(op)} has no bias"
    interval = accumulator_bound(op, ctx.graph, index)
    frac = max(interval.acc_frac, types.product_frac)  # product_t's point, for pow2 weights
    bound = max(aligned(interval.bound, interval.acc_frac, frac),
                activation_bound(activation, frac))
    accum = exact_type(frac, bound)
    if interval.override is not None:
        forced = interval.override
        if interval.may_overflow or interval.loses_bits or \
                aligned(activation_bound(activation, frac), frac, max(frac, forced.frac_bits)) \
                > forced.qmax:
            raise UnsupportedError(
                f"{describe(op)}: the accumulator {forced.describe()} forced by --precision "
                f"{interval.problem or 'cannot hold the activation bounds'}; the simulator sums "
                "exactly, so this design could not be verified bit for bit",
                hint=f"drop the :acc override or make it at least {accum.cpp()}")
        accum = ApFixed.of(forced)  # wide enough: the same exact sums
    typedefs = [("bias_t", bias_t.cpp()), ("bias_store_t", bias_t.store()),
                ("accum_t", accum.cpp())]
    return typedefs, ConstArray(f"layer{index}_biases", bias_t.store(), raw, comment)


def _mac_layer(ctx: LayerContext, index: int, op: Op, kernel: str, base: str, n_out: int,
               per_iteration: int, iterations: int, constants: list) -> HlsLayer:
    types = _weight_types(ctx, index, op)
    bias_typedefs, bias = _bias_and_accumulator(ctx, index, op, types, n_out)
    reuse = ctx.reuse_for(per_iteration)
    n_weights = int(ctx.graph.tensors[op.inputs[1]].data.size)
    constants = constants + [
        ("unsigned", "reuse_factor", reuse),
        ("unsigned", "multiplier_limit", math.ceil(per_iteration / reuse)),
        ("unsigned", "weight_partition", max(1, math.ceil(n_weights / reuse))),
        activation_constant(ctx.attrs(op)["activation"])]
    x = ctx.fmt(op, op.inputs[0])
    mac = MacCost(per_iteration * iterations, per_iteration, x.width, types.w_width, types.pow2)
    return HlsLayer(index, op, kernel, base, types.typedefs + bias_typedefs, constants,
                    types.arrays + [bias], mac, iterations, reuse)


@builder("fully_connected")
def dense(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    n_out, n_in = ctx.graph.tensors[op.inputs[1]].shape
    constants = [("unsigned", "n_in", n_in), ("unsigned", "n_out", n_out)]
    return _mac_layer(ctx, index, op, "dense", "dense_config", n_out, n_in * n_out, 1,
                      constants)


@builder("conv2d", "depthwise_conv2d")
def conv(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    a = ctx.attrs(op)
    _, in_h, in_w, n_chan = ctx.shape(op.inputs[0])
    _, out_h, out_w, n_out = ctx.shape(op.outputs[0])
    w_shape = ctx.graph.tensors[op.inputs[1]].shape
    kh, kw = w_shape[1], w_shape[2]
    (sh, sw), (dh, dw), (pt, pb, pl, _) = a["stride"], a["dilation"], a["pads"]
    depthwise = op.type == "depthwise_conv2d"
    if depthwise:
        per_pixel, kernel = kh * kw * n_out, "depthwise_conv2d"
    else:
        per_pixel = kh * kw * n_chan * n_out
        kernel = "conv1d" if (in_h, kh, pt, pb) == (1, 1, 0, 0) else "conv2d"
    constants = [("unsigned", name, value) for name, value in (
        ("in_height", in_h), ("in_width", in_w), ("n_chan", n_chan),
        ("out_height", out_h), ("out_width", out_w), ("n_filt", n_out),
        ("filt_height", kh), ("filt_width", kw), ("stride_height", sh), ("stride_width", sw),
        ("dilation_height", dh), ("dilation_width", dw), ("pad_top", pt), ("pad_left", pl),
        ("line_rows", min((kh - 1) * dh + 1, in_h)),
        ("depth_multiplier", a["depth_multiplier"] if depthwise else 0))]
    return _mac_layer(ctx, index, op, kernel, "conv2d_config", n_out, per_pixel,
                      out_h * out_w, constants)

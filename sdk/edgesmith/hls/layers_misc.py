"""HLS layers of the ops without weights: pooling, the binary ops (add, sub, mul,
maximum, minimum, squared_difference, prelu, leaky_relu), abs, the relu family,
concat, reshape, and the table activations (softmax, sigmoid, tanh, elu, hard_swish).

Each computes the exact value in a type sized here (``accum_t``) and casts
once, as the fixed-point simulator does; the average pool's division and
the tables are described in ``hls/include/es_hls/pooling.h`` and
:mod:`edgesmith.sim.fixed_tables`.
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..ir import FixedFormat, Op
from ..sim.fixed_kernels import cast_fixed
from ..arith.fixed_alpha import leaky_relu_alpha
from ..arith.fixed_tables import ENTRY_FORMAT, SPANS, lookup_table, softmax_tables
from .layers import ConstArray, HlsLayer, LayerContext, activation_constant, builder, describe
from .types import (
    ApFixed,
    activation_bound,
    activation_frac,
    aligned,
    clamp_type,
    exact_type,
    max_raw,
    raw_int,
    signed_bits,
)


def _check_cast(op: Op, source: FixedFormat, target: FixedFormat) -> None:
    """Refuse what the simulator (and the ap_types headers) refuse."""
    try:
        cast_fixed(np.zeros(1, np.int64), source, target)
    except ValueError as exc:
        raise UnsupportedError(f"{describe(op)}: {exc}") from None


def _elementwise(ctx: LayerContext, index: int, op: Op, kernel: str, accum: ApFixed,
                 activation: str, base: str = "elementwise_config") -> HlsLayer:
    n = ctx.size(op.outputs[0])
    reuse = ctx.reuse_for(n)
    constants = [("unsigned", "n_elem", n), ("unsigned", "reuse_factor", reuse),
                 activation_constant(activation)]
    return HlsLayer(index, op, kernel, base, [("accum_t", accum.cpp())], constants,
                    reuse_factor=reuse)


@builder("relu", "relu6", "relu_n1_to_1")
def relu_family(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    x, out = ctx.fmt(op, op.inputs[0]), ctx.fmt(op, op.outputs[0])
    _check_cast(op, x, out)
    return _elementwise(ctx, index, op, "activation", clamp_type(x, op.type), op.type)


@builder("reshape")
def reshape(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    x, out = ctx.fmt(op, op.inputs[0]), ctx.fmt(op, op.outputs[0])
    if (x.width, x.integer_bits, x.signed) != (out.width, out.integer_bits, out.signed):
        raise UnsupportedError(f"{describe(op)}: a reshape cannot change the number format")
    layer = _elementwise(ctx, index, op, "activation", ApFixed.of(x), "none")
    layer.alias = True  # the same array (stream) in NHWC order; copied only into an output
    return layer


@builder("gather")
def gather(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    x, out = ctx.fmt(op, op.inputs[0]), ctx.fmt(op, op.outputs[0])
    if x != out:
        raise UnsupportedError(f"{describe(op)}: a gather moves raw values, so its input and "
                               "output need one number format")
    a = ctx.attrs(op)
    lead = 6 - len(a["dims"])  # the walk's axes fill dim0..dim5 from the innermost end
    dims, strides = (1,) * lead + tuple(a["dims"]), (0,) * lead + tuple(a["strides"])
    constants = [("unsigned", "n_in", ctx.size(op.inputs[0])),
                 ("unsigned", "n_out", ctx.size(op.outputs[0])), ("int", "offset", a["offset"])]
    constants += [("unsigned", f"dim{k}", d) for k, d in enumerate(dims)]
    constants += [("int", f"stride{k}", s) for k, s in enumerate(strides)]
    return HlsLayer(index, op, "gather", "gather_config", [], constants,
                    iterations=ctx.size(op.outputs[0]))


#: the es_hls kernel of each binary op (its *_broadcast form takes a constant operand)
BINARY_KERNELS = {"add": "add", "sub": "subtract", "mul": "multiply", "maximum": "maximum",
                  "minimum": "minimum", "squared_difference": "squared_difference",
                  "prelu": "prelu"}


def _binary_accum(op: Op, a: FixedFormat, b: FixedFormat, act: str) -> ApFixed:
    """The exact result of ``a op b`` (clamped by ``act``): its binary point and bound."""
    fine = max(a.frac_bits, b.frac_bits)
    if op.type == "mul":
        frac = activation_frac(act, a.frac_bits + b.frac_bits)
        bound = aligned(max_raw(a) * max_raw(b), a.frac_bits + b.frac_bits, frac)
    elif op.type in ("prelu", "leaky_relu"):
        frac = max(a.frac_bits, a.frac_bits + b.frac_bits)
        bound = max(aligned(max_raw(a), a.frac_bits, frac),
                    aligned(max_raw(a) * max_raw(b), a.frac_bits + b.frac_bits, frac))
    elif op.type == "squared_difference":
        frac = 2 * fine
        difference = aligned(max_raw(a), a.frac_bits, fine) + aligned(max_raw(b), b.frac_bits,
                                                                       fine)
        bound = difference * difference
    else:  # add, sub, maximum, minimum: at the finer point
        frac = activation_frac(act, fine)
        bound = aligned(max_raw(a), a.frac_bits, frac) + aligned(max_raw(b), b.frac_bits, frac)
    return exact_type(frac, max(bound, activation_bound(act, frac)))


@builder(*BINARY_KERNELS)
def binary(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    a_name, b_name = op.inputs[:2]
    consts = [n for n in (a_name, b_name) if ctx.graph.tensors[n].is_const]
    if len(consts) == 2:
        raise UnsupportedError(f"{describe(op)}: both operands are constants; fold them first")
    if op.type == "prelu" and consts != [b_name]:
        raise UnsupportedError(f"{describe(op)}: HLS prelu takes a constant alpha")
    for name in (a_name, b_name):
        if name not in consts and ctx.shape(name) != ctx.shape(op.outputs[0]):
            raise UnsupportedError(f"{describe(op)}: HLS {op.type} broadcasts only a constant "
                                   f"operand: {ctx.shape(name)} vs {ctx.shape(op.outputs[0])}")
    a, b = ctx.fmt(op, a_name), ctx.fmt(op, b_name)
    act = ctx.attrs(op).get("activation", "none")
    accum = _binary_accum(op, a, b, act)
    kernel = BINARY_KERNELS[op.type]
    if not consts:
        return _elementwise(ctx, index, op, kernel, accum, act)
    if op.type == "sub" and consts == [a_name]:
        kernel = "reverse_subtract"  # c - x: the kernel's operand comes first
    const = ctx.graph.tensors[consts[0]]
    raw = _repeating_constant(np.asarray(const.data, np.int64), ctx.shape(op.outputs[0]))
    return _broadcast(ctx, index, op, f"{kernel}_broadcast", accum, act, raw, const.fmt,
                      f"constant operand of {describe(op)}, raw {const.fmt.describe()}")


@builder("leaky_relu")
def leaky_relu(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    """prelu_broadcast with one alpha, the simulator's exact one (arith.fixed_alpha)."""
    raw, alpha = leaky_relu_alpha(op)
    accum = _binary_accum(op, ctx.fmt(op, op.inputs[0]), alpha, "none")
    return _broadcast(ctx, index, op, "prelu_broadcast", accum, "none",
                      np.array([raw], np.int64), alpha,
                      f"alpha of {describe(op)}, raw {alpha.describe()}")


def _broadcast(ctx: LayerContext, index: int, op: Op, kernel: str, accum: ApFixed, act: str,
               raw: np.ndarray, fmt: FixedFormat, comment: str) -> HlsLayer:
    layer = _elementwise(ctx, index, op, kernel, accum, act, base="broadcast_config")
    const = ApFixed.of(fmt)
    layer.typedefs += [("const_t", const.cpp()), ("const_store_t", const.store())]
    layer.constants.append(("unsigned", "n_const", raw.size))
    layer.arrays.append(ConstArray(f"layer{index}_constant", const.store(), raw, comment))
    return layer


@builder("abs")
def absolute(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    x, out = ctx.fmt(op, op.inputs[0]), ctx.fmt(op, op.outputs[0])
    _check_cast(op, x, out)
    return _elementwise(ctx, index, op, "abs", exact_type(x.frac_bits, max_raw(x)), "none")


def _repeating_constant(raw: np.ndarray, out_shape: tuple[int, ...]) -> np.ndarray:
    """The shortest prefix of the constant broadcast to one output sample that repeats to
    fill it: the constant itself when it broadcasts along the leading axes only (a
    per-channel vector, a scalar), else the whole broadcast."""
    trailing = raw.shape[next((k for k, d in enumerate(raw.shape) if d != 1), raw.ndim):]
    if tuple(out_shape[len(out_shape) - len(trailing):]) == tuple(trailing):
        return raw.reshape(-1)
    return np.broadcast_to(raw, out_shape).reshape(out_shape[0], -1)[0].copy()


@builder("concat")
def concat(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    if len(op.inputs) != 2:
        raise UnsupportedError(f"{describe(op)}: HLS concatenate joins exactly two inputs")
    out_shape = ctx.shape(op.outputs[0])
    axis = ctx.attrs(op)["axis"] % len(out_shape)
    if axis == 0:
        raise UnsupportedError(f"{describe(op)}: cannot concatenate along the batch axis")
    act = ctx.attrs(op)["activation"]
    out = ctx.fmt(op, op.outputs[0])
    typedefs, inner = [], []
    for tag, name in zip("ab", op.inputs):
        fmt = ctx.fmt(op, name)
        _check_cast(op, fmt, out)
        typedefs.append((f"{tag}_accum_t", clamp_type(fmt, act).cpp()))
        inner.append(int(np.prod(ctx.shape(name)[axis:])))
    constants = [("unsigned", "n_outer", int(np.prod(out_shape[1:axis], dtype=np.int64))),
                 ("unsigned", "n_inner_a", inner[0]), ("unsigned", "n_inner_b", inner[1]),
                 activation_constant(act)]
    return HlsLayer(index, op, "concatenate", "concat_config", typedefs, constants)


def division_types(op: Op, bound: int, count: int, frac: int, out: FixedFormat) -> list:
    """div_t and mean_t of es_hls::average: a sum of raw magnitude ``bound`` at ``frac``
    divided by ``count``, the quotient one bit below the output LSB plus a sticky bit."""
    avg_shift = out.frac_bits + 1 - frac
    if abs(avg_shift) > 64:
        raise UnsupportedError(f"{describe(op)}: input and output binary points are more "
                               "than 64 bits apart")
    width = max(signed_bits(bound) + max(avg_shift, 0),
                signed_bits(count) + max(-avg_shift, 0)) + 2
    return [("div_t", raw_int(width)),
            ("mean_t", ApFixed(width, width - (out.frac_bits + 2)).cpp())]


@builder("avg_pool2d", "max_pool2d")
def pooling(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    a = ctx.attrs(op)
    x, out = ctx.fmt(op, op.inputs[0]), ctx.fmt(op, op.outputs[0])
    _, in_h, in_w, n_chan = ctx.shape(op.inputs[0])
    _, out_h, out_w, _ = ctx.shape(op.outputs[0])
    (kh, kw), (sh, sw), pads = a["kernel"], a["stride"], tuple(a["pads"])
    act, average, taps = a["activation"], op.type == "avg_pool2d", kh * kw
    frac = activation_frac(act, x.frac_bits)
    if average:
        bound = max(aligned(max_raw(x) * taps, x.frac_bits, frac),
                    activation_bound(act, frac, taps))
    else:
        _check_cast(op, x, out)
        bound = max(aligned(max_raw(x), x.frac_bits, frac), activation_bound(act, frac))
    typedefs = [("accum_t", exact_type(frac, bound).cpp())]
    avg_shift = out.frac_bits + 1 - frac  # the quotient one bit below the output LSB
    if average:
        typedefs += division_types(op, bound, taps, frac, out)
    global_pool = (out_h, out_w) == (1, 1) and (kh, kw) == (in_h, in_w) and not any(pads)
    reuse = ctx.reuse_for(n_chan * taps)
    constants = [("unsigned", name, value) for name, value in (
        ("in_height", in_h), ("in_width", in_w), ("n_chan", n_chan), ("out_height", out_h),
        ("out_width", out_w), ("filt_height", kh), ("filt_width", kw), ("stride_height", sh),
        ("stride_width", sw), ("pad_top", pads[0]), ("pad_left", pads[2]),
        ("line_rows", min(kh, in_h)), ("reuse_factor", reuse))]
    constants += [("bool", "average", "true" if average else "false"),
                  ("bool", "full_windows", "false" if any(pads) else "true"),
                  ("int", "avg_shift", avg_shift), activation_constant(act)]
    kernel = "global_pooling2d" if global_pool else "pooling2d"
    return HlsLayer(index, op, kernel, "pooling2d_config", typedefs, constants,
                    iterations=in_h * in_w if global_pool else out_h * out_w, reuse_factor=reuse)


@builder(*SPANS)
def table_activation(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    """logistic and tanh (a table), elu and hard_swish (a table and the identity above)."""
    table = lookup_table(op, ctx.graph)
    n = ctx.size(op.outputs[0])
    store = raw_int(table.output.width, table.output.signed)
    typedefs = [("table_store_t", store),
                ("index_t", raw_int(max(table.input.width, table.bits) + 2))]
    reuse = ctx.reuse_for(n)
    constants = [("unsigned", "n_elem", n), ("unsigned", "table_size", len(table.values)),
                 ("unsigned", "index_shift", table.shift),
                 ("unsigned", "index_offset", table.offset), ("unsigned", "reuse_factor", reuse)]
    comment = (f"{op.type} of {describe(op)}: {len(table.values)} entries over "
               f"[{table.span[0]}, {table.span[1]}), raw "
               f"{table.output.describe()} (sdk/edgesmith/sim/fixed_tables.py)")
    if table.identity_from is not None:
        constants.append(("long long", "identity_from", table.identity_from))
    return HlsLayer(index, op, op.type, "table_config", typedefs, constants,
                    [ConstArray(f"layer{index}_table", store, table.values, comment)],
                    reuse_factor=reuse)


@builder("softmax")
def softmax(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    t = softmax_tables(op, ctx.graph)
    entry = ApFixed.of(ENTRY_FORMAT)
    n = ctx.size(op.outputs[0])
    typedefs = [("exp_t", entry.cpp()), ("exp_store_t", entry.store()),
                ("inv_t", entry.cpp()), ("inv_store_t", entry.store()),
                ("sum_t", ApFixed.of(t.sum_format).cpp()),
                ("diff_t", ApFixed(t.input.width + 1, t.input.integer_bits + 1).cpp()),
                ("exp_index_t", raw_int(t.input.width + 1, signed=False)),
                ("inv_index_t", raw_int(t.sum_format.width, signed=False))]
    reuse = ctx.reuse_for(n)
    constants = [("unsigned", name, value) for name, value in (
        ("n_outer", n // t.length), ("n_in", t.length),
        ("exp_table_size", len(t.exp_values)), ("exp_shift", t.exp_shift),
        ("inv_table_size", len(t.inv_values)), ("inv_shift", t.inv_shift),
        ("reuse_factor", reuse))]
    arrays = [
        ConstArray(f"layer{index}_exp_table", entry.store(), t.exp_values,
                   f"exp(-beta * j * step) of {describe(op)}, raw {ENTRY_FORMAT.describe()}"),
        ConstArray(f"layer{index}_inv_table", entry.store(), t.inv_values,
                   f"1 / sum of {describe(op)}, raw {ENTRY_FORMAT.describe()}")]
    return HlsLayer(index, op, "softmax", "softmax_config", typedefs, constants, arrays,
                    reuse_factor=reuse)

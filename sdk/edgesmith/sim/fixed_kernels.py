"""Fixed-point kernels of the simulator, for graphs whose tensors carry
:class:`~edgesmith.ir.FixedFormat` (raw values in int32 arrays), and
power-of-two weights (:class:`~edgesmith.ir.Pow2Format`, uint8 codes).

Every op computes its result exactly and quantizes it once into the output
format with that format's rounding and overflow modes (docs/FORMATS_IMPL.md):
dense and convolutions sum exact products in a 128-bit accumulator, add and
mul are exact, average pooling rounds the exact mean, and max pooling, the
relu family, concat and quantize are casts; sub, maximum, minimum,
squared_difference, prelu, leaky_relu (an exact alpha) and abs are exact too.
Fused activations clamp the exact value before the cast. Each kernel is one
call into ``edgesmith._sim``; softmax, sigmoid (``logistic``), tanh, elu and
hard_swish are table lookups (:mod:`.fixed_tables`), the last two the identity
where the function is; the reductions are in :mod:`.fixed_reduce`.
"""

from __future__ import annotations

import numpy as np

from .. import _sim
from ..errors import UnsupportedError
from ..ir import OP_DEFS, FixedFormat, Graph, Op, Pow2Format, with_defaults
from ..ir.ops.movement import movement_kernel
from ..arith.fixed_alpha import leaky_relu_alpha
from .fixed_reduce import REDUCE_KERNELS
from .fixed_tables import TABLE_KERNELS
from .int_kernels import Kernel

FIXED_KERNELS: dict[str, Kernel] = {**TABLE_KERNELS, **REDUCE_KERNELS}


def _kernel(*op_types: str):
    def register(fn: Kernel) -> Kernel:
        for t in op_types:
            FIXED_KERNELS[t] = fn
        return fn
    return register


def cast_fixed(raw: np.ndarray, source: FixedFormat, target: FixedFormat) -> np.ndarray:
    """Raw values of ``source`` assigned to ``target`` (``target_t y = x;`` in HLS), as int64.

    Raises ValueError for the casts the ``ap_types`` headers abort on: a
    target LSB weight of at least 2^(I+1) of the source, with rounding.
    """
    return _sim.fixed_cast(np.ascontiguousarray(raw, dtype=np.int64), source.sim_type(),
                           target.sim_type())


def _fixed(op: Op, graph: Graph, name: str) -> FixedFormat:
    fmt = graph.tensors[name].fmt
    if not isinstance(fmt, FixedFormat):
        raise UnsupportedError(f"{op.origin or op.type}: tensor {name!r} is "
                               f"{'float' if fmt is None else fmt.describe()}; fixed-point ops "
                               "need fixed-point operands")
    return fmt


def _i32(x) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.int32)


def _out(op: Op, graph: Graph):
    return _fixed(op, graph, op.outputs[0]).sim_type()


def _mac(op: Op, graph: Graph, args: list, **layer) -> np.ndarray:
    """dense / conv2d / depthwise conv2d with fixed-point or power-of-two weights."""
    w_fmt = graph.tensors[op.inputs[1]].fmt
    has_bias = len(args) > 2 and args[2] is not None
    common = dict(bias=_i32(args[2]) if has_bias else None,
                  x_type=_fixed(op, graph, op.inputs[0]).sim_type(),
                  bias_type=_fixed(op, graph, op.inputs[2]).sim_type() if has_bias else None,
                  out=_out(op, graph), activation=with_defaults(op.type, op.attrs)["activation"])
    if isinstance(w_fmt, Pow2Format):
        weights, tag = np.ascontiguousarray(args[1], dtype=np.uint8), "p2"
        common["code"] = w_fmt.sim_code()
    else:
        weights, tag = _i32(args[1]), "fx"
        common["w_type"] = _fixed(op, graph, op.inputs[1]).sim_type()
    kernel = getattr(_sim, f"{op.type}_{tag}")  # the kernel of (op, format tag)
    x = _i32(args[0])
    if op.type == "fully_connected" and with_defaults(op.type, op.attrs)["keep_num_dims"]:
        rows = kernel(x.reshape(-1, x.shape[-1]), weights, **common)  # one row per sample
        return rows.reshape(*x.shape[:-1], -1)
    if op.type == "fully_connected":
        return kernel(x.reshape(x.shape[0], -1), weights, **common)
    return kernel(x, weights, **layer, **common)


@_kernel("fully_connected")
def fully_connected(op: Op, graph: Graph, args: list) -> np.ndarray:
    return _mac(op, graph, args)


@_kernel("conv2d", "depthwise_conv2d")
def conv2d(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    multiplier = a["depth_multiplier"] if op.type == "depthwise_conv2d" else 0
    return _mac(op, graph, args, stride=a["stride"], dilation=a["dilation"], pads=a["pads"],
                depth_multiplier=multiplier)


@_kernel("avg_pool2d", "max_pool2d")
def pool2d(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    return getattr(_sim, f"{op.type}_fx")(_i32(args[0]), kernel=a["kernel"], stride=a["stride"], pads=a["pads"],
              x_type=_fixed(op, graph, op.inputs[0]).sim_type(), out=_out(op, graph),
              activation=a["activation"])


@_kernel("add", "sub", "mul", "maximum", "minimum", "squared_difference", "prelu")
def binary(op: Op, graph: Graph, args: list) -> np.ndarray:
    shape = np.broadcast_shapes(args[0].shape, args[1].shape)
    a, b = (_i32(np.broadcast_to(x, shape)) for x in args[:2])
    return getattr(_sim, f"{op.type}_fx")(a, b, _fixed(op, graph, op.inputs[0]).sim_type(),
              _fixed(op, graph, op.inputs[1]).sim_type(), _out(op, graph),
              with_defaults(op.type, op.attrs).get("activation", "none"))


@_kernel("leaky_relu")
def leaky_relu(op: Op, graph: Graph, args: list) -> np.ndarray:
    # prelu with one alpha, held exactly (arith.fixed_alpha)
    raw, fmt = leaky_relu_alpha(op)
    x = _i32(args[0])
    return _sim.prelu_fx(x, np.full_like(x, raw), _fixed(op, graph, op.inputs[0]).sim_type(),
                         fmt.sim_type(), _out(op, graph))


@_kernel("abs")
def absolute(op: Op, graph: Graph, args: list) -> np.ndarray:
    return _sim.abs_fx(_i32(args[0]), _fixed(op, graph, op.inputs[0]).sim_type(),
                       _out(op, graph))


@_kernel("relu", "relu6", "relu_n1_to_1")
def activation(op: Op, graph: Graph, args: list) -> np.ndarray:
    return _sim.relu_fx(_i32(args[0]), _fixed(op, graph, op.inputs[0]).sim_type(),
                        _out(op, graph), op.type)


@_kernel("concat")
def concat(op: Op, graph: Graph, args: list) -> np.ndarray:
    # each input may have its own format: cast it (with the fused activation) first;
    # a constant input (batch 1) joins every sample
    a, out = with_defaults(op.type, op.attrs), _out(op, graph)
    batch = max(x.shape[0] for x in args)
    parts = [_sim.relu_fx(_i32(np.broadcast_to(x, (batch,) + x.shape[1:])),
                          _fixed(op, graph, name).sim_type(), out, a["activation"])
             for x, name in zip(args, op.inputs)]
    return np.concatenate(parts, axis=a["axis"])


@_kernel("pad")
def pad(op: Op, graph: Graph, args: list) -> np.ndarray:
    # zero padding moves raw values: real 0 is raw 0 in every fixed-point format
    if _fixed(op, graph, op.inputs[0]) != _fixed(op, graph, op.outputs[0]):
        raise UnsupportedError(f"{op.origin or op.type}: a fixed-point pad keeps its input's "
                               "format")
    return np.pad(_i32(args[0]), [tuple(p) for p in op.attrs["pads"]])


@_kernel("reshape")
def reshape(op: Op, graph: Graph, args: list) -> np.ndarray:
    # a view: the same raw values must mean the same numbers
    before, after = _fixed(op, graph, op.inputs[0]), _fixed(op, graph, op.outputs[0])
    if (before.width, before.integer_bits, before.signed) != \
            (after.width, after.integer_bits, after.signed):
        raise UnsupportedError(f"{op.origin or op.type}: a fixed-point reshape cannot change "
                               f"{before.describe()} into {after.describe()}")
    x = args[0]
    return x.reshape((x.shape[0],) + tuple(op.attrs["shape"][1:]))


@_kernel("quantize")
def quantize(op: Op, graph: Graph, args: list) -> np.ndarray:
    out = _fixed(op, graph, op.outputs[0])
    source = graph.tensors[op.inputs[0]]
    if source.fmt is None:
        return out.quantize(args[0])
    return cast_fixed(args[0], _fixed(op, graph, op.inputs[0]), out).astype(np.int32)


@_kernel("dequantize")
def dequantize(op: Op, graph: Graph, args: list) -> np.ndarray:
    return _fixed(op, graph, op.inputs[0]).dequantize(args[0])


# pure data movement (transpose, ...): raw values move unchanged, the format with them
FIXED_KERNELS.update({name: movement_kernel for name, d in OP_DEFS.items() if d.move})

"""Integer kernels of the simulator: each op runs as one call into the C++
module ``edgesmith._sim`` on the whole batch.

A kernel takes ``(op, graph, args)`` with ``args`` following ``op.inputs``
(constants as their data, activations batched on axis 0) and returns the
batched output. Integer parameters come from
:func:`edgesmith.arith.params.compute_params` (microseconds per op, so they are
recomputed per call rather than cached against a graph that passes may edit).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import _sim
from ..arith.params import compute_params, convert_kernel
from ..ir import OP_DEFS, Graph, Op, with_defaults
from ..ir.ops.movement import movement_kernel
from ..ir.ops.tree_ensemble import integer_kernel as tree_integer_kernel

Kernel = Callable[[Op, Graph, list], np.ndarray]
INT_KERNELS: dict[str, Kernel] = {}


def _kernel(*op_types: str):
    def register(fn: Kernel) -> Kernel:
        for t in op_types:
            INT_KERNELS[t] = fn
        return fn
    return register


def _attrs(op: Op) -> dict:
    return with_defaults(op.type, op.attrs)


def _i8(x) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.int8)


def _bias(args: list) -> np.ndarray | None:
    return np.ascontiguousarray(args[2], dtype=np.int32) if len(args) > 2 and args[2] is not None \
        else None


def _broadcast_pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    shape = np.broadcast_shapes(a.shape, b.shape)
    return (np.ascontiguousarray(np.broadcast_to(a, shape), dtype=np.int8),
            np.ascontiguousarray(np.broadcast_to(b, shape), dtype=np.int8))


@_kernel("conv2d")
def conv2d(op: Op, graph: Graph, args: list) -> np.ndarray:
    p, a = compute_params(op, graph), _attrs(op)
    return _sim.conv2d_s8(_i8(args[0]), _i8(args[1]), _bias(args), stride=a["stride"],
                          dilation=a["dilation"], pads=a["pads"], input_offset=p.input_offset,
                          output_offset=p.output_offset, multiplier=p.multiplier, shift=p.shift,
                          act_min=p.act_min, act_max=p.act_max)


@_kernel("depthwise_conv2d")
def depthwise_conv2d(op: Op, graph: Graph, args: list) -> np.ndarray:
    p, a = compute_params(op, graph), _attrs(op)
    return _sim.depthwise_conv2d_s8(
        _i8(args[0]), _i8(args[1]), _bias(args), stride=a["stride"], dilation=a["dilation"],
        pads=a["pads"], depth_multiplier=a["depth_multiplier"], input_offset=p.input_offset,
        output_offset=p.output_offset, multiplier=p.multiplier, shift=p.shift,
        act_min=p.act_min, act_max=p.act_max)


@_kernel("fully_connected")
def fully_connected(op: Op, graph: Graph, args: list) -> np.ndarray:
    # LiteRT's reference output stage (double scales), or with graph.meta["fc_output_stage"]
    # == "q31" TFLite Micro's (Q31 multiplier and shift), which rounds differently
    p = compute_params(op, graph)
    rows = _attrs(op)["keep_num_dims"]  # each row of the last axis is one sample
    x = _i8(args[0]).reshape(-1, args[0].shape[-1]) if rows \
        else _i8(args[0]).reshape(args[0].shape[0], -1)
    out = _sim.fully_connected_s8(
        x, _i8(args[1]), _bias(args), input_offset=p.input_offset,
        weights_offset=p.weights_offset, output_offset=p.output_offset, multiplier=p.multiplier,
        shift=p.shift, real_scale=None if graph.meta.get("fc_output_stage") == "q31"
        else p.real_scale, act_min=p.act_min, act_max=p.act_max)
    return out.reshape(*args[0].shape[:-1], -1) if rows else out


@_kernel("avg_pool2d", "max_pool2d")
def pool2d(op: Op, graph: Graph, args: list) -> np.ndarray:
    p, a = compute_params(op, graph), _attrs(op)
    fn = _sim.avg_pool2d_s8 if op.type == "avg_pool2d" else _sim.max_pool2d_s8
    return fn(_i8(args[0]), kernel=a["kernel"], stride=a["stride"], pads=a["pads"],
              act_min=p.act_min, act_max=p.act_max)


@_kernel("add")
def add(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    a, b = _broadcast_pair(args[0], args[1])
    return _sim.add_s8(a, b, **vars(p))


@_kernel("mul")
def mul(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    a, b = _broadcast_pair(args[0], args[1])
    return _sim.mul_s8(a, b, **vars(p))


@_kernel("relu", "relu6", "relu_n1_to_1")
def relu(op: Op, graph: Graph, args: list) -> np.ndarray:
    return _sim.relu_s8(_i8(args[0]), **vars(compute_params(op, graph)))


@_kernel("quantize", "dequantize")
def convert(op: Op, graph: Graph, args: list) -> np.ndarray:
    """The model-edge conversions, one C++ kernel per pair of operand types."""
    x = np.ascontiguousarray(args[0], dtype=graph.tensors[op.inputs[0]].dtype)
    return getattr(_sim, convert_kernel(op, graph))(x, **vars(compute_params(op, graph)))


@_kernel("softmax")
def softmax(op: Op, graph: Graph, args: list) -> np.ndarray:
    kernel = _sim.softmax_s8_s16 if graph.tensors[op.outputs[0]].dtype == "int16" \
        else _sim.softmax_s8  # int8 in, int16 out: TFLite Micro's keyword-spotting head
    return kernel(_i8(args[0]), **vars(compute_params(op, graph)))


@_kernel("log_softmax")
def log_softmax(op: Op, graph: Graph, args: list) -> np.ndarray:
    return _sim.log_softmax_s8(_i8(args[0]), **vars(compute_params(op, graph)))


@_kernel("logistic", "tanh", "elu", "hard_swish", "rsqrt", "neg")
def lookup_table(op: Op, graph: Graph, args: list) -> np.ndarray:
    return getattr(_sim, f"{op.type}_s8")(_i8(args[0]), compute_params(op, graph).table)


@_kernel("mean", "sum")
def mean(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    x = _i8(args[0])
    attrs = _attrs(op)
    axes = sorted(a % x.ndim for a in attrs["axes"])
    kept = [d for d in range(x.ndim) if d not in axes]
    rows = np.ascontiguousarray(np.transpose(x, kept + axes)).reshape(-1, p.count)
    out = _sim.mean_s8(rows, input_zero_point=p.input_zero_point,
                       output_zero_point=p.output_zero_point, multiplier=p.multiplier,
                       shift=p.shift)
    shape = [1 if d in axes else x.shape[d] for d in range(x.ndim)] if attrs["keepdims"] \
        else [x.shape[d] for d in kept]
    return out.reshape(shape)


@_kernel("pad", "pad_value")
def pad(op: Op, graph: Graph, args: list) -> np.ndarray:
    pads = op.attrs["pads"]
    return _sim.pad_s8(_i8(args[0]), before=[b for b, _ in pads], after=[a for _, a in pads],
                       value=compute_params(op, graph).pad_value)


@_kernel("concat")
def concat(op: Op, graph: Graph, args: list) -> np.ndarray:
    compute_params(op, graph)  # checks that every input shares the output format
    # int8 CONCATENATION copies bytes; LiteRT applies no fused activation here
    return _sim.concat_s8([_i8(x) for x in args], axis=_attrs(op)["axis"])


@_kernel("maximum", "minimum")
def select(op: Op, graph: Graph, args: list) -> np.ndarray:
    compute_params(op, graph)  # checks that both inputs share the output format
    pick = np.maximum if op.type == "maximum" else np.minimum
    return pick(_i8(args[0]), _i8(args[1]))  # raw values in one format: exact


@_kernel("reshape")
def reshape(op: Op, graph: Graph, args: list) -> np.ndarray:
    x = args[0]
    return x.reshape((x.shape[0],) + tuple(op.attrs["shape"][1:]))


def _numpy_kernels() -> None:
    from .elementwise_s8 import KERNELS  # exact NumPy arithmetic (sub, abs, leaky_relu...)

    INT_KERNELS.update(KERNELS)
    from .lstm_kernel import KERNELS as LSTM_KERNELS

    INT_KERNELS.update(LSTM_KERNELS)
    from .svdf_s8 import KERNELS as SVDF_KERNELS  # stateful: updates its state in place

    INT_KERNELS.update(SVDF_KERNELS)
    from .normalize_s8 import KERNELS as NORMALIZE  # l2_normalization

    INT_KERNELS.update(NORMALIZE)
    from .transpose_conv_s8 import KERNELS as TRANSPOSE_CONV

    INT_KERNELS.update(TRANSPOSE_CONV)


_numpy_kernels()

# pure data movement (transpose, ...): the op's own move, exact on any integer format
INT_KERNELS.update({name: movement_kernel for name, d in OP_DEFS.items() if d.move})
INT_KERNELS["tree_ensemble"] = tree_integer_kernel  # int8 features, integer thresholds

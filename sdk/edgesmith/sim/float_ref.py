"""NumPy float32 reference kernels, one per op type of the IR.

Every kernel has the signature ``kernel(op, graph, args) -> np.ndarray``:
``args`` follows ``op.inputs`` (constants as their data arrays, ``None`` for
an absent optional input), activations are batched on axis 0 with any batch
size, and all arithmetic is float32. These kernels are the first rung of the
verification ladder (compared with Keras / scikit-learn within a tolerance);
the integer kernels live elsewhere.

Window ops (convolutions, pooling) loop over the kernel taps and do one
vectorised multiply (or max) per tap over the whole batch: KH*KW NumPy calls
per op, memory bounded by one output-sized buffer (no im2col matrix).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ..ir import Graph, Op, with_defaults
from ..ir.ops import conv_out_size

Kernel = Callable[[Op, Graph, list], np.ndarray]

FLOAT_KERNELS: dict[str, Kernel] = {}


def _kernel(op_type: str):
    def register(fn: Kernel) -> Kernel:
        FLOAT_KERNELS[op_type] = fn
        return fn
    return register


def _f32(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float32)


def apply_activation(y: np.ndarray, activation: str) -> np.ndarray:
    """The fused activation of an op (``none|relu|relu6|relu_n1_to_1``)."""
    if activation == "none":
        return y
    lo, hi = {"relu": (0.0, None), "relu6": (0.0, 6.0), "relu_n1_to_1": (-1.0, 1.0)}[activation]
    return np.clip(y, np.float32(lo), None if hi is None else np.float32(hi))


def _taps(x: np.ndarray, kh: int, kw: int, a: dict, fill: float
          ) -> Iterator[tuple[int, int, np.ndarray]]:
    """(i, j, view) for every kernel tap; view[n, y, x, c] is the input under tap (i, j)."""
    (sh, sw), (dh, dw), (pt, pb, pl, pr) = a["stride"], a["dilation"], a["pads"]
    oh = conv_out_size(x.shape[1], kh, sh, dh, pt, pb)
    ow = conv_out_size(x.shape[2], kw, sw, dw, pl, pr)
    if pt or pb or pl or pr:
        x = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=fill)
    for i in range(kh):
        for j in range(kw):
            r, c = i * dh, j * dw
            yield i, j, x[:, r:r + (oh - 1) * sh + 1:sh, c:c + (ow - 1) * sw + 1:sw, :]


def _bias_act(y: np.ndarray, bias, a: dict) -> np.ndarray:
    if bias is not None:
        y = y + _f32(bias)
    return apply_activation(y, a["activation"])


@_kernel("conv2d")
def conv2d(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    x, w = _f32(args[0]), _f32(args[1])
    out = None
    for i, j, view in _taps(x, w.shape[1], w.shape[2], a, 0.0):
        term = view @ w[:, i, j, :].T  # [N, OH, OW, I] @ [I, O]
        out = term if out is None else out + term
    return _bias_act(out, args[2] if len(args) > 2 else None, a)


@_kernel("depthwise_conv2d")
def depthwise_conv2d(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    x, w = _f32(args[0]), _f32(args[1])
    m = a["depth_multiplier"]
    if m > 1:  # output channel c*m + k reads input channel c
        x = np.repeat(x, m, axis=3)
    out = None
    for i, j, view in _taps(x, w.shape[1], w.shape[2], a, 0.0):
        term = view * w[0, i, j, :]
        out = term if out is None else out + term
    return _bias_act(out, args[2] if len(args) > 2 else None, a)


@_kernel("fully_connected")
def fully_connected(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    x, w = _f32(args[0]), _f32(args[1])
    return _bias_act(x.reshape(x.shape[0], -1) @ w.T, args[2] if len(args) > 2 else None, a)


@_kernel("max_pool2d")
def max_pool2d(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    kh, kw = a["kernel"]
    out = None
    for _, _, view in _taps(_f32(args[0]), kh, kw, a, -np.inf):
        out = view.copy() if out is None else np.maximum(out, view)
    return apply_activation(out, a["activation"])


@_kernel("avg_pool2d")
def avg_pool2d(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    kh, kw = a["kernel"]
    x = _f32(args[0])
    total = sum(view for _, _, view in _taps(x, kh, kw, a, 0.0))
    # padded cells are not counted: divide by the number of real cells per window
    ones = np.ones((1, x.shape[1], x.shape[2], 1), np.float32)
    count = sum(view for _, _, view in _taps(ones, kh, kw, a, 0.0))
    return apply_activation(total / count, a["activation"])


@_kernel("add")
def add(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    return apply_activation(_f32(args[0]) + _f32(args[1]), a["activation"])


@_kernel("mul")
def mul(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    return apply_activation(_f32(args[0]) * _f32(args[1]), a["activation"])


@_kernel("relu")
def relu(op: Op, graph: Graph, args: list) -> np.ndarray:
    return apply_activation(_f32(args[0]), "relu")


@_kernel("relu6")
def relu6(op: Op, graph: Graph, args: list) -> np.ndarray:
    return apply_activation(_f32(args[0]), "relu6")


@_kernel("relu_n1_to_1")
def relu_n1_to_1(op: Op, graph: Graph, args: list) -> np.ndarray:
    return apply_activation(_f32(args[0]), "relu_n1_to_1")


@_kernel("logistic")
def logistic(op: Op, graph: Graph, args: list) -> np.ndarray:
    x = _f32(args[0])
    with np.errstate(over="ignore"):  # exp overflow to inf gives the correct limit 0
        return (np.float32(1) / (np.float32(1) + np.exp(-x))).astype(np.float32)


@_kernel("tanh")
def tanh(op: Op, graph: Graph, args: list) -> np.ndarray:
    return np.tanh(_f32(args[0]))


@_kernel("softmax")
def softmax(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    z = _f32(args[0]) * np.float32(a["beta"])
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@_kernel("mean")
def mean(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    return np.mean(_f32(args[0]), axis=tuple(a["axes"]), keepdims=a["keepdims"], dtype=np.float32)


@_kernel("reshape")
def reshape(op: Op, graph: Graph, args: list) -> np.ndarray:
    x = np.asarray(args[0])
    # dimension 0 of the declared shape is the batch: it becomes the actual N
    return x.reshape((x.shape[0],) + tuple(op.attrs["shape"][1:]))


@_kernel("pad")
def pad(op: Op, graph: Graph, args: list) -> np.ndarray:
    return np.pad(_f32(args[0]), [tuple(p) for p in op.attrs["pads"]])


@_kernel("concat")
def concat(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    y = np.concatenate([_f32(x) for x in args], axis=a["axis"])
    return apply_activation(y, a["activation"])


@_kernel("batch_norm")
def batch_norm(op: Op, graph: Graph, args: list) -> np.ndarray:
    a = with_defaults(op.type, op.attrs)
    x, gamma, beta, mu, var = (_f32(v) for v in args)
    inv = gamma / np.sqrt(var + np.float32(a["epsilon"]))
    return (x - mu) * inv + beta

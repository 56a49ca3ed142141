"""Shared pieces of the float32 reference kernels (each op's kernel is in its own file).

A reference kernel has the signature ``kernel(op, graph, args) -> np.ndarray``:
``args`` follows ``op.inputs`` (constants as their data arrays, ``None`` for
an absent optional input), activations are batched on axis 0 with any batch
size, and all arithmetic is float32. They are the first rung of the
verification ladder (compared with Keras / scikit-learn within a tolerance).

Window ops (convolutions, pooling) loop over the kernel taps and do one
vectorised multiply (or max) per tap over the whole batch: KH*KW NumPy calls
per op, memory bounded by one output-sized buffer (no im2col matrix).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .base import conv_out_size, with_defaults

#: real bounds of each fused activation (None: unbounded)
ACTIVATION_BOUNDS = {"none": (None, None), "relu": (0.0, None), "relu6": (0.0, 6.0),
                     "relu_n1_to_1": (-1.0, 1.0)}


def f32(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float32)


def attrs_of(op) -> dict:
    return with_defaults(op.type, op.attrs)


def apply_activation(y: np.ndarray, activation: str) -> np.ndarray:
    """The fused activation of an op (``none|relu|relu6|relu_n1_to_1``)."""
    lo, hi = ACTIVATION_BOUNDS[activation]
    if lo is None and hi is None:
        return y
    return np.clip(y, np.float32(lo), None if hi is None else np.float32(hi))


def taps(x: np.ndarray, kh: int, kw: int, a: dict, fill: float
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


def bias_act(y: np.ndarray, args: list, a: dict) -> np.ndarray:
    """``y`` plus the optional bias (input 2), then the fused activation."""
    bias = args[2] if len(args) > 2 else None
    if bias is not None:
        y = y + f32(bias)
    return apply_activation(y, a["activation"])


def unary(fn):
    """A reference kernel applying ``fn`` to the first input as float32."""
    def kernel(op, graph, args):
        return fn(f32(args[0]))
    return kernel

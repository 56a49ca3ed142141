"""transpose_conv: the transpose of a 2-D convolution (TFLite TRANSPOSE_CONV, Keras
Conv2DTranspose): every input pixel adds its channels times the filter into a stride-spaced
window of the output. Weights ``[O, KH, KW, I]`` as conv2d; ``pads`` (top, bottom, left,
right) are those of the convolution from the output back to the input, and ``size`` the
output height and width (the stride makes it ambiguous otherwise)."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import Attr, OpDef, register
from .reference import attrs_of, bias_act, f32
from .tflite_read import fused_activation, option, optional_input, positive
from .window import WINDOW_ATTRS


def _shape(shapes, a):
    x, w = shapes[0], shapes[1]
    if len(w) != 4 or w[3] != x[3]:
        raise ValueError(f"transpose_conv weights {w} do not take {x[3]} input channels")
    return [(x[0], *a["size"], w[0])]


def scatter_sum(x: np.ndarray, w: np.ndarray, a: dict, out_hw) -> np.ndarray:
    """Sum over input pixels and taps of x[n, iy, ix, :] . w[o, fy, fx, :] into output
    (iy * stride - top + fy, ix * stride - left + fx), in x's dtype (exact for int64)."""
    (sh, sw), (top, _, left, _) = a["stride"], a["pads"]
    n, ih, iw, _ = x.shape
    oh, ow = out_hw
    out = np.zeros((n, oh, ow, w.shape[0]), dtype=x.dtype)
    for fy in range(w.shape[1]):
        for fx in range(w.shape[2]):
            tap = np.einsum("nyxi,oi->nyxo", x, w[:, fy, fx, :].astype(x.dtype))
            ys = np.arange(ih) * sh - top + fy
            xs = np.arange(iw) * sw - left + fx
            ky, kx = (ys >= 0) & (ys < oh), (xs >= 0) & (xs < ow)
            out[:, ys[ky][:, None], xs[kx][None, :]] += tap[:, ky][:, :, kx]
    return out


def _float(op, graph, args):
    a = attrs_of(op)
    out = scatter_sum(f32(args[0]), f32(args[1]), a, a["size"])
    return bias_act(out, args, a)


def transpose_pads(in_hw, kernel, stride, out_hw, valid: bool) -> tuple[int, ...]:
    """(top, bottom, left, right): the padding of the convolution from the output back to
    the input ('same': what the stride and kernel overshoot the output by, odd pixel after;
    'valid': none). TFLite and Keras agree on it."""
    pads: list[int] = []
    for n, k, s, out in zip(in_hw, kernel, stride, out_hw):
        total = 0 if valid else max(0, (n - 1) * s + k - out)
        pads += [total // 2, total - total // 2]
    return tuple(pads)


def _from_tflite(imp, op) -> None:
    size = imp.const_values(op, 0, "output shape").reshape(-1)
    w = imp.tflite(op.inputs[1])
    x = imp.tflite(op.inputs[2])
    stride = positive(imp, op, "stride", (option(op, "StrideH", 1), option(op, "StrideW", 1)))
    if len(size) != 4 or len(w.shape) != 4:
        raise UnsupportedError(f"{imp.path}: {op.title}: only 2-D transpose convolutions are "
                               "supported")
    pads = transpose_pads(x.shape[1:3], w.shape[1:3], stride, (int(size[1]), int(size[2])),
                          valid=option(op, "Padding", 0) == 1)
    attrs = {"size": (int(size[1]), int(size[2])), "stride": stride, "pads": pads,
             "activation": fused_activation(imp, op)}
    imp.emit(op, "transpose_conv", [op.inputs[2], op.inputs[1], optional_input(op, 3)], attrs)


TRANSPOSE_CONV = register(OpDef(
    "transpose_conv", ("x", "weights", "bias?"),
    {**WINDOW_ATTRS, "dilation": Attr("ints", (1, 1), choices=((1, 1),)),
     "size": Attr("ints", required=True)}, _shape,
    doc="Transpose of a 2-D convolution to output size `size`.", pattern="opaque",
    weight_axis=0, float_ref=_float, tflite=("TRANSPOSE_CONV",), from_tflite=_from_tflite,
    keras=("Conv2DTranspose",)))

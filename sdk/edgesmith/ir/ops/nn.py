"""Convolution, dense and pooling ops.

Layouts follow TFLite so that imported weights need no transposition:
conv2d weights are OHWI ``[out_ch, kh, kw, in_ch]``; depthwise weights are
``[1, kh, kw, in_ch * depth_multiplier]``; fully_connected weights are
``[out_features, in_features]``. Padding is explicit, ``pads = [top, bottom,
left, right]``; importers translate 'same'/'valid' with :func:`same_padding`.
"""

from __future__ import annotations

from .base import ACTIVATIONS, Attr, OpSpec, conv_out_size, register

_window_attrs = {
    "stride": Attr("ints", (1, 1)),
    "dilation": Attr("ints", (1, 1)),
    "pads": Attr("ints", (0, 0, 0, 0)),
    "activation": Attr("str", "none", ACTIVATIONS),
}


def _spatial(x, kh, kw, a):
    (sh, sw), (dh, dw), (pt, pb, pl, pr) = a["stride"], a["dilation"], a["pads"]
    return conv_out_size(x[1], kh, sh, dh, pt, pb), conv_out_size(x[2], kw, sw, dw, pl, pr)


def _conv_shape(shapes, a):
    x, w = shapes[0], shapes[1]
    if len(x) != 4 or len(w) != 4 or w[3] != x[3]:
        raise ValueError(f"conv2d input {x} and weights {w} do not match (NHWC, OHWI)")
    oh, ow = _spatial(x, w[1], w[2], a)
    return [(x[0], oh, ow, w[0])]


def _dw_shape(shapes, a):
    x, w = shapes[0], shapes[1]
    m = a["depth_multiplier"]
    if len(x) != 4 or len(w) != 4 or w[3] != x[3] * m:
        raise ValueError(f"depthwise input {x} and weights {w} do not match (multiplier {m})")
    oh, ow = _spatial(x, w[1], w[2], a)
    return [(x[0], oh, ow, w[3])]


def _fc_shape(shapes, a):
    x, w = shapes[0], shapes[1]
    k = 1
    for d in x[1:]:
        k *= d
    if w[1] != k:
        raise ValueError(f"fully_connected input {x} has {k} features, weights expect {w[1]}")
    return [(x[0], w[0])]


def _pool_shape(shapes, a):
    x = shapes[0]
    kh, kw = a["kernel"]
    oh, ow = _spatial(x, kh, kw, a)
    return [(x[0], oh, ow, x[3])]


register(OpSpec("conv2d", ("x", "weights", "bias?"), dict(_window_attrs), _conv_shape,
                doc="2-D convolution, NHWC input, OHWI weights, int32 bias."))
register(OpSpec("depthwise_conv2d", ("x", "weights", "bias?"),
                {**_window_attrs, "depth_multiplier": Attr("int", 1)}, _dw_shape,
                doc="Depthwise 2-D convolution; weights [1, kh, kw, C*multiplier]."))
register(OpSpec("fully_connected", ("x", "weights", "bias?"),
                {"activation": Attr("str", "none", ACTIVATIONS)}, _fc_shape,
                doc="Dense layer; the input is flattened to [N, features]."))
_pool_attrs = {**_window_attrs, "kernel": Attr("ints", required=True)}
del _pool_attrs["dilation"]
_pool_attrs["dilation"] = Attr("ints", (1, 1), choices=((1, 1),))
register(OpSpec("avg_pool2d", ("x",), dict(_pool_attrs), _pool_shape,
                doc="Average pooling; padded cells are not counted."))
register(OpSpec("max_pool2d", ("x",), dict(_pool_attrs), _pool_shape, doc="Max pooling."))
register(OpSpec("batch_norm", ("x", "gamma", "beta", "mean", "variance"),
                {"epsilon": Attr("float", 1e-3)},
                doc="Inference batch normalization on the last axis (float graphs only; "
                    "folded into the preceding op or lowered to mul+add)."))

"""depthwise_conv2d: output channel c reads input channel c // depth_multiplier; weights
``[1, kh, kw, in_ch * depth_multiplier]`` (the TFLite layout)."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import Attr, OpDef, register
from .reference import attrs_of, bias_act, f32, taps
from .tflite_read import optional_input
from .window import WINDOW_ATTRS, spatial, tflite_window


def _shape(shapes, a):
    x, w = shapes[0], shapes[1]
    m = a["depth_multiplier"]
    if len(x) != 4 or len(w) != 4 or w[3] != x[3] * m:
        raise ValueError(f"depthwise input {x} and weights {w} do not match (multiplier {m})")
    oh, ow = spatial(x, w[1], w[2], a)
    return [(x[0], oh, ow, w[3])]


def _float(op, graph, args):
    a = attrs_of(op)
    x, w = f32(args[0]), f32(args[1])
    m = a["depth_multiplier"]
    if m > 1:  # output channel c*m + k reads input channel c
        x = np.repeat(x, m, axis=3)
    out = None
    for i, j, view in taps(x, w.shape[1], w.shape[2], a, 0.0):
        term = view * w[0, i, j, :]
        out = term if out is None else out + term
    return bias_act(out, args, a)


def _from_tflite(imp, op) -> None:
    x, w = (imp.tflite(i) for i in op.inputs[:2])
    if x.shape[3] == 0 or w.shape[3] % x.shape[3]:
        raise UnsupportedError(f"{imp.path}: {op.title}: {w.shape[3]} filters do not divide "
                               f"into {x.shape[3]} input channels")
    attrs = {**tflite_window(imp, op, w.shape[1:3]), "depth_multiplier": w.shape[3] // x.shape[3]}
    imp.emit(op, "depthwise_conv2d", [op.inputs[0], op.inputs[1], optional_input(op, 2)], attrs)


DEPTHWISE_CONV2D = register(OpDef(
    "depthwise_conv2d", ("x", "weights", "bias?"),
    {**WINDOW_ATTRS, "depth_multiplier": Attr("int", 1)}, _shape,
    doc="Depthwise 2-D convolution; weights [1, kh, kw, C*multiplier].",
    pattern="mac", weight_axis=3, fuses_activation=True, absorbs_pad=True, patch="window",
    inplace="channel", float_ref=_float, tflite=("DEPTHWISE_CONV_2D",), from_tflite=_from_tflite,
    keras=("DepthwiseConv2D", "SeparableConv2D")))

"""conv2d: 2-D convolution, NHWC input, OHWI weights ``[out_ch, kh, kw, in_ch]``, int32 bias.

Layouts follow TFLite so that imported weights need no transposition.
"""

from __future__ import annotations

from ...errors import UnsupportedError
from .base import OpDef, register
from .reference import attrs_of, bias_act, f32, taps
from .tflite_read import optional_input
from .window import WINDOW_ATTRS, spatial, tflite_window


def _shape(shapes, a):
    x, w = shapes[0], shapes[1]
    if len(x) != 4 or len(w) != 4 or w[3] != x[3]:
        raise ValueError(f"conv2d input {x} and weights {w} do not match (NHWC, OHWI)")
    oh, ow = spatial(x, w[1], w[2], a)
    return [(x[0], oh, ow, w[0])]


def _float(op, graph, args):
    a = attrs_of(op)
    x, w = f32(args[0]), f32(args[1])
    out = None
    for i, j, view in taps(x, w.shape[1], w.shape[2], a, 0.0):
        term = view @ w[:, i, j, :].T  # [N, OH, OW, I] @ [I, O]
        out = term if out is None else out + term
    return bias_act(out, args, a)


def _from_tflite(imp, op) -> None:
    x, w = (imp.tflite(i) for i in op.inputs[:2])
    if w.shape[3] != x.shape[3]:
        raise UnsupportedError(f"{imp.path}: {op.title}: grouped convolution "
                               f"({x.shape[3]} input channels, filters of depth {w.shape[3]})")
    imp.emit(op, "conv2d", [op.inputs[0], op.inputs[1], optional_input(op, 2)],
             tflite_window(imp, op, w.shape[1:3]))


CONV2D = register(OpDef(
    "conv2d", ("x", "weights", "bias?"), dict(WINDOW_ATTRS), _shape,
    doc="2-D convolution, NHWC input, OHWI weights, int32 bias.",
    pattern="mac", weight_axis=0, fuses_activation=True, absorbs_pad=True, patch="window",
    float_ref=_float, tflite=("CONV_2D",), from_tflite=_from_tflite,
    keras=("Conv1D", "Conv2D")))

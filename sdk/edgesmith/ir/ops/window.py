"""What the window ops (convolutions and pooling) share: attributes, output size, and
the TFLite reading of stride, dilation and padding.

Padding is explicit, ``pads = [top, bottom, left, right]``; importers
translate 'same'/'valid' with :func:`~.base.same_padding`.
"""

from __future__ import annotations

from .base import ACTIVATIONS, Attr, conv_out_size
from .tflite_read import fused_activation, option, positive, window_pads

WINDOW_ATTRS = {
    "stride": Attr("ints", (1, 1)),
    "dilation": Attr("ints", (1, 1)),
    "pads": Attr("ints", (0, 0, 0, 0)),
    "activation": Attr("str", "none", ACTIVATIONS),
}
#: pooling: a kernel size, and no dilation
POOL_ATTRS = {**{k: v for k, v in WINDOW_ATTRS.items() if k != "dilation"},
              "kernel": Attr("ints", required=True),
              "dilation": Attr("ints", (1, 1), choices=((1, 1),))}


def spatial(x, kh: int, kw: int, a: dict) -> tuple[int, int]:
    """(height, width) of a window op's output over NHWC input shape ``x``."""
    (sh, sw), (dh, dw), (pt, pb, pl, pr) = a["stride"], a["dilation"], a["pads"]
    return conv_out_size(x[1], kh, sh, dh, pt, pb), conv_out_size(x[2], kw, sw, dw, pl, pr)


def pool_shape(shapes, a):
    x = shapes[0]
    kh, kw = a["kernel"]
    oh, ow = spatial(x, kh, kw, a)
    return [(x[0], oh, ow, x[3])]


def tflite_window(imp, op, kernel_hw, *, dilated: bool = True) -> dict:
    """stride, dilation, pads and the fused activation of a TFLite window op."""
    x = imp.tflite(op.inputs[0])
    stride = positive(imp, op, "stride", (option(op, "StrideH", 1), option(op, "StrideW", 1)))
    dilation = positive(imp, op, "dilation", (option(op, "DilationHFactor", 1),
                                              option(op, "DilationWFactor", 1))) \
        if dilated else (1, 1)
    attrs = {"stride": stride, "activation": fused_activation(imp, op),
             "pads": window_pads(imp, op, x.shape[1:3], kernel_hw, stride, dilation)}
    if dilated:
        attrs["dilation"] = dilation
    return attrs


def tflite_pool(imp, op, op_type: str) -> None:
    kernel = positive(imp, op, "filter size",
                      (option(op, "FilterHeight", 1), option(op, "FilterWidth", 1)))
    imp.emit(op, op_type, [op.inputs[0]],
             {"kernel": kernel, **tflite_window(imp, op, kernel, dilated=False)})

"""Converters of the windowed Keras layers: convolutions and pooling, 1-D and 2-D.

1-D layers run as the 2-D op on an ``[N, 1, W, C]`` view: a reshape before,
the 2-D op (kernel ``(1, k)``), the layer's activation, a reshape after. The
pass pipeline merges the back-to-back reshapes between consecutive 1-D layers.

Global average pooling becomes ``mean`` over the spatial axes, not an
``avg_pool2d`` over the full window: it is one op that yields ``[N, C]``
directly (no trailing reshape), works unchanged for 1-D, and it is what the
TFLite converter emits for the same layer, so Keras and TFLite imports of
one model give the same IR.
"""

from __future__ import annotations

from collections.abc import Callable

from ..ir import same_padding
from ..ir.ops.transpose_conv import transpose_pads
from .keras_context import LayerContext, converter, ints


def _window_attrs(ctx: LayerContext, x: str, kernel: tuple[int, int],
                  strides: tuple[int, int], dilation: tuple[int, int]) -> dict:
    """stride, dilation and explicit pads of a 2-D window op from the Keras padding mode."""
    padding = str(ctx.config.get("padding", "valid")).lower()
    _, h, w, _ = ctx.shape(x)
    if padding == "valid":
        pads = (0, 0, 0, 0)
    elif padding == "same":
        pads = (*same_padding(h, kernel[0], strides[0], dilation[0]),
                *same_padding(w, kernel[1], strides[1], dilation[1]))
    elif padding == "causal" and h == 1:  # Conv1D only: all padding before the sequence
        pads = (0, 0, (kernel[1] - 1) * dilation[1], 0)
    else:
        raise ctx.refuse(f"padding {padding!r} is not supported")
    return {"stride": strides, "dilation": dilation, "pads": pads}


def _as_2d(ctx: LayerContext, x: str, body: Callable[[str], str]) -> str:
    """Run ``body`` (a 2-D computation) on the ``[N, 1, W, C]`` view of a 1-D tensor."""
    shape = ctx.shape(x)
    if len(shape) != 3:
        raise ctx.refuse(f"expects a [batch, steps, channels] input, got {list(shape)}")
    view = ctx.op("reshape", [x], {"shape": (1, 1, shape[1], shape[2])}, suffix="as_2d")
    y = body(view)
    _, _, w, c = ctx.shape(y)
    return ctx.op("reshape", [y], {"shape": (1, w, c)}, suffix="as_1d")


def _spatial(ctx: LayerContext, key: str, one_d: bool, default=None) -> tuple[int, int]:
    """A Keras kernel/stride/dilation setting as (h, w); 1-D settings become (1, w)."""
    value = ctx.config.get(key, default)
    return (1, ints(value, 1, key)[0]) if one_d else ints(value, 2, key)


def _conv(ctx: LayerContext, x: str, one_d: bool) -> str:
    ctx.require_channels_last()
    if int(ctx.config.get("groups", 1)) != 1:
        raise ctx.refuse("grouped convolution (groups > 1) is not supported")
    kernel = ctx.weight("kernel")
    # Keras [kh, kw, in, out] (1-D: [k, in, out]) -> OHWI [out, kh, kw, in]
    weights = kernel.transpose(2, 0, 1)[:, None] if one_d else kernel.transpose(3, 0, 1, 2)
    size = _spatial(ctx, "kernel_size", one_d)
    attrs = _window_attrs(ctx, x, size, _spatial(ctx, "strides", one_d, 1),
                          _spatial(ctx, "dilation_rate", one_d, 1))
    y = ctx.op("conv2d", [x, ctx.const("weights", weights), ctx.bias()], attrs)
    return ctx.activate(y)


@converter("Conv2D")
def conv2d(ctx: LayerContext, inputs: list[str]) -> str:
    return _conv(ctx, inputs[0], one_d=False)


@converter("Conv1D")
def conv1d(ctx: LayerContext, inputs: list[str]) -> str:
    return _as_2d(ctx, inputs[0], lambda view: _conv(ctx, view, one_d=True))


def _transposed_size(ctx: LayerContext, n: int, k: int, s: int, extra) -> int:
    """Keras' output length of a transpose convolution along one axis."""
    same = str(ctx.config.get("padding", "valid")).lower() == "same"
    if extra is None:
        return n * s if same else n * s + max(k - s, 0)
    return (n - 1) * s + k - (2 * (k // 2) if same else 0) + extra


@converter("Conv2DTranspose")
def conv2d_transpose(ctx: LayerContext, inputs: list[str]) -> str:
    ctx.require_channels_last()
    x = inputs[0]
    if _spatial(ctx, "dilation_rate", False, 1) != (1, 1):
        raise ctx.refuse("dilated transpose convolution is not supported")
    if str(ctx.config.get("padding", "valid")).lower() not in ("same", "valid"):
        raise ctx.refuse(f"padding {ctx.config.get('padding')!r} is not supported")
    kernel = ctx.weight("kernel")  # Keras [kh, kw, out, in] -> [out, kh, kw, in]
    size, strides = kernel.shape[:2], _spatial(ctx, "strides", False, 1)
    extra = ctx.config.get("output_padding")
    extra = (None, None) if extra is None else ints(extra, 2, "output_padding")
    in_hw = ctx.shape(x)[1:3]
    out_hw = tuple(_transposed_size(ctx, n, k, s, e)
                   for n, k, s, e in zip(in_hw, size, strides, extra))
    valid = str(ctx.config.get("padding", "valid")).lower() == "valid"
    attrs = {"size": out_hw, "stride": strides,
             "pads": transpose_pads(in_hw, size, strides, out_hw, valid)}
    y = ctx.op("transpose_conv", [x, ctx.const("weights", kernel.transpose(2, 0, 1, 3)),
                                  ctx.bias()], attrs)
    return ctx.activate(y)


def _depthwise(ctx: LayerContext, x: str, kernel, bias: str | None) -> str:
    """Depthwise conv with a Keras kernel [kh, kw, C, multiplier]."""
    kh, kw, c, m = kernel.shape
    attrs = _window_attrs(ctx, x, (kh, kw), ints(ctx.config.get("strides", 1), 2),
                          ints(ctx.config.get("dilation_rate", 1), 2))
    # [kh, kw, C, M] -> [1, kh, kw, C*M]: output channel c*M + k, as TFLite orders it
    weights = ctx.const("depthwise_weights", kernel.reshape(1, kh, kw, c * m))
    return ctx.op("depthwise_conv2d", [x, weights, bias], {**attrs, "depth_multiplier": m},
                  suffix="depthwise")


@converter("DepthwiseConv2D")
def depthwise_conv2d(ctx: LayerContext, inputs: list[str]) -> str:
    ctx.require_channels_last()
    y = _depthwise(ctx, inputs[0], ctx.weight("depthwise_kernel", "kernel"), ctx.bias())
    return ctx.activate(y)


@converter("SeparableConv2D")
def separable_conv2d(ctx: LayerContext, inputs: list[str]) -> str:
    ctx.require_channels_last()
    y = _depthwise(ctx, inputs[0], ctx.weight("depthwise_kernel"), None)
    pointwise = ctx.weight("pointwise_kernel")  # [1, 1, C*M, out] -> [out, 1, 1, C*M]
    y = ctx.op("conv2d", [y, ctx.const("pointwise_weights", pointwise.transpose(3, 0, 1, 2)),
                          ctx.bias()], suffix="pointwise")
    return ctx.activate(y)


def _pool(ctx: LayerContext, x: str, op_type: str, one_d: bool) -> str:
    ctx.require_channels_last()
    size = _spatial(ctx, "pool_size", one_d, 2)
    strides = size if ctx.config.get("strides") is None else _spatial(ctx, "strides", one_d)
    attrs = _window_attrs(ctx, x, size, strides, (1, 1))
    del attrs["dilation"]
    return ctx.op(op_type, [x], {**attrs, "kernel": size})


@converter("MaxPooling2D")
def max_pooling2d(ctx: LayerContext, inputs: list[str]) -> str:
    return _pool(ctx, inputs[0], "max_pool2d", one_d=False)


@converter("AveragePooling2D")
def average_pooling2d(ctx: LayerContext, inputs: list[str]) -> str:
    return _pool(ctx, inputs[0], "avg_pool2d", one_d=False)


@converter("MaxPooling1D")
def max_pooling1d(ctx: LayerContext, inputs: list[str]) -> str:
    return _as_2d(ctx, inputs[0], lambda view: _pool(ctx, view, "max_pool2d", one_d=True))


@converter("AveragePooling1D")
def average_pooling1d(ctx: LayerContext, inputs: list[str]) -> str:
    return _as_2d(ctx, inputs[0], lambda view: _pool(ctx, view, "avg_pool2d", one_d=True))


#: Keras global pooling layer -> the IR reduction over the spatial axes
GLOBAL_POOLS = {"GlobalAveragePooling1D": "mean", "GlobalAveragePooling2D": "mean",
                "GlobalMaxPooling1D": "reduce_max", "GlobalMaxPooling2D": "reduce_max"}


@converter(*GLOBAL_POOLS)
def global_pooling(ctx: LayerContext, inputs: list[str]) -> str:
    ctx.require_channels_last()
    spatial_axes = tuple(range(1, len(ctx.shape(inputs[0])) - 1))
    return ctx.op(GLOBAL_POOLS[ctx.layer.class_name], inputs[:1],
                  {"axes": spatial_axes, "keepdims": bool(ctx.config.get("keepdims", False))})

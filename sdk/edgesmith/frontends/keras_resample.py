"""Converters of the Keras layers that move data without arithmetic: cropping, nearest and
bilinear up-sampling and 1-D zero padding, 1-D and 2-D (global pooling is in :mod:`.keras_conv`).

1-D layers work on ``[N, W, C]``; the ops they become (slice, resize_nearest, pad) take the
axes they need directly, so no 2-D view is needed except for the resize, which is defined
on NHWC and gets a ``[N, 1, W, C]`` view.
"""

from __future__ import annotations

from .keras_context import LayerContext, converter, ints


def _pairs(ctx: LayerContext, key: str, dims: int) -> list[tuple[int, int]]:
    """A Keras cropping/padding setting as one (before, after) pair per spatial axis:
    ``p``, ``(a, b)`` for 1-D; ``p``, ``(rows, cols)`` or ``((t, b), (l, r))`` for 2-D."""
    value = ctx.config.get(key, 1)
    if dims == 1:
        return [ints(value, 2, key)]
    if isinstance(value, int):
        value = (value, value)
    return [ints(v, 2, key) for v in value]


@converter("Cropping1D", "Cropping2D")
def cropping(ctx: LayerContext, inputs: list[str]) -> str:
    ctx.require_channels_last()
    shape = ctx.shape(inputs[0])
    crops = _pairs(ctx, "cropping", len(shape) - 2)
    begin, size = [0], [shape[0]]
    for dim, (before, after) in zip(shape[1:-1], crops):
        if before < 0 or after < 0 or before + after >= dim:
            raise ctx.refuse(f"cropping {crops} leaves nothing of input {list(shape)}")
        begin.append(before)
        size.append(dim - before - after)
    return ctx.op("slice", inputs[:1], {"begin": (*begin, 0), "size": (*size, shape[-1]),
                                        "strides": (1,) * len(shape)})


@converter("ZeroPadding1D")
def zero_padding1d(ctx: LayerContext, inputs: list[str]) -> str:
    (pad,) = _pairs(ctx, "padding", 1)
    return ctx.op("pad", inputs[:1], {"pads": ((0, 0), pad, (0, 0))})


#: Keras interpolation -> IR resize op; Keras resizes bilinearly with half-pixel centers
#: (tf.image.resize), and nearest by repeating each pixel (no half-pixel offset)
RESIZE_OPS = {"nearest": "resize_nearest", "bilinear": "resize_bilinear"}


@converter("UpSampling1D", "UpSampling2D")
def up_sampling(ctx: LayerContext, inputs: list[str]) -> str:
    ctx.require_channels_last()
    x = inputs[0]
    shape = ctx.shape(x)
    one_d = len(shape) == 3
    interpolation = str(ctx.config.get("interpolation", "nearest"))
    if interpolation not in RESIZE_OPS:
        raise ctx.refuse(f"interpolation {interpolation!r} is not supported (only "
                         f"{' or '.join(map(repr, RESIZE_OPS))})")
    if one_d:
        factors = (1, ints(ctx.config.get("size", 2), 1, "size")[0])
        x = ctx.op("reshape", [x], {"shape": (shape[0], 1, shape[1], shape[2])}, suffix="as_2d")
    else:
        factors = ints(ctx.config.get("size", 2), 2, "size")
    _, h, w, c = ctx.shape(x)
    y = ctx.op(RESIZE_OPS[interpolation], [x],
               {"size": (h * factors[0], w * factors[1]), "align_corners": False,
                "half_pixel_centers": interpolation == "bilinear"})
    if one_d:
        y = ctx.op("reshape", [y], {"shape": (shape[0], w * factors[1], c)}, suffix="as_1d")
    return y

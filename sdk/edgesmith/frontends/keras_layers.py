"""Converters of the Keras layers that are not windowed: dense, activations,
batch norm, merges, reshapes, padding and the inference no-ops.

Each converter turns one Keras layer call into IR ops (see
:mod:`.keras_context`); convolutions and pooling are in :mod:`.keras_conv`.
"""

from __future__ import annotations

import math

import numpy as np

from .keras_context import LayerContext, converter, ints


@converter("Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise",
           "GaussianDropout")
def identity_at_inference(ctx: LayerContext, inputs: list[str]) -> str:
    return inputs[0]


@converter("Dense")
def dense(ctx: LayerContext, inputs: list[str]) -> str:
    x = inputs[0]
    if len(ctx.shape(x)) != 2:
        raise ctx.refuse(f"Dense on a rank-{len(ctx.shape(x))} input {list(ctx.shape(x))} "
                         "(applied per position) is not supported; Flatten before it")
    kernel = ctx.weight("kernel")  # Keras [in, out]; the IR wants [out, in]
    y = ctx.op("fully_connected", [x, ctx.const("weights", kernel.T), ctx.bias()])
    return ctx.activate(y)


@converter("Activation")
def activation(ctx: LayerContext, inputs: list[str]) -> str:
    return ctx.activate(inputs[0], ctx.config.get("activation"))


@converter("ReLU")
def relu_layer(ctx: LayerContext, inputs: list[str]) -> str:
    cfg = ctx.config
    max_value = cfg.get("max_value")
    if float(cfg.get("negative_slope") or 0) != 0 or float(cfg.get("threshold") or 0) != 0:
        raise ctx.refuse("ReLU with negative_slope or threshold is not supported")
    if max_value is None:
        return ctx.op("relu", inputs[:1])
    if float(max_value) == 6.0:
        return ctx.op("relu6", inputs[:1])
    raise ctx.refuse(f"ReLU with max_value={max_value} is not supported (only None or 6)")


@converter("LeakyReLU")
def leaky_relu_layer(ctx: LayerContext, inputs: list[str]) -> str:
    # Keras 3 calls the slope negative_slope, Keras 2 alpha
    slope = ctx.config.get("negative_slope", ctx.config.get("alpha", 0.3))
    return ctx.op("leaky_relu", inputs[:1], {"alpha": float(slope)})


@converter("ELU")
def elu_layer(ctx: LayerContext, inputs: list[str]) -> str:
    alpha = float(ctx.config.get("alpha", 1.0))
    if alpha != 1.0:
        raise ctx.refuse(f"ELU with alpha={alpha} is not supported (only alpha=1, the "
                         "TFLite ELU)")
    return ctx.op("elu", inputs[:1])


@converter("PReLU")
def prelu_layer(ctx: LayerContext, inputs: list[str]) -> str:
    # alpha has the input's shape without the batch, of size 1 along the shared axes
    alpha = ctx.weight("alpha")
    return ctx.op("prelu", [inputs[0], ctx.const("alpha", alpha[None])])


@converter("Rescaling")
def rescaling(ctx: LayerContext, inputs: list[str]) -> str:
    """x * scale + offset (scale and offset scalars or per channel)."""
    scale = np.asarray(ctx.config.get("scale", 1.0), np.float32).reshape(-1)
    offset = np.asarray(ctx.config.get("offset", 0.0), np.float32).reshape(-1)
    y = ctx.op("mul", [inputs[0], ctx.const("scale", scale)], suffix="scale")
    return ctx.op("add", [y, ctx.const("offset", offset)], suffix="offset") \
        if np.any(offset != 0) else y


@converter("Normalization")
def normalization(ctx: LayerContext, inputs: list[str]) -> str:
    """(x - mean) / sqrt(variance), the adapted statistics stored as weights, over the last
    axis (Keras keeps a mean and variance per channel, broadcast over the rest)."""
    if ctx.config.get("invert"):
        raise ctx.refuse("an inverted Normalization (de-normalization) is not supported")
    shape = ctx.shape(inputs[0])
    if ctx.config.get("mean") is not None:  # statistics given to the constructor
        mean = np.asarray(ctx.config["mean"], np.float32)
        variance = np.asarray(ctx.config.get("variance", 1.0), np.float32)
    else:  # statistics from adapt(), stored as weights
        mean, variance = ctx.weight("mean"), ctx.weight("variance")
        ctx.used.add("count")
    if mean.size not in (1, shape[-1]):
        raise ctx.refuse(f"statistics of shape {list(mean.shape)} for input {list(shape)}: "
                         "only per-channel (last axis) or scalar statistics are supported")
    # Keras divides by max(sqrt(variance), epsilon) with epsilon = backend.epsilon() = 1e-7
    inv_std = (1.0 / np.maximum(np.sqrt(variance.reshape(-1)), 1e-7)).astype(np.float32)
    y = ctx.op("mul", [inputs[0], ctx.const("inv_std", inv_std)], suffix="scale")
    return ctx.op("add", [y, ctx.const("shift", (-mean.reshape(-1) * inv_std).astype(np.float32))],
                  suffix="shift")


@converter("Softmax")
def softmax_layer(ctx: LayerContext, inputs: list[str]) -> str:
    """Softmax over any axes: the softmax op normalises the last axis, so the axes are
    transposed to the end and merged into one, and put back afterwards."""
    x = inputs[0]
    shape = ctx.shape(x)
    axis = ctx.config.get("axis", -1)
    axes = sorted({int(a) % len(shape) for a in (axis if isinstance(axis, (list, tuple))
                                                 else [axis])})
    if not axes or axes[0] == 0:
        raise ctx.refuse(f"softmax over axis {axis} (the batch axis) is not supported")
    perm = [d for d in range(len(shape)) if d not in axes] + axes
    moved = perm != list(range(len(shape)))
    if moved:
        x = ctx.op("transpose", [x], {"perm": tuple(perm)}, suffix="axes_last")
    moved_shape = ctx.shape(x)
    if len(axes) > 1:
        merged = (*moved_shape[:-len(axes)], math.prod(moved_shape[-len(axes):]))
        x = ctx.op("reshape", [x], {"shape": merged}, suffix="merge")
    y = ctx.op("softmax", [x], {"beta": 1.0})
    if len(axes) > 1:
        y = ctx.op("reshape", [y], {"shape": moved_shape}, suffix="split")
    if moved:
        y = ctx.op("transpose", [y], {"perm": tuple(int(i) for i in np.argsort(perm))},
                   suffix="axes_back")
    return y


@converter("BatchNormalization")
def batch_norm(ctx: LayerContext, inputs: list[str]) -> str:
    cfg, x = ctx.config, inputs[0]
    shape = ctx.shape(x)
    axes = cfg.get("axis", -1)
    axes = list(axes) if isinstance(axes, (list, tuple)) else [axes]
    if len(axes) != 1 or axes[0] % len(shape) != len(shape) - 1:
        raise ctx.refuse(f"normalization over axis {cfg.get('axis')} is not supported "
                         "(only the last, channel axis)")
    channels = shape[-1]
    gamma = ctx.weight("gamma") if cfg.get("scale", True) else np.ones(channels, np.float32)
    beta = ctx.weight("beta") if cfg.get("center", True) else np.zeros(channels, np.float32)
    params = [ctx.const(n, v) for n, v in (("gamma", gamma), ("beta", beta),
                                           ("mean", ctx.weight("moving_mean")),
                                           ("variance", ctx.weight("moving_variance")))]
    return ctx.op("batch_norm", [x, *params], {"epsilon": float(cfg.get("epsilon", 1e-3))})


#: Keras merge layer -> the IR op that folds its inputs pairwise
MERGE_OPS = {"Add": "add", "Subtract": "sub", "Multiply": "mul", "Maximum": "maximum",
             "Minimum": "minimum", "Average": "add"}


@converter(*MERGE_OPS)
def merge(ctx: LayerContext, inputs: list[str]) -> str:
    """Add/Multiply/Maximum/Minimum/Average over any number of inputs (Subtract: exactly
    two), folded left to right as Keras does; Average scales the sum by 1/n."""
    kind = ctx.layer.class_name
    if len(inputs) < 2 or (kind == "Subtract" and len(inputs) != 2):
        raise ctx.refuse(f"{kind} needs {'exactly' if kind == 'Subtract' else 'at least'} "
                         f"two inputs, got {len(inputs)}")
    op_type = MERGE_OPS[kind]
    total = inputs[0]
    for k, other in enumerate(inputs[1:]):
        total = ctx.op(op_type, [total, other],
                       suffix=f"{op_type}{k}" if len(inputs) > 2 else op_type)
    if kind == "Average":
        scale = ctx.const("inv_count", np.full((1,), 1.0 / len(inputs), np.float32))
        total = ctx.op("mul", [total, scale], suffix="average")
    return total


@converter("Concatenate")
def concatenate(ctx: LayerContext, inputs: list[str]) -> str:
    rank = len(ctx.shape(inputs[0]))
    axis = int(ctx.config.get("axis", -1)) % rank
    if axis == 0:
        raise ctx.refuse("concatenation along the batch axis is not supported")
    return ctx.op("concat", inputs, {"axis": axis})


def _reshape_to(ctx: LayerContext, x: str, features: list[int]) -> str:
    """Reshape ``x`` to ``[batch, *features]`` with any -1 resolved."""
    size = math.prod(ctx.shape(x)[1:])
    if features.count(-1) == 1:
        known = math.prod(d for d in features if d != -1)
        features = [size // known if d == -1 else d for d in features]
    if math.prod(features) != size:
        raise ctx.refuse(f"cannot reshape {list(ctx.shape(x))} to [batch, {features}]")
    return ctx.op("reshape", [x], {"shape": (1, *features)})


@converter("Flatten")
def flatten(ctx: LayerContext, inputs: list[str]) -> str:
    # channels_last: NHWC element order is already the flattened order
    ctx.require_channels_last()
    return _reshape_to(ctx, inputs[0], [-1])


@converter("Reshape")
def reshape(ctx: LayerContext, inputs: list[str]) -> str:
    return _reshape_to(ctx, inputs[0], [int(d) for d in ctx.config["target_shape"]])


@converter("ZeroPadding2D")
def zero_padding2d(ctx: LayerContext, inputs: list[str]) -> str:
    ctx.require_channels_last()
    padding = ctx.config.get("padding", 1)
    # p, (rows, cols) or ((top, bottom), (left, right))
    if isinstance(padding, (int, np.integer)):
        padding = (padding, padding)
    rows, cols = ints(padding[0], 2, "padding"), ints(padding[1], 2, "padding")
    return ctx.op("pad", inputs[:1], {"pads": ((0, 0), rows, cols, (0, 0))})

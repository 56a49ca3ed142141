"""FoldBatchNorm: folded into conv2d / depthwise / fully_connected weights when it can be,
lowered to mul + add otherwise; never left in the graph."""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.errors import UnsupportedError
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.passes import FoldBatchNorm

from tests.passes.rewrite_check import bn_params, check_rewrite, const_data, rand

EPS = 1e-3


def scale_shift(graph, params):
    gamma, beta, mean, var = (const_data(graph, n).astype(np.float64) for n in params)
    scale = gamma / np.sqrt(var + EPS)
    return scale, beta - mean * scale


# op type, input shape, weight shape, out-channel axis of the weights, attrs
CASES = {
    "conv2d": ((1, 5, 5, 2), (3, 3, 3, 2), 0, {"pads": (1, 1, 1, 1)}),
    "depthwise_conv2d": ((1, 5, 5, 2), (1, 3, 3, 4), 3, {"depth_multiplier": 2}),
    "fully_connected": ((1, 6), (4, 6), 0, {}),
}


def linear_then_bn(op_type: str, with_bias: bool, activation: str = "none"):
    in_shape, w_shape, _, attrs = CASES[op_type]
    b = GraphBuilder("g")
    x = b.input("x", in_shape)
    inputs = [x, b.const("w", rand(*w_shape))]
    if with_bias:
        inputs.append(b.const("b", rand(w_shape[CASES[op_type][2]])))
    y = b.op(op_type, inputs, {**attrs, "activation": activation}, name="y")
    params = bn_params(b, b.shape(y)[-1])
    z = b.op("batch_norm", [y, *params], {"epsilon": EPS}, name="z")
    return b.finish([z]), params


@pytest.mark.parametrize("with_bias", [True, False])
@pytest.mark.parametrize("op_type", sorted(CASES))
def test_folds_into_the_weights_and_bias(op_type, with_bias):
    before, params = linear_then_bn(op_type, with_bias)
    in_shape, _, axis, attrs = CASES[op_type]
    scale, shift = scale_shift(before, params)
    weights = const_data(before, "w").astype(np.float64)
    bias = const_data(before, "b").astype(np.float64) if with_bias else 0.0
    shape = [1] * weights.ndim
    shape[axis] = -1

    e = GraphBuilder("g")
    x = e.input("x", in_shape)
    w = e.const("w/bn_folded", (weights * scale.reshape(shape)).astype(np.float32))
    b_name = "b/bn_folded" if with_bias else "y/bias/bn_folded"
    bias_c = e.const(b_name, (bias * scale + shift).astype(np.float32))
    e.op(op_type, [x, w, bias_c], attrs, name="z")  # the graph output keeps its name
    check_rewrite(FoldBatchNorm(), before, e.finish(["z"]))


def test_folds_through_a_reshape_that_keeps_the_channel_axis():
    b = GraphBuilder("g")
    x = b.input("x", (1, 1, 6, 2))
    y = b.op("conv2d", [x, b.const("w", rand(3, 1, 3, 2))], {"pads": (0, 0, 1, 1)}, name="y")
    r = b.op("reshape", [y], {"shape": (1, 6, 3)}, name="r")
    params = bn_params(b, 3)
    before = b.finish([b.op("batch_norm", [r, *params], {"epsilon": EPS}, name="z")])
    scale, shift = scale_shift(before, params)

    e = GraphBuilder("g")
    x = e.input("x", (1, 1, 6, 2))
    w = e.const("w/bn_folded", (const_data(before, "w") * scale[:, None, None, None])
                .astype(np.float32))
    y = e.op("conv2d", [x, w, e.const("y/bias/bn_folded", shift.astype(np.float32))],
             {"pads": (0, 0, 1, 1)}, name="y")
    e.op("reshape", [y], {"shape": (1, 6, 3)}, name="z")  # the reshape now writes the output
    check_rewrite(FoldBatchNorm(), before, e.finish(["z"]))


def test_not_folded_through_a_reshape_that_moves_channels():
    b = GraphBuilder("g")
    x = b.input("x", (1, 2, 2, 4))
    y = b.op("conv2d", [x, b.const("w", rand(4, 1, 1, 4))], name="y")
    r = b.op("reshape", [y], {"shape": (1, 8, 2)}, name="r")
    params = bn_params(b, 2)
    before = b.finish([b.op("batch_norm", [r, *params], {"epsilon": EPS}, name="z")])
    after = FoldBatchNorm().apply(before)
    assert [op.type for op in after.ops] == ["conv2d", "reshape", "mul", "add"]
    check_rewrite(FoldBatchNorm(), before, after)


def lowered(before, params, producer_attrs, in_shape, w_shape):
    """Expected IR: the producer unchanged, then mul by the scale and add of the shift."""
    scale, shift = scale_shift(before, params)
    e = GraphBuilder("g")
    x = e.input("x", in_shape)
    y = e.op("conv2d", [x, e.const("w", const_data(before, "w"))], producer_attrs, name="y")
    s = e.op("mul", [y, e.const("z/bn_scale", scale.astype(np.float32))], name="z/scaled")
    e.op("add", [s, e.const("z/bn_shift", shift.astype(np.float32))], name="z")
    return e, y


def test_lowered_after_a_fused_activation():
    before, params = linear_then_bn("conv2d", with_bias=False, activation="relu")
    e, _ = lowered(before, params, {"pads": (1, 1, 1, 1), "activation": "relu"},
                   (1, 5, 5, 2), (3, 3, 3, 2))
    check_rewrite(FoldBatchNorm(), before, e.finish(["z"]))


def test_lowered_when_the_producer_output_has_another_reader():
    b = GraphBuilder("g")
    x = b.input("x", (1, 5, 5, 2))
    y = b.op("conv2d", [x, b.const("w", rand(3, 3, 3, 2))], {"pads": (1, 1, 1, 1)}, name="y")
    params = bn_params(b, 3)
    z = b.op("batch_norm", [y, *params], {"epsilon": EPS}, name="z")
    before = b.finish([z, y])
    e, y_expected = lowered(before, params, {"pads": (1, 1, 1, 1)}, (1, 5, 5, 2), (3, 3, 3, 2))
    check_rewrite(FoldBatchNorm(), before, e.finish(["z", y_expected]))


def test_batch_norm_on_a_graph_input_is_lowered():
    b = GraphBuilder("g")
    x = b.input("x", (1, 4, 3))
    params = bn_params(b, 3)
    before = b.finish([b.op("batch_norm", [x, *params], {"epsilon": EPS}, name="z")])
    after = FoldBatchNorm().apply(before)
    assert [op.type for op in after.ops] == ["mul", "add"]
    check_rewrite(FoldBatchNorm(), before, after)


def test_non_constant_statistics_are_refused():
    b = GraphBuilder("g")
    x, gamma = b.input("x", (1, 3)), b.input("gamma", (1, 3))
    params = bn_params(b, 3)[1:]
    graph = b.finish([b.op("batch_norm", [x, gamma, *params], name="z", origin="layer bn")])
    with pytest.raises(UnsupportedError, match="layer bn"):
        FoldBatchNorm().apply(graph)

"""Every ONNX operator the importer reads, one tiny model each, against onnxruntime (float),
in the shapes torch.onnx.export writes."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.ir import verify_graph
from tests.helpers.onnx_graphs import OnnxNet, assert_float_matches

IMAGE = (1, 4, 8, 8)


def _conv_bn_relu(n):
    return n.node("Relu", [n.batch_norm(n.conv(n.x, 4, 6, pads=[1, 1, 1, 1]), 6)])


def _conv_strided_dilated(n):
    return n.conv(n.x, 4, 5, strides=[2, 2], dilations=[2, 2], pads=[2, 1, 2, 1])


def _conv_same_upper(n):
    return n.conv(n.x, 4, 3, k=4, strides=[2, 2], auto_pad="SAME_UPPER")


def _conv_same_lower(n):
    return n.conv(n.x, 4, 3, k=4, auto_pad="SAME_LOWER", bias=False)


def _conv_valid(n):
    return n.conv(n.x, 4, 3, auto_pad="VALID")


def _depthwise(n):
    return n.conv(n.x, 4, 8, group=4, pads=[1, 1, 1, 1])


def _grouped(n):
    return n.conv(n.x, 4, 6, k=1, group=2)


def _gemm_flatten_chain(n):
    y = n.node("MaxPool", [n.conv(n.x, 4, 3, pads=[1, 1, 1, 1])], kernel_shape=[2, 2],
               strides=[2, 2])
    return n.gemm(n.flatten_chain(y), 3 * 4 * 4, 5)


def _matmul_flatten(n):
    y = n.node("Flatten", [n.x], axis=1)
    return n.node("Add", [n.node("MatMul", [y, n.weight(4 * 8 * 8, 6)]), n.weight(6)])


def _activations(n):
    y = n.node("LeakyRelu", [n.x], alpha=0.1)
    y = n.node("Sigmoid", [y])
    y = n.node("Tanh", [n.node("Sub", [y, n.init(0.5)])])
    return n.node("HardSigmoid", [n.node("Mul", [y, n.init(4.0)])], alpha=0.3, beta=0.4)


def _clips(n):
    y = n.node("Clip", [n.x, n.init(0.0), n.init(6.0)])
    z = n.node("Clip", [n.node("Mul", [n.x, n.init(3.0)]), n.init(-0.5), n.init(0.7)])
    w = n.node("Clip", [n.x, n.init(-1.0), n.init(1.0)])
    return n.node("Add", [n.node("Add", [y, z]), n.node("Clip", [w, n.init(0.0), ""])])


def _arith_channel_consts(n):
    c = n.init(np.linspace(0.5, 2, 4).reshape(4, 1, 1))
    y = n.node("Div", [n.node("Mul", [n.x, c]), n.init(np.full((1, 4, 1, 1), 3.0))])
    return n.node("Sub", [n.init(np.arange(8.0) / 8), n.node("Add", [y, n.conv(n.x, 4, 4, k=1)])])


def _pools(n):
    a = n.node("AveragePool", [n.x], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1])
    m = n.node("MaxPool", [a], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)
    g = n.node("GlobalAveragePool", [m])
    h = n.node("GlobalMaxPool", [m])
    return n.node("Flatten", [n.node("Concat", [g, h], axis=1)])


def _softmax_channels(n):
    return n.node("Softmax", [n.conv(n.x, 4, 5, k=1)], axis=1)


def _softmax_classifier(n):
    y = n.node("Squeeze", [n.node("GlobalAveragePool", [n.x]), n.constant([2, 3])])
    return n.node("Softmax", [n.gemm(y, 4, 3)], axis=-1)


def _log_softmax_channels(n):
    return n.node("LogSoftmax", [n.conv(n.x, 4, 5, k=1)], axis=1)


def _log_softmax_classifier(n):
    y = n.node("Squeeze", [n.node("GlobalAveragePool", [n.x]), n.constant([2, 3])])
    return n.node("LogSoftmax", [n.gemm(y, 4, 3)], axis=-1)


def _transpose_nhwc_out(n):
    return n.node("Transpose", [n.node("Relu", [n.conv(n.x, 4, 3, k=1)])], perm=[0, 2, 3, 1])


def _unsqueeze_to_conv(n):
    y = n.gemm(n.node("Flatten", [n.node("GlobalMaxPool", [n.x])]), 4, 6)
    y = n.node("Unsqueeze", [y, n.constant([2, 3])])
    return n.conv(n.node("Resize", [y, "", n.init([1, 1, 4, 4])], mode="nearest"), 6, 2)


def _slice_split_concat(n):
    a, b = n.node("Split", [n.x, n.constant([1, 3])], n_out=2, axis=1)
    s = n.node("Slice", [n.x, n.constant([3, 1]), n.constant([0, 8]), n.constant([1, 3]),
                         n.constant([-2, 2])])  # channels 3 and 1, every other column
    s = n.node("Pad", [s, n.constant([0, 0, 1, 0, 0, 0, 0, 0])])
    s = n.node("Slice", [s, n.constant([0]), n.constant([-1]), n.constant([2])])
    return n.node("Concat", [n.node("Relu", [b]), a, n.node("Resize", [s, "", n.init(
        [1, 1, 1, 2])], mode="nearest", nearest_mode="floor",
        coordinate_transformation_mode="asymmetric")], axis=1)


def _pads(n):
    y = n.node("Pad", [n.x, n.constant([0, 0, 1, 2, 0, 0, 2, 1])])
    return n.node("Pad", [y, n.constant([0, 0, 1, 1, 0, 0, 1, 1])], mode="reflect")


def _reductions(n):
    m = n.node("ReduceMean", [n.x], axes=[2, 3], keepdims=0)
    k = n.node("ReduceMax", [n.x], axes=[1], keepdims=1)
    k = n.node("ReduceMean", [k], axes=[-1], keepdims=0)
    return [m, k]


def _gather_resize(n):
    g = n.node("Gather", [n.x, n.constant([3, 0, 2])], axis=1)
    up = n.node("Resize", [g, "", n.init([1, 1, 2, 2])], mode="nearest",
                coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    row = n.node("Gather", [up, n.constant(5)], axis=2)
    return [up, row]


def _identity_dropout_reshape(n):
    y = n.node("Dropout", [n.node("Identity", [n.x])])
    y = n.node("Reshape", [y, n.constant([0, 4, 16, 4])])
    return n.node("Transpose", [y, ], perm=[0, 3, 2, 1])


CASES = {f.__name__[1:]: f for f in (
    _conv_bn_relu, _conv_strided_dilated, _conv_same_upper, _conv_same_lower, _conv_valid,
    _depthwise, _grouped, _gemm_flatten_chain, _matmul_flatten, _activations, _clips,
    _arith_channel_consts, _pools, _softmax_channels, _softmax_classifier,
    _log_softmax_channels, _log_softmax_classifier,
    _transpose_nhwc_out, _unsqueeze_to_conv, _slice_split_concat, _pads, _reductions,
    _gather_resize, _identity_dropout_reshape)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_float_import_equals_onnxruntime(case, tmp_path):
    net = OnnxNet(IMAGE)
    path = net.save(tmp_path / f"{case}.onnx", CASES[case](net))
    graph = assert_float_matches(path)
    verify_graph(graph)


def test_no_transpose_between_ops_of_a_cnn(tmp_path):
    net = OnnxNet(IMAGE)
    path = net.save(tmp_path / "cnn.onnx", _gemm_flatten_chain(net))
    graph = assert_float_matches(path)
    assert [op.type for op in graph.ops] == ["conv2d", "max_pool2d", "reshape",
                                             "fully_connected"]

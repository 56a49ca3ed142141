"""FoldPad: a zero pad in front of a convolution becomes its padding."""

from __future__ import annotations

import pytest
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.passes import FoldPad

from tests.passes.rewrite_check import check_rewrite, rand

CONVS = {"conv2d": (4, 3, 3, 2), "depthwise_conv2d": (1, 3, 3, 2)}


def padded_conv(op_type, pads, conv_pads=(0, 0, 0, 0), stride=(2, 2), reader=None):
    b = GraphBuilder("g")
    x = b.input("x", (1, 7, 6, 2))
    p = b.op("pad", [x], {"pads": pads}, name="p")
    w = b.const("w", rand(*CONVS[op_type]))
    y = b.op(op_type, [p, w], {"pads": conv_pads, "stride": stride}, name="y")
    outputs = [y] if reader is None else [y, b.op(reader, [p], name="r")]
    return b.finish(outputs)


@pytest.mark.parametrize("op_type", sorted(CONVS))
def test_asymmetric_pad_folds_into_the_conv(op_type):
    before = padded_conv(op_type, ((0, 0), (0, 1), (1, 2), (0, 0)), conv_pads=(1, 0, 0, 1))
    e = GraphBuilder("g")
    x = e.input("x", (1, 7, 6, 2))
    w = e.const("w", before.tensors["w"].data)
    e.op(op_type, [x, w], {"pads": (1, 1, 1, 3), "stride": (2, 2)}, name="y")
    check_rewrite(FoldPad(), before, e.finish(["y"]))


def test_left_alone_when_the_pad_has_another_reader():
    before = padded_conv("depthwise_conv2d", ((0, 0), (1, 1), (1, 1), (0, 0)), reader="relu")
    assert [op.type for op in FoldPad().apply(before).ops] == ["pad", "depthwise_conv2d", "relu"]


def test_left_alone_when_the_channel_axis_is_padded():
    b = GraphBuilder("g")
    x = b.input("x", (1, 7, 6, 2))
    p = b.op("pad", [x], {"pads": ((0, 0), (1, 1), (1, 1), (0, 1))}, name="p")
    before = b.finish([b.op("conv2d", [p, b.const("w", rand(4, 3, 3, 3))], name="y")])
    assert [op.type for op in FoldPad().apply(before).ops] == ["pad", "conv2d"]


def test_left_alone_in_front_of_pooling():
    b = GraphBuilder("g")
    x = b.input("x", (1, 6, 6, 2))
    p = b.op("pad", [x], {"pads": ((0, 0), (1, 1), (1, 1), (0, 0))}, name="p")
    before = b.finish([b.op("avg_pool2d", [p], {"kernel": (3, 3)}, name="y")])
    assert [op.type for op in FoldPad().apply(before).ops] == ["pad", "avg_pool2d"]

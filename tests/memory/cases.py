"""The hand-built graphs whose plans the tests work out by hand.

Activations are int8, so bytes = elements. Steps are op indices.
"""

from __future__ import annotations

from edgesmith.ir import Graph

from .graphs import GraphBuilder


def chain() -> Graph:
    """x[1,8,8,4] -> conv -> t0[1,8,8,8] -> conv -> t1[1,8,8,4] -> conv -> t2[1,8,8,2].

    Lifetimes: x 256 B [0,0], t0 512 B [0,1], t1 256 B [1,2], t2 128 B [2,2].
    """
    b = GraphBuilder("chain", (1, 8, 8, 4))
    b.conv(b.conv(b.conv("x", "t0", 8), "t1", 4), "t2", 2)
    return b.done("t2")


def resnet_block() -> Graph:
    """A skip connection: a = conv(x); b = conv(a); c = conv(b); d = add(a, c); y = conv(d).

    Lifetimes (all 256 B but y 128 B): x [0,0], a [0,3], b [1,2], c [2,3], d [3,4], y [4,4].
    """
    b = GraphBuilder("resnet_block", (1, 4, 4, 16))
    a = b.conv("x", "a", 16)
    c = b.conv(b.conv(a, "b", 16), "c", 16)
    b.op("add", [a, c], "d")
    b.conv("d", "y", 8)
    return b.done("y")


def reshape_view() -> Graph:
    """x[1,4,4,4] -> conv -> a[1,4,4,8] -> reshape -> r[1,128] -> fully_connected -> y[1,16].

    Lifetimes: x 64 B [0,0], a 128 B [0,1], r 128 B [1,2] (a view of a), y 16 B [2,2].
    """
    b = GraphBuilder("reshape_view", (1, 4, 4, 4))
    b.op("reshape", [b.conv("x", "a", 8)], "r", shape=(1, 128))
    b.fc("r", "y", 16)
    return b.done("y")


def conv_relu() -> Graph:
    """x[1,8,8,4] -> conv -> a[1,8,8,8] -> relu -> b[1,8,8,8] -> conv -> y[1,8,8,2].

    Lifetimes: x 256 B [0,0], a 512 B [0,1], b 512 B [1,2], y 128 B [2,2].
    """
    b = GraphBuilder("conv_relu", (1, 8, 8, 4))
    b.conv(b.op("relu", [b.conv("x", "a", 8)], "b"), "y", 2)
    return b.done("y")


def depthwise_stride2() -> Graph:
    """x[1,8,8,1] -> conv -> a[1,8,8,8] -> depthwise 3x3 /2 -> b[1,4,4,8] -> conv -> y[1,4,4,16].

    Padding (0,1,0,1): OH = OW = (8 + 1 - 3) // 2 + 1 = 4.
    Lifetimes: x 64 B [0,0], a 512 B [0,1], b 128 B [1,2], y 256 B [2,2].
    """
    b = GraphBuilder("depthwise_stride2", (1, 8, 8, 1))
    a = b.conv("x", "a", 8)
    b.depthwise(a, "b", 3, stride=(2, 2), pads=(0, 1, 0, 1))
    b.conv("b", "y", 16)
    return b.done("y")


def greedy_trap() -> Graph:
    """A chain of dense layers on which greedy-by-size is 25% above optimal.

    x[1,64] -> t0[1,32] -> t1[1,48] -> t2[1,80].
    Lifetimes: x 64 B [0,0], t0 32 B [0,1], t1 48 B [1,2], t2 80 B [2,2].
    """
    b = GraphBuilder("greedy_trap", (1, 64))
    b.fc(b.fc(b.fc("x", "t0", 32), "t1", 48), "t2", 80)
    return b.done("t2")


ALL = [chain, resnet_block, reshape_view, conv_relu, depthwise_stride2, greedy_trap]

"""Small fixed-point graphs built by hand for the HLS tests.

:func:`kernel_graph` reads two inputs and sends them through every HLS
kernel, each into an output of its own with formats chosen to hit the edges
of the ap_fixed semantics: saturation (SAT, SAT_ZERO, SAT_SYM), wrap-around,
every rounding mode with frequent ties (narrow outputs, averages of 4 or 9
cells), unsigned tensors, padding, strides and dilation.
"""

from __future__ import annotations

import numpy as np
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.ir import FixedFormat, Graph, Pow2Format, verify_graph


def fx(width: int, integer: int, rounding: str = "TRN", overflow: str = "WRAP",
       signed: bool = True) -> FixedFormat:
    return FixedFormat(width, integer, signed=signed, rounding=rounding, overflow=overflow)


class FixedBuilder:
    """A :class:`GraphBuilder` whose tensors get fixed-point formats and raw constants."""

    def __init__(self, name: str, seed: int = 0):
        self.b = GraphBuilder(name)
        self.rng = np.random.default_rng(seed)
        self.formats: dict[str, object] = {}
        self.raw: dict[str, np.ndarray] = {}

    def input(self, name: str, shape, fmt: FixedFormat) -> str:
        t = self.b.input(name, shape)
        self.formats[t] = fmt
        return t

    def weights(self, name: str, shape, fmt) -> str:
        """Random raw weights of ``fmt`` (fixed-point, or valid power-of-two codes)."""
        if isinstance(fmt, Pow2Format):
            fields = self.rng.integers(0, fmt.max_exp - fmt.min_exp + 2, size=shape)
            signs = np.where(fields == 0, 0, self.rng.integers(0, 2, size=shape))
            raw = ((signs << fmt.exponent_bits) | fields).astype(np.uint8)
        else:
            raw = self.rng.integers(fmt.qmin, fmt.qmax + 1, size=shape).astype(np.int32)
        t = self.b.const(name, np.zeros(shape, np.float32))
        self.formats[t], self.raw[t] = fmt, raw
        return t

    def op(self, op_type: str, inputs, out: FixedFormat, attrs=None, *, name: str) -> str:
        t = self.b.op(op_type, inputs, attrs, name=name, origin=f"test op {name}")
        self.formats[t] = out
        return t

    def finish(self, outputs) -> Graph:
        g = self.b.finish(outputs)
        for name, t in g.tensors.items():
            fmt = self.formats.get(name)
            if fmt is None:
                raise AssertionError(f"tensor {name} has no format")
            t.fmt = fmt
            t.dtype = fmt.storage_dtype
            if name in self.raw:
                t.data = self.raw[name]
        verify_graph(g)
        return g


def kernel_graph(seed: int = 0) -> Graph:
    f = FixedBuilder("kernel_edges", seed)
    img = f.input("img", (1, 5, 6, 3), fx(8, 3))
    vec = f.input("vec", (1, 12), fx(10, 4))
    outs = []
    w = f.weights("dense_w", (7, 12), fx(6, 2))
    b = f.weights("dense_b", (7,), fx(8, 2))
    dense = f.op("fully_connected", [vec, w, b], fx(8, 4, "RND_CONV", "SAT"),
                 {"activation": "relu"}, name="dense_relu")
    outs.append(dense)
    wp = f.weights("pow2_w", (5, 12), Pow2Format(-4, 1))
    outs.append(f.op("fully_connected", [vec, wp], fx(6, 3, "RND", "WRAP"), name="dense_pow2"))
    relu_u = f.op("relu", [vec], fx(9, 3, "RND", "SAT", signed=False), name="relu_unsigned")
    wu = f.weights("udense_w", (4, 12), fx(5, 1))
    outs.append(f.op("fully_connected", [relu_u, wu], fx(10, 5), name="dense_unsigned_in"))
    wc = f.weights("conv_w", (4, 3, 3, 3), fx(8, 4))
    bc = f.weights("conv_b", (4,), fx(6, 3))
    outs.append(f.op("conv2d", [img, wc, bc], fx(10, 4, "RND_INF", "SAT_SYM"),
                     {"stride": (2, 1), "pads": (1, 1, 0, 2), "activation": "relu6"},
                     name="conv_strided_relu6"))
    wd = f.weights("dil_w", (2, 3, 3, 3), Pow2Format(-3, 2))
    outs.append(f.op("conv2d", [img, wd], fx(12, 6, "TRN_ZERO", "SAT_ZERO"),
                     {"dilation": (2, 2), "pads": (2, 2, 2, 2)}, name="conv_dilated_pow2"))
    wdw = f.weights("dw_w", (1, 3, 3, 6), fx(7, 3))
    outs.append(f.op("depthwise_conv2d", [img, wdw], fx(8, 2, "RND_ZERO", "SAT"),
                     {"depth_multiplier": 2, "pads": (1, 1, 1, 1), "activation": "relu_n1_to_1"},
                     name="depthwise_relu_n1"))
    seq = f.op("reshape", [vec], fx(10, 4), {"shape": (1, 1, 4, 3)}, name="as_sequence")
    w1 = f.weights("conv1d_w", (2, 1, 3, 3), fx(8, 3))
    outs.append(f.op("conv2d", [seq, w1], fx(9, 5, "RND_MIN_INF", "WRAP"),
                     {"stride": (1, 2), "pads": (0, 0, 1, 1)}, name="conv1d"))
    outs.append(f.op("max_pool2d", [img], fx(6, 3, "TRN", "SAT"),
                     {"kernel": (2, 2), "stride": (2, 2), "pads": (0, 1, 0, 0)}, name="max_pool"))
    outs.append(f.op("avg_pool2d", [img], fx(8, 3, "RND_CONV", "SAT"),
                     {"kernel": (3, 3), "stride": (1, 1), "pads": (1, 1, 1, 1),
                      "activation": "relu"}, name="avg_pool_ties"))
    outs.append(f.op("avg_pool2d", [img], fx(10, 3, "RND", "WRAP"), {"kernel": (5, 6)},
                     name="global_avg_pool"))
    outs.append(f.op("max_pool2d", [img], fx(8, 3), {"kernel": (5, 6)}, name="global_max_pool"))
    relu = f.op("relu", [vec], fx(9, 3, "RND", "SAT"), name="relu")
    outs.append(f.op("add", [vec, relu], fx(8, 4, "RND_CONV", "SAT"),
                     {"activation": "relu6"}, name="add_relu6"))
    outs.append(f.op("mul", [vec, relu], fx(12, 6, "RND", "WRAP"), name="mul"))
    # constant operands: per-channel, scalar (first operand), and a broadcast that is no
    # repetition along the flattened output (materialized to one sample)
    scale = f.weights("channel_scale", (3,), fx(8, 2))
    outs.append(f.op("mul", [img, scale], fx(10, 4, "RND_CONV", "SAT"), name="mul_per_channel"))
    shift = f.weights("scalar_shift", (1,), fx(6, 3))
    outs.append(f.op("add", [shift, vec], fx(8, 4, "RND", "SAT"), {"activation": "relu"},
                     name="add_scalar_first"))
    rows = f.weights("row_shift", (5, 1, 3), fx(7, 3))
    outs.append(f.op("add", [img, rows], fx(9, 4, "TRN", "WRAP"), name="add_rows"))
    outs.append(f.op("concat", [relu, dense], fx(8, 3, "RND_INF", "SAT"),
                     {"axis": -1, "activation": "relu6"}, name="concat"))
    outs.append(f.op("relu6", [vec], fx(5, 3, "RND_INF", "SAT"), name="relu6"))
    outs.append(f.op("relu_n1_to_1", [vec], fx(6, 1, "RND_ZERO", "SAT_SYM"), name="relu_n1"))
    outs.append(f.op("logistic", [vec], fx(10, 2, "RND", "SAT"), name="sigmoid"))
    outs.append(f.op("tanh", [vec], fx(8, 1, "RND_CONV", "SAT"), name="tanh"))
    outs.append(f.op("softmax", [dense], fx(12, 1, "RND", "SAT"), name="softmax"))
    outs.append(f.op("softmax", [img], fx(16, 2), name="softmax_channels"))
    # the other binary ops, with and without constant operands, and the one-input functions
    outs.append(f.op("sub", [vec, relu], fx(8, 4, "RND_CONV", "SAT"),
                     {"activation": "relu_n1_to_1"}, name="sub_relu_n1"))
    outs.append(f.op("sub", [img, scale], fx(9, 4, "RND", "WRAP"), name="sub_per_channel"))
    outs.append(f.op("sub", [shift, vec], fx(7, 3, "RND_ZERO", "SAT_SYM"), name="sub_from_scalar"))
    outs.append(f.op("maximum", [vec, relu], fx(7, 3, "RND", "SAT"), name="maximum"))
    outs.append(f.op("minimum", [img, scale], fx(6, 2, "RND_INF", "SAT"), name="minimum_const"))
    outs.append(f.op("squared_difference", [vec, relu], fx(10, 6, "RND_CONV", "SAT"),
                     name="squared_difference"))
    outs.append(f.op("squared_difference", [img, rows], fx(8, 5, "TRN", "WRAP"),
                     name="squared_difference_rows"))
    alpha = f.weights("prelu_alpha", (3,), fx(8, 1))
    outs.append(f.op("prelu", [img, alpha], fx(8, 3, "RND_ZERO", "SAT_SYM"), name="prelu"))
    outs.append(f.op("leaky_relu", [vec], fx(8, 2, "RND", "SAT"), {"alpha": 0.3},
                     name="leaky_relu"))
    outs.append(f.op("abs", [vec], fx(7, 3, "RND_INF", "SAT"), name="abs"))
    outs.append(f.op("elu", [vec], fx(10, 3, "RND", "SAT"), name="elu"))
    outs.append(f.op("hard_swish", [vec], fx(9, 4, "RND_CONV", "SAT"), name="hard_swish"))
    # pure data movement, lowered to es_hls::gather: raw values move in the input's format
    outs.append(f.op("transpose", [img], f.formats[img], {"perm": (0, 3, 1, 2)},
                     name="transpose"))
    return f.finish(outs)


def edge_inputs(graph: Graph, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``batch`` after four samples of extremes: all minimum, all maximum, all zero,
    and minimum / maximum / -1 / +1 LSB alternating."""
    out = {}
    for name in graph.inputs:
        t = graph.tensors[name]
        shape = tuple(t.shape[1:])
        lo, hi = t.fmt.qmin, t.fmt.qmax
        pattern = np.resize(np.array([lo, hi, -1, 1, 0]), int(np.prod(shape))).reshape(shape)
        edges = np.stack([np.full(shape, lo), np.full(shape, hi), np.zeros(shape), pattern])
        out[name] = np.concatenate([edges.astype(np.int32), batch[name]])
    return out


def tiny_mlp(seed: int = 1) -> Graph:
    """8 -> 6 (relu) -> 3 at fixed<16,6>: quick to compile, for mutation and CLI tests."""
    f = FixedBuilder("tiny_mlp", seed)
    x = f.input("x", (1, 8), fx(16, 6))
    w0, b0 = f.weights("fc0_w", (6, 8), fx(16, 6)), f.weights("fc0_b", (6,), fx(16, 6))
    h = f.op("fully_connected", [x, w0, b0], fx(16, 6), {"activation": "relu"}, name="fc0")
    w1, b1 = f.weights("fc1_w", (3, 6), fx(16, 6)), f.weights("fc1_b", (3,), fx(16, 6))
    return f.finish([f.op("fully_connected", [h, w1, b1], fx(16, 6), name="fc1")])

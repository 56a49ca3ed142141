"""The NumPy float reference kernels against plain-loop float64 computations.

The loops below are written for clarity, not speed, so they are an
independent statement of what each op means (NHWC, OHWI weights, explicit
pads, padded cells not counted by average pooling, batch on axis 0).
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from edgesmith.ir import OP_SPECS, Graph, Op, with_defaults
from edgesmith.ir.ops import ACTIVATIONS
from edgesmith.sim.float_ref import FLOAT_KERNELS, apply_activation

from tests.helpers.float_run import assert_close

RNG = np.random.default_rng(7)
EMPTY = Graph("empty")


def run(op_type: str, args: list, **attrs) -> np.ndarray:
    op = Op(op_type, [f"in{k}" for k in range(len(args))], ["out"], attrs)
    out = FLOAT_KERNELS[op_type](op, EMPTY, args)
    assert out.dtype == np.float32
    return out


def rand(*shape, scale=1.0) -> np.ndarray:
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def clamp(y, activation):
    lo, hi = {"none": (-np.inf, np.inf), "relu": (0, np.inf), "relu6": (0, 6),
              "relu_n1_to_1": (-1, 1)}[activation]
    return np.clip(y, lo, hi)


def windows(x, kh, kw, stride, dilation, pads, fill):
    """Yield (oy, ox, patch [N, kh, kw, C], valid-mask [kh, kw]) over the output grid."""
    n, h, w, c = x.shape
    pt, pb, pl, pr = pads
    xp = np.full((n, h + pt + pb, w + pl + pr, c), fill, np.float64)
    xp[:, pt:pt + h, pl:pl + w] = x
    valid = np.zeros(xp.shape[1:3], bool)
    valid[pt:pt + h, pl:pl + w] = True
    oh = (h + pt + pb - (kh - 1) * dilation[0] - 1) // stride[0] + 1
    ow = (w + pl + pr - (kw - 1) * dilation[1] - 1) // stride[1] + 1
    for oy in range(oh):
        for ox in range(ow):
            rows = [oy * stride[0] + i * dilation[0] for i in range(kh)]
            cols = [ox * stride[1] + j * dilation[1] for j in range(kw)]
            yield oy, ox, xp[:, rows][:, :, cols], valid[np.ix_(rows, cols)], (oh, ow)


def loop_conv(x, w, b, stride, dilation, pads, act):
    out = None
    for oy, ox, patch, _, (oh, ow) in windows(x, w.shape[1], w.shape[2], stride, dilation, pads, 0):
        if out is None:
            out = np.zeros((x.shape[0], oh, ow, w.shape[0]))
        out[:, oy, ox] = np.einsum("nijc,oijc->no", patch, w.astype(np.float64))
    return clamp(out + (0 if b is None else b), act)


@pytest.mark.parametrize("stride,dilation,pads", [((1, 1), (1, 1), (0, 0, 0, 0)),
                                                  ((2, 1), (1, 1), (1, 2, 0, 1)),
                                                  ((1, 1), (2, 2), (2, 2, 2, 2)),
                                                  ((2, 2), (1, 1), (0, 1, 0, 1))])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_conv2d(stride, dilation, pads, activation):
    x, w, b = rand(3, 7, 6, 4), rand(5, 3, 2, 4), rand(5)
    attrs = {"stride": stride, "dilation": dilation, "pads": pads, "activation": activation}
    assert_close(run("conv2d", [x, w, b], **attrs),
                 loop_conv(x, w, b, stride, dilation, pads, activation))
    assert_close(run("conv2d", [x, w], **attrs), loop_conv(x, w, None, stride, dilation, pads,
                                                           activation))


@pytest.mark.parametrize("multiplier", [1, 3])
def test_depthwise_conv2d_orders_output_channels_c_times_m_plus_k(multiplier):
    c = 4
    x, w, b = rand(2, 6, 5, c), rand(1, 3, 3, c * multiplier), rand(c * multiplier)
    attrs = {"stride": (2, 1), "pads": (1, 1, 1, 1), "depth_multiplier": multiplier, "activation": "relu"}
    expected = None
    for oy, ox, patch, _, (oh, ow) in windows(x, 3, 3, (2, 1), (1, 1), (1, 1, 1, 1), 0):
        if expected is None:
            expected = np.zeros((2, oh, ow, c * multiplier))
        for ch in range(c):
            for k in range(multiplier):
                o = ch * multiplier + k
                expected[:, oy, ox, o] = np.einsum("nij,ij->n", patch[..., ch], w[0, :, :, o])
    assert_close(run("depthwise_conv2d", [x, w, b], **attrs), clamp(expected + b, "relu"))


def test_fully_connected_flattens_its_input():
    x, w, b = rand(4, 2, 3, 5), rand(7, 30), rand(7)
    expected = x.reshape(4, -1).astype(np.float64) @ w.T + b
    assert_close(run("fully_connected", [x, w, b], activation="relu6"), clamp(expected, "relu6"))


def loop_pool(x, kernel, stride, pads, average):
    out = None
    fill = 0.0 if average else -np.inf
    for oy, ox, patch, valid, (oh, ow) in windows(x, *kernel, stride, (1, 1), pads, fill):
        if out is None:
            out = np.zeros((x.shape[0], oh, ow, x.shape[3]))
        # average pooling divides by the real (unpadded) cells of the window only
        out[:, oy, ox] = patch.sum(axis=(1, 2)) / valid.sum() if average else patch.max(axis=(1, 2))
    return out


def test_max_pool2d_ignores_padding():
    x = -np.abs(rand(2, 5, 5, 3)) - 1  # all negative: a padded zero would win
    attrs = {"kernel": (3, 3), "stride": (2, 2), "pads": (1, 1, 1, 1)}
    assert_close(run("max_pool2d", [x], **attrs),
                 loop_pool(x, (3, 3), (2, 2), (1, 1, 1, 1), average=False))


def test_avg_pool2d_does_not_count_padded_cells():
    x = rand(2, 5, 4, 3)
    attrs = {"kernel": (2, 3), "stride": (1, 2), "pads": (0, 1, 1, 1), "activation": "relu"}
    expected = loop_pool(x, (2, 3), (1, 2), (0, 1, 1, 1), average=True)
    assert_close(run("avg_pool2d", [x], **attrs), clamp(expected, "relu"))


@pytest.mark.parametrize("op_type,fn", [("add", np.add), ("mul", np.multiply)])
def test_binary_ops_broadcast_a_constant_and_fuse_activation(op_type, fn):
    x, c = rand(3, 4, 4, 5, scale=4), rand(5, scale=4)
    assert_close(run(op_type, [x, c], activation="relu6"), clamp(fn(x, c), "relu6"))


@pytest.mark.parametrize("op_type,fn", [
    ("relu", lambda v: np.maximum(v, 0)), ("relu6", lambda v: np.clip(v, 0, 6)),
    ("relu_n1_to_1", lambda v: np.clip(v, -1, 1)), ("tanh", np.tanh),
    ("logistic", lambda v: 1 / (1 + np.exp(-v.astype(np.float64))))])
def test_activation_ops(op_type, fn):
    x = np.concatenate([rand(50, scale=8), np.float32([-200, -90, 0, 90, 200])])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no warnings at extremes
        got = run(op_type, [x[None]])
    assert_close(got, fn(x)[None])


def test_softmax_applies_beta_on_the_last_axis():
    x = rand(4, 3, 6, scale=10)
    z = 0.5 * x.astype(np.float64)
    expected = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    got = run("softmax", [x], beta=0.5)
    assert_close(got, expected)
    np.testing.assert_allclose(got.sum(axis=-1), 1, rtol=1e-6)


@pytest.mark.parametrize("keepdims", [False, True])
def test_mean(keepdims):
    x = rand(3, 4, 5, 6)
    assert_close(run("mean", [x], axes=(1, 2), keepdims=keepdims),
                 x.astype(np.float64).mean(axis=(1, 2), keepdims=keepdims))


def test_reshape_takes_the_batch_from_the_input():
    x = rand(5, 3, 4)
    np.testing.assert_array_equal(run("reshape", [x], shape=(1, 2, -1)), x.reshape(5, 2, 6))


def test_pad_and_concat():
    x = rand(2, 3, 3, 2)
    pads = ((0, 0), (1, 2), (0, 1), (0, 0))
    np.testing.assert_array_equal(run("pad", [x], pads=pads), np.pad(x, pads))
    y = rand(2, 3, 3, 4, scale=5)
    np.testing.assert_array_equal(run("concat", [x, y], axis=-1, activation="relu_n1_to_1"),
                                  np.clip(np.concatenate([x, y], -1), -1, 1))


def test_batch_norm_on_the_last_axis():
    x, gamma, beta, mean = rand(3, 4, 4, 6), rand(6), rand(6), rand(6)
    var = np.abs(rand(6)) + 0.1
    expected = (x - mean) / np.sqrt(var.astype(np.float64) + 1e-3) * gamma + beta
    assert_close(run("batch_norm", [x, gamma, beta, mean, var], epsilon=1e-3), expected)


def test_every_float_op_has_a_kernel():
    integer_only = {"quantize", "dequantize"}
    assert set(OP_SPECS) - integer_only <= set(FLOAT_KERNELS)


def test_apply_activation_covers_every_declared_activation():
    y = np.linspace(-8, 8, 33, dtype=np.float32)
    for name in ACTIVATIONS:
        np.testing.assert_array_equal(apply_activation(y, name), clamp(y, name))


def test_thousands_of_samples_run_quickly():
    x, w = rand(4000, 12, 12, 8), rand(16, 3, 3, 8)
    attrs = with_defaults("conv2d", {"pads": (1, 1, 1, 1)})
    start = time.perf_counter()
    out = run("conv2d", [x, w], **attrs)
    assert out.shape == (4000, 12, 12, 16)
    assert time.perf_counter() - start < 10.0  # ~0.3 s on one core; generous for CI

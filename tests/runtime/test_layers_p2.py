"""es_fully_connected_p2, es_conv2d_p2 and es_depthwise_conv2d_p2 (power-of-two weights,
shifts instead of multiplies) against the simulator: zero weights, both signs, the
narrowest and the widest exponent ranges, packed 4-bit and byte-wide codes, invalid codes."""

import numpy as np
import pytest
from edgesmith.errors import UnsupportedError
from edgesmith.ir import FixedFormat, Pow2Format
from edgesmith.ir.packing import pack_subbyte
from edgesmith.arith.intervals import accumulator_bound

from .formats_harness import assert_c_equals_simulator, one_op, run_c
from .test_layers_fx import ACTIVATIONS, MODES, raw

#: (min_exp, max_exp): 4-bit codes (packed two a byte), one exponent, 7-bit codes, extremes
RANGES = [(-6, 0), (3, 3), (-2, 1), (-64, -20), (20, 64), (-30, 30)]


def pow2_weights(rng, fmt: Pow2Format, shape) -> np.ndarray:
    """Codes of random weights 0 or +/-2^k, the extreme exponents included."""
    k = rng.integers(fmt.min_exp, fmt.max_exp + 1, shape)
    flat = k.reshape(-1)
    flat[:2] = [fmt.min_exp, fmt.max_exp][:flat.size]
    values = rng.choice([-1.0, 0.0, 1.0], shape) * np.ldexp(1.0, k)
    return fmt.encode(values)


def case(rng, op_type, w_fmt: Pow2Format, rounding="RND", overflow="SAT", act="none"):
    x_fmt = FixedFormat(8, int(rng.integers(-2, 6)))
    b_fmt = FixedFormat(24, 24 - min(x_fmt.frac_bits - w_fmt.min_exp, 60))  # near the products
    out = FixedFormat(12, int(rng.integers(4, 14)), rounding=rounding, overflow=overflow)
    if op_type == "fully_connected":
        x, w = raw(rng, x_fmt, (3, 11), True), pow2_weights(rng, w_fmt, (5, 11))
        attrs, channels = {}, 5
    else:
        depthwise = op_type == "depthwise_conv2d"
        x = raw(rng, x_fmt, (2, 6, 5, 3), True)
        channels = 6 if depthwise else 4
        w = pow2_weights(rng, w_fmt, (1, 3, 3, 6) if depthwise else (4, 3, 2, 3))
        attrs = {"stride": (1, 2), "pads": (1, 1, 0, 1)}
        if depthwise:
            attrs["depth_multiplier"] = 2
    attrs["activation"] = act
    bias = raw(rng, b_fmt, (channels,))
    return one_op(op_type, [(x, x_fmt, False), (w, w_fmt, True), (bias, b_fmt, True)], out,
                  attrs)


@pytest.mark.parametrize("op_type", ["fully_connected", "conv2d", "depthwise_conv2d"])
@pytest.mark.parametrize("exponents", RANGES)
def test_pow2_layers_edge_exponents(rng, op_type, exponents):
    """Equal to the simulator, or refused where interval analysis finds 2^62 exceeded."""
    w_fmt = Pow2Format(*exponents)
    for (rounding, overflow), act in zip(MODES[::4], ACTIVATIONS * 2):
        graph, feeds = case(rng, op_type, w_fmt, rounding, overflow, act)
        if accumulator_bound(graph.ops[0], graph).bits > 62:
            with pytest.raises(UnsupportedError, match="interval analysis"):
                run_c(graph, feeds)
        else:
            assert_c_equals_simulator(graph, feeds)


def test_all_zero_weights_give_the_bias(rng):
    graph, feeds = case(rng, "fully_connected", Pow2Format(-6, 0))
    w = graph.tensors[graph.ops[0].inputs[1]]
    w.data = np.zeros_like(w.data)
    assert_c_equals_simulator(graph, feeds)


@pytest.mark.parametrize("bad_code", [0b1000, 0b0111, 0b1111])
def test_invalid_code_is_refused(rng, bad_code):
    """A negative zero (sign bit, field 0) or a field past max_exp gives ES_ERR_RANGE."""
    w_fmt = Pow2Format(-5, 0)  # 6 exponents in 3 bits: field 7 is invalid
    graph, feeds = case(rng, "fully_connected", w_fmt)
    codes = graph.tensors[graph.ops[0].inputs[1]].data.copy().reshape(-1)
    codes[-1] = bad_code  # the last code: checked before anything is computed
    run_c(graph, feeds, expect_status="ES_ERR_RANGE",
          stored={graph.ops[0].inputs[1]: pack_subbyte(codes, 4)})

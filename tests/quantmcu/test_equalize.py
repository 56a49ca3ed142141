"""Channel equalization of the stage's feature maps: same float function, common channel
ranges, unchanged int8 codes where per-channel scales absorb it, and narrow channels
kept alive at 2 bits."""

import numpy as np
import pytest
from edgesmith.errors import EdgesmithError
from edgesmith.quant.calibrate import calibrate
from edgesmith.quant.int8 import quantize_int8
from edgesmith.quant.mixed_patch import requantize_input
from edgesmith.quant.vdqs import MixedSearchConfig, quantize_mixed_patch
from edgesmith.quant.vdqs_equalize import (
    channel_scales,
    equalizable_maps,
    equalize_stage_channels,
)
from edgesmith.sim import simulate
from numpy.testing import assert_allclose, assert_array_equal

from .graphs import int8_and_plan
from .uneven_graph import uneven_calib, uneven_graph


@pytest.fixture(scope="module")
def case():
    g = uneven_graph()
    calib = uneven_calib()
    _, plan = int8_and_plan(g, calib, split=3, grid=2)
    eq, scales = equalize_stage_channels(g, plan, calib)
    return g, plan, calib, eq, scales


def test_maps_with_homogeneous_producers_and_linear_readers(case):
    g, plan, *_ = case
    # c's relu6 is not homogeneous; the input has no producer
    assert equalizable_maps(g, plan) == [("a", 0, 1), ("d", 1, 2)]


def test_channel_scales_by_hand():
    values = np.array([[4.0, 1.0, 0.0, 0.1, -8.0], [-2.0, 0.5, 0.0, 0.05, 1.0]])
    # |ranges| 4, 1, 0 (dead: kept), 0.1 (80x, capped), 8 (the widest)
    assert_array_equal(channel_scales(values, 100.0), [2.0, 8.0, 1.0, 16.0, 1.0])
    assert_array_equal(channel_scales(values, 100.0, max_scale=100.0)[3], 80.0)
    assert_array_equal(channel_scales(np.zeros((3, 2))), [1.0, 1.0])


def test_float_function_unchanged(case):
    g, _, _, eq, _ = case
    x = np.random.default_rng(6).uniform(0, 1, (5, 12, 12, 1)).astype(np.float32)
    before = simulate(g, x, keep_intermediates=True)
    after = simulate(eq, x, keep_intermediates=True)
    assert_allclose(after["out"], before["out"], rtol=1e-4, atol=1e-5)
    assert_allclose(after["c"], before["c"], rtol=1e-4, atol=1e-5)  # behind both maps


def test_channel_ranges_become_common(case):
    g, _, calib, eq, scales = case
    for name in ("a", "d"):
        before = np.percentile(simulate(g, calib, keep_intermediates=True)[name]
                               .reshape(-1, scales[name].size), 99.9, axis=0)
        after = np.percentile(simulate(eq, calib, keep_intermediates=True)[name]
                              .reshape(-1, scales[name].size), 99.9, axis=0)
        assert_allclose(after, np.minimum(before.max(), 16 * before), rtol=1e-4)
    assert scales["a"][3] > 10 and scales["a"][2] == 1.0  # narrow scaled up, widest kept


def test_int8_codes_absorbed_by_per_channel_scales(case):
    g, _, calib, eq, _ = case
    q, qe = (quantize_int8(h, calibrate(h, calib)) for h in (g, eq))
    def const(graph, op, k):
        return graph.tensors[graph.ops[op].inputs[k]].data

    # the first conv's weights and bias, the depthwise's weights: the same integers
    for op, k in ((0, 1), (0, 2), (1, 1)):
        assert_array_equal(const(qe, op, k), const(q, op, k), err_msg=f"op {op} input {k}")
    # the conv reader's per-output-channel weights see scaled input channels: not the same
    assert not np.array_equal(const(qe, 2, 1), const(q, 2, 1))
    # the widest channel sets the int8 range (a scaled channel's tail may pass it a little)
    assert qe.tensors["a"].fmt.scalar()[0] == pytest.approx(q.tensors["a"].fmt.scalar()[0],
                                                            rel=0.05)


def test_narrow_channel_survives_two_bits(case):
    g, plan, calib, *_ = case
    codes = {}
    for equalize in (False, True):
        result = quantize_mixed_patch(g, calib, plan, MixedSearchConfig(
            accuracy_weight=0.0, equalize=equalize))
        assert result.model.widths()["a"] == 2
        low = result.model.low_bit_graph()
        zp = low.tensors["a"].fmt.scalar()[1]
        x = requantize_input(result.model.graph, low, result.extra["search"].x)
        codes[equalize] = simulate(low, x, keep_intermediates=True)["a"][..., 3].astype(int) - zp
    assert codes[False].max() == 0  # channel 3 rounds to zero everywhere at 2 bits
    assert codes[True].max() > 0
    assert result.model.search["equalized_maps"] == ["a", "d"]


def test_errors(case):
    g, plan, calib, *_ = case
    q = quantize_int8(g, calibrate(g, calib))
    with pytest.raises(EdgesmithError, match="float graph"):
        equalize_stage_channels(q, plan, calib)
    with pytest.raises(EdgesmithError, match="changes the int8 graph"):
        quantize_mixed_patch(g, calib, plan, MixedSearchConfig(equalize=True), int8_graph=q)

"""VDPC: the threshold rule and routing by each patch's own input window, checked by hand."""

import numpy as np
from edgesmith.quant.mixed_patch import MixedPatchModel
from edgesmith.quant.vdpc import calibrate_threshold, route_patches
from edgesmith.quant.mixed_simulate import simulate_mixed_patched
from numpy.testing import assert_array_equal

from .graphs import int8_and_plan, routing_graph, uniform_inputs


def _model(threshold: int):
    g = routing_graph()
    q, plan = int8_and_plan(g, uniform_inputs(g, 16, 0), split=1, grid=2)
    return MixedPatchModel(q, plan, threshold, {})


def _quiet_input(model, n: int = 1) -> np.ndarray:
    """Values within 20 of the zero point: no outlier for a threshold of 50."""
    zp = model.input_zero_point
    return np.random.default_rng(3).integers(zp - 20, zp + 21, (n, 8, 8, 1)).astype(np.int8)


def test_threshold_is_a_percentile_of_distance_from_zero_point():
    model = _model(0)
    zp = model.input_zero_point
    x = np.full((1, 10, 10, 1), zp, np.int8)
    x[0, 0, :5, 0] = zp + np.arange(1, 6)  # distances 0 (x95), 1, 2, 3, 4, 5
    assert calibrate_threshold(model.graph, x, 100) == 5
    assert calibrate_threshold(model.graph, x, 96) == 2  # "higher": a value that occurs
    assert calibrate_threshold(model.graph, x, 50) == 0


def test_patch_windows_by_hand():
    # patch (i, j) reads rows/cols [0, 5) for i/j = 0 and [3, 8) for 1 (1 halo row/col)
    model = _model(50)
    zp = model.input_zero_point
    cases = {(1, 1): [1, 0, 0, 0], (7, 7): [0, 0, 0, 1], (4, 1): [1, 0, 1, 0],
             (1, 3): [1, 1, 0, 0], (3, 4): [1, 1, 1, 1], (5, 2): [0, 0, 1, 0]}
    for (row, col), expected in cases.items():
        x = _quiet_input(model)
        x[0, row, col, 0] = zp - 51  # distance 51 > 50, below the zero point
        got = route_patches(model.graph, model.plan, x, model.threshold)
        assert_array_equal(got[0], np.array(expected, bool), err_msg=f"outlier at {row},{col}")


def test_outlier_exactly_at_threshold_stays_low_bit():
    model = _model(50)
    x = _quiet_input(model)
    x[0, 1, 1, 0] = model.input_zero_point + 50
    assert not route_patches(model.graph, model.plan, x, 50).any()


def test_simulation_reports_the_branch_of_every_sample_and_patch():
    model = _model(50)
    x = _quiet_input(model, 3)
    x[1, 7, 7, 0] = 127
    x[2, 0, 0, 0] = -128
    _, branches = simulate_mixed_patched(model, x)
    assert branches.shape == (3, 4) and branches.dtype == bool
    expected = np.zeros((3, 4), bool)
    expected[1, 3] = expected[2, 0] = True
    assert_array_equal(branches, expected)


def test_extreme_thresholds():
    model = _model(50)
    x = _quiet_input(model, 2)
    assert route_patches(model.graph, model.plan, x, -1).all()
    x[:] = 127
    assert not route_patches(model.graph, model.plan, x, 255).any()

"""VDQS: the score on numbers worked by hand, and the greedy search on a graph whose answer is known."""

import numpy as np
import pytest
from edgesmith.quant.mixed_patch import width_units
from edgesmith.quant.vdqs import MixedSearchConfig, choose_width, entropy_bits, quantize_mixed_patch

from .graphs import binary_graph, binary_inputs, int8_and_plan

# H(8) = 4, H(4) = 3, H(2) = 1 bits; the unit's readers hold 80% of the stage's BitOPs:
# Omega(4) = 0.25, Omega(2) = 0.75, Phi(4) = 0.4, Phi(2) = 0.6
ENTROPY = {8: 4.0, 4: 3.0, 2: 1.0}
SAVED = {8: 0.0, 4: 0.8 * 4 / 8, 2: 0.8 * 6 / 8}


@pytest.mark.parametrize("lam,width", [
    (0.2, 2),   # S(4) = 0.27, S(2) = 0.33: computation wins
    (0.5, 4),   # S(4) = 0.075, S(2) = -0.075
    (0.9, 8),   # S(4) = -0.185, S(2) = -0.615, S(8) = 0
])
def test_score_trade_off_by_hand(lam, width):
    chosen, scores = choose_width(ENTROPY, SAVED, lam)
    assert chosen == width
    assert scores[4] == pytest.approx(-lam * 0.25 + (1 - lam) * 0.4)
    assert scores[2] == pytest.approx(-lam * 0.75 + (1 - lam) * 0.6)
    assert scores[8] == 0


def test_ties_go_to_the_wider_width():
    # no entropy lost and nothing saved: every width scores 0
    assert choose_width({8: 2.0, 4: 2.0, 2: 2.0}, {8: 0.0, 4: 0.0, 2: 0.0}, 0.5)[0] == 8


def test_entropy_of_codes():
    assert entropy_bits(np.array([-128, 127] * 8, np.int8)) == pytest.approx(1.0)
    assert entropy_bits(np.arange(-8, 8, dtype=np.int8)) == pytest.approx(4.0)
    assert entropy_bits(np.zeros(5, np.int8)) == 0.0


@pytest.fixture(scope="module")
def binary_case():
    g = binary_graph()
    calib = binary_inputs(32, 0)
    q, plan = int8_and_plan(g, calib, split=2, grid=2)
    return g, q, plan, calib


def test_units_are_the_stage_feature_maps(binary_case):
    _, q, plan, _ = binary_case
    assert width_units(q, plan) == [("x",), ("conv2d",), ("conv2d_1",)]


def test_known_answer_two_valued_maps_go_to_2_bits(binary_case):
    # x and A take two values: 2 bits lose no entropy and save BitOPs, so any lambda < 1
    # lowers them; B loses much entropy and its reader holds few BitOPs: 8 bits at 0.9
    g, q, plan, calib = binary_case
    result = quantize_mixed_patch(g, calib, plan, MixedSearchConfig(accuracy_weight=0.9),
                                  int8_graph=q)
    assert result.model.widths() == {"x": 2, "conv2d": 2, "conv2d_1": 8}
    x_choice, a_choice, b_choice = result.choices
    assert x_choice.entropy[2] == pytest.approx(x_choice.entropy[8])
    assert a_choice.entropy[2] == pytest.approx(a_choice.entropy[8])
    assert b_choice.entropy[2] < 0.8 * b_choice.entropy[8]
    assert result.bitops.reduction > 1


def test_lambda_zero_takes_the_narrowest_width(binary_case):
    g, q, plan, calib = binary_case
    result = quantize_mixed_patch(g, calib, plan, MixedSearchConfig(accuracy_weight=0.0),
                                  int8_graph=q)
    assert set(result.model.widths().values()) == {2}
    assert result.bitops.low_bit * 4 == result.bitops.uniform  # 8x8 -> 8x2 BitOPs everywhere


def test_target_reduction_picks_the_most_accurate_lambda_that_reaches_it(binary_case):
    g, q, plan, calib = binary_case
    result = quantize_mixed_patch(g, calib, plan, MixedSearchConfig(target_reduction=3.0),
                                  int8_graph=q)
    assert result.target_met and result.bitops.reduction >= 3.0
    above = quantize_mixed_patch(g, calib, plan, MixedSearchConfig(
        accuracy_weight=result.accuracy_weight + 0.01), int8_graph=q)
    assert above.bitops.reduction < 3.0
    unreachable = quantize_mixed_patch(g, calib, plan, MixedSearchConfig(target_reduction=5.0),
                                       int8_graph=q)
    assert not unreachable.target_met

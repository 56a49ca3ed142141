"""MobileNetV2 (width 0.35, 144x144, random weights, int8, no softmax) as patch-based C.

| plan (extra MACs)          | planner peak | generated code arena |
|----------------------------|-------------:|---------------------:|
| layer-based                |      290,304 |              290,304 |
| 5:6 (5.7%, planner's best) |       82,944 |               82,944 |
| 9:3 (8.7%)                 |      119,680 |              119,680 |

The generated code runs depthwise convs in place as the planner does
(es_depthwise_conv2d_s8_inplace), so it reaches the planner's peak: for 5:6
that is block 2's depthwise conv in the layer-based rest (36x36x48 in place,
its scratch and the 36x36x8 residual input), within the issue's goal of
96 KiB (98,304 B) at most 10% extra MACs. Crops and tile cost nothing there.
"""

import numpy as np
import pytest
from edgesmith.codegen.c_patch_plan import c_patch_layout, plan_c_patch_arena
from edgesmith.memory import plan_arena
from edgesmith.memory.patch import PLAN_OPTIONS, plan_patches

from tests.patch.test_mobilenetv2_slow import mobilenet_v2, without_softmax  # noqa: F401

from .helpers import assert_code_equals_simulator

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graph(mobilenet_v2):  # noqa: F811
    return without_softmax(mobilenet_v2)


@pytest.mark.parametrize("split,grid,planner,code", [(5, 6, 82_944, 82_944),
                                                     (9, 3, 119_680, 119_680)])
def test_bit_exact_and_arena(graph, split, grid, planner, code, tmp_path):
    plan = plan_patches(graph, split, grid)
    layout = c_patch_layout(graph, plan)
    ram = plan_c_patch_arena(layout).ram_bytes
    assert (plan.peak_bytes, ram) == (planner, code)
    assert plan_arena(layout.memory_graph, **PLAN_OPTIONS).ram_bytes == planner
    if (split, grid) == (5, 6):  # the goal: at most 96 KiB with at most 10% extra MACs
        assert ram <= 96 * 1024 and plan.extra_macs_pct <= 10
    x = np.random.default_rng(1).integers(-128, 128, (2, 144, 144, 3), dtype=np.int8)
    assert_code_equals_simulator(graph, plan, x, tmp_path / "m")

"""MobileNetV2 (width 0.35, 144x144x3, random weights, int8): patch-based peak SRAM and
bit-exact patched execution. Building the Keras model makes this slow (10-20 s).

Numbers (bytes; in-place ops allowed, 16-byte slots, inputs and outputs in the arena),
with Keras' ZeroPadding2D folded into the convolutions by the FoldPad pass:

| plan                                   | peak    | extra MACs |
|----------------------------------------|--------:|-----------:|
| layer-based                            | 290,304 |          - |
| patches, <= 10% extra MACs (5:6)       |  82,944 |       5.7% |

TinyEngine reports ~295 kB layer-based for this model; the goal is <= 96 kB with at
most 10% extra MACs.
"""

import numpy as np
import pytest
from edgesmith.errors import UnsupportedError
from edgesmith.memory.patch import plan_patches
from edgesmith.memory.patch_search import search_patch_plan
from edgesmith.sim import simulate
from edgesmith.sim.patch import simulate_patched

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mobilenet_v2():
    from edgesmith.frontends import load_model
    from edgesmith.frontends.keras import import_keras
    from edgesmith.passes import run_pipeline
    from edgesmith.quant import quantize_graph

    try:
        keras = import_keras()  # OR-tools before TensorFlow, or CP-SAT crashes
    except UnsupportedError:
        pytest.skip("needs Keras")
    keras.utils.set_random_seed(0)
    model = keras.applications.MobileNetV2(input_shape=(144, 144, 3), alpha=0.35, weights=None)
    graph = run_pipeline(load_model(model))
    calib = np.random.default_rng(0).uniform(-1, 1, (32, 144, 144, 3)).astype(np.float32)
    return quantize_graph(graph, calib)


def without_softmax(graph):
    """The graph up to the logits: with random weights the logits' scale is so small that
    the int8 softmax parameters cannot be computed (the simulator refuses them)."""
    out = graph.copy()
    assert out.ops[-1].type == "softmax"
    out.ops.pop()
    out.outputs = [out.ops[-1].outputs[0]]
    out.remove_unused_tensors()
    return out


def test_peak_sram(mobilenet_v2):
    assert "pad" not in {op.type for op in mobilenet_v2.ops}  # FoldPad folded them
    limited = search_patch_plan(mobilenet_v2, max_extra_macs_pct=10)
    assert limited.layer_based_peak_bytes == 290_304
    assert (limited.split, limited.grid, limited.peak_bytes) == (5, 6, 82_944)
    assert limited.peak_bytes <= 96 * 1024 and limited.extra_macs_pct <= 10
    assert search_patch_plan(mobilenet_v2).peak_bytes <= limited.peak_bytes


def test_patched_bit_exact_through_residual_adds(mobilenet_v2):
    graph = without_softmax(mobilenet_v2)
    x = np.random.default_rng(1).integers(-128, 128, (2, 144, 144, 3), dtype=np.int8)
    expected = simulate(graph, x)
    assert any(op.type == "add" for op in graph.ops[:17])
    for split, grid in ((5, 6), (9, 3), (12, 4), (16, 5)):  # 16 is past the first residual add
        plan = plan_patches(graph, split, grid)
        got = simulate_patched(graph, plan, x)
        for name in graph.outputs:
            np.testing.assert_array_equal(got[name], expected[name])

"""Arena plans of the eight public int8 models: valid, optimal, at their lower bound.

Numbers (bytes, inputs and outputs in the arena, 16-byte alignment):

| model                  | lower bound | greedy | optimal | greedy in-place | optimal in-place |
|------------------------|------------:|-------:|--------:|----------------:|-----------------:|
| vww_96_int8            |      55,296 | 64,512 |  55,296 |          55,296 |           55,296 |
| kws_ref_model          |      16,000 | 16,000 |  16,000 |          16,000 |           16,000 |
| pretrainedResnet_quant |      49,152 | 49,152 |  49,152 |          49,152 |           49,152 |
| ad01_int8              |         768 |    768 |     768 |             768 |              768 |
| str_ww_ref_model       |       6,656 |  6,656 |   6,656 |           6,144 |            6,144 |
| hello_world_int8       |          32 |     32 |      32 |              32 |               32 |
| person_detect          |      55,296 | 55,296 |  55,296 |          55,296 |           55,296 |
| micro_speech_quantized |       5,960 |  5,968 |   5,968 |           5,968 |            5,968 |

micro_speech's 8 bytes above the bound are alignment: its tensors are not
multiples of 16 bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from edgesmith.memory import check_plan, plan_arena

load_tflite = pytest.importorskip("edgesmith.frontends.tflite").load_tflite

MODELS = Path(__file__).resolve().parents[2] / ".." / "shared" / "models"

#: model: (lower bound, greedy arena, arena with in-place ops), all proven optimal but greedy
EXPECTED = {
    "mlperf_tiny/vww_96_int8": (55296, 64512, 55296),
    "mlperf_tiny/kws_ref_model": (16000, 16000, 16000),
    "mlperf_tiny/pretrainedResnet_quant": (49152, 49152, 49152),
    "mlperf_tiny/ad01_int8": (768, 768, 768),
    "mlperf_tiny/str_ww_ref_model": (6656, 6656, 6144),
    "tflm/hello_world_int8": (32, 32, 32),
    "tflm/person_detect": (55296, 55296, 55296),
    "tflm/micro_speech_quantized": (5960, 5968, 5968),
}


@pytest.mark.parametrize("model", sorted(EXPECTED))
def test_model_arena(model):
    graph = load_tflite(MODELS / f"{model}.tflite")
    bound, greedy_arena, inplace_arena = EXPECTED[model]
    greedy = plan_arena(graph, "greedy", inplace=False)
    best = plan_arena(graph, "optimal", inplace=False)
    greedy_inplace = plan_arena(graph, "greedy")
    best_inplace = plan_arena(graph, "optimal")
    for plan in (greedy, best, greedy_inplace, best_inplace):
        check_plan(graph, plan)
        assert plan.lower_bound_bytes == bound
    assert greedy.arena_bytes == greedy_arena
    assert bound <= best.arena_bytes <= greedy.arena_bytes
    assert best.arena_bytes == -(-bound // 16) * 16 and best.proven_optimal
    assert best_inplace.arena_bytes == inplace_arena <= best.arena_bytes
    assert best_inplace.proven_optimal

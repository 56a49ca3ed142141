"""Weight layouts per layer (codegen.c_layouts): int8 as stored or int16 pairs for the fast
kernels' `_w16` entries, chosen by `--optimize speed|size` or, by default, to fit the flash."""

import json

import numpy as np
import pytest

from edgesmith.codegen import generate_c
from edgesmith.codegen.c_layouts import CODE_RESERVE, choose_layouts, w16_words
from edgesmith.codegen.options import CodeOptions
from edgesmith.errors import EdgesmithError
from edgesmith.frontends.tflite import load_tflite
from edgesmith.verify.host import verify_host

from tests.helpers.paths import SHARED_MODELS
from tests.runtime.harness import fmt, random_int8, single_op

from .test_kernel_sets import HELLO, run_cli

KWS = SHARED_MODELS / "mlperf_tiny" / "kws_ref_model.tflite"


def test_w16_words_pair_values_and_interleave_blocks_of_four_rows():
    rows = np.arange(1, 6 * 3 + 1).reshape(6, 3) * np.array([1, -1, 1])  # 6 rows, odd depth
    words = w16_words(rows).view(np.uint32)
    lo = (words & 0xFFFF).astype(np.uint16).view(np.int16)
    hi = (words >> 16).astype(np.uint16).view(np.int16)
    # block of rows 0..3: pair 0 of each row, then pair 1 (value 2, then the 0 after it)
    np.testing.assert_array_equal(lo[:8], [1, 4, 7, 10, 3, 6, 9, 12])
    np.testing.assert_array_equal(hi[:8], [-2, -5, -8, -11, 0, 0, 0, 0])
    # rows 4 and 5 follow row by row
    np.testing.assert_array_equal(lo[8:], [13, 15, 16, 18])
    np.testing.assert_array_equal(hi[8:], [-14, 0, -17, 0])


@pytest.fixture(scope="module")
def kws():
    return load_tflite(KWS)


def test_speed_size_and_the_greedy_fit(kws):
    speed = choose_layouts(kws, "fast", "speed")
    size = choose_layouts(kws, "fast", "size")
    # the 10x4 conv, four 1x1 convs, the dense layer, four 3x3 depthwise layers (their tables)
    assert len(speed) == len(size) == 10
    assert {x.layout for x in speed} == {"int16"} and {x.layout for x in size} == {"int8"}
    assert choose_layouts(kws, "reference", "speed") == []  # the reference reads int8 only
    stored = sum(t.nbytes for t in kws.tensors.values() if t.is_const)
    by_density = sorted(speed, key=lambda x: -x.macs / x.int8_bytes)
    room = by_density[0].extra_bytes + by_density[1].extra_bytes
    fit = choose_layouts(kws, "fast", None, CODE_RESERVE + stored + room)
    assert {x.index for x in fit if x.layout == "int16"} == {by_density[0].index,
                                                             by_density[1].index}
    assert {x.layout for x in choose_layouts(kws, "fast", None, None)} == {"int16"}
    with pytest.raises(EdgesmithError, match="unknown --optimize 'fastest'"):
        CodeOptions(optimize="fastest")


def test_a_layer_whose_folded_bias_leaves_int32_keeps_int8():
    rng = np.random.default_rng(3)
    weights = np.full((4, 9), -128, np.int8)
    case = single_op("fully_connected",
                     [(random_int8(rng, (1, 9)), fmt(0.1, 100), False), (weights, fmt(0.01, 0), True),
                      (np.full(4, 2**31 - 100, np.int32), fmt(0.001, 0), True)], fmt(0.2, -5))
    assert [x.layout for x in choose_layouts(case.graph, "fast", "speed")] == []


@pytest.mark.parametrize("optimize", ["speed", "size"])
def test_both_layouts_run_equal_to_the_simulator_on_the_host(kws, tmp_path, optimize):
    rng = np.random.default_rng(0)
    batch = rng.integers(-128, 128, (3, *kws.tensors[kws.inputs[0]].shape[1:])).astype(np.int8)
    options = CodeOptions(optimize=optimize)
    report = verify_host(kws, batch, options=options)
    assert report.samples == 3 and report.ok
    folder = generate_c(kws, tmp_path / "m", optimize=optimize).folder
    calls = (folder / "kws_ref_model.c").read_text()
    assert ("es_conv2d_s8_w16(" in calls) == (optimize == "speed")


def test_generate_c_optimize_option(tmp_path):
    proc = run_cli("generate", "c", HELLO, "-o", tmp_path / "m", "--optimize", "speed", "--json")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert [x["layout"] for x in info["layouts"]] == ["int16"] * 3
    assert "runtime/kernels/fast/es_fully_connected_s8_w16.c" in info["files"]
    proc = run_cli("generate", "c", HELLO, "-o", tmp_path / "n", "--optimize", "fastest")
    assert proc.returncode == 2 and "unknown --optimize 'fastest'" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr and not (tmp_path / "n").exists()

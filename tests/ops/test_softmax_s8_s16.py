"""softmax with int8 input and int16 output (scale 1/65536, zero point -32768), as TFLite
Micro runs it (the head of its keyword-spotting SVDF model): the reference algorithm of the
int8 softmax with a 16-bit final shift. The simulator equals TFLite Micro bit for bit, and
the generated C equals the simulator."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends.tflite import load_tflite
from edgesmith.sim import simulate
from edgesmith.verify.tflm import check_against_tflm, run_tflm

from tests.helpers.paths import SHARED_MODELS
from tests.ops.oracle import random_int8
from tests.ops.tflite_writer import T, single_op
from tests.recurrent.tflite_cut import cut_ops, models_with_op

pytest.importorskip("tflite_micro")


def _model(tmp_path, depth: int, in_fmt: tuple[int, float], beta: float) -> tuple:
    zi, si = in_fmt
    path = tmp_path / f"softmax_s16_{depth}_{zi}_{si}_{beta}.tflite"
    path.write_bytes(single_op(
        "SOFTMAX", [T((1, depth), scale=[si], zero_point=[zi])],
        [T((1, depth), "int16", scale=[1 / 65536], zero_point=[-32768])],
        ("SoftmaxOptions", {"Beta": beta})))
    return path, load_tflite(path)


def _edge_inputs(depth: int) -> np.ndarray:
    x = random_int8(np.random.default_rng(depth), (24, depth))
    x[0], x[1], x[2] = -128, 127, 0             # all equal
    x[3, 0], x[3, 1:] = 127, -128               # one dominant logit
    x[4] = np.resize(np.arange(-128, 128), depth)
    return x


@pytest.mark.parametrize("depth", [2, 10, 100])
@pytest.mark.parametrize("in_fmt", [(2, 0.07), (-128, 0.5), (0, 1e-3)])
@pytest.mark.parametrize("beta", [1.0, 0.5])
def test_softmax_int8_to_int16_equals_tflm(tmp_path, depth, in_fmt, beta):
    path, graph = _model(tmp_path, depth, in_fmt, beta)
    x = _edge_inputs(depth)
    ours = simulate(graph, x)[graph.outputs[0]]
    assert ours.dtype == np.int16
    np.testing.assert_array_equal(ours, run_tflm(path, [x])[0])
    assert len(np.unique(ours)) > 10


@pytest.mark.parametrize("depth", [2, 10, 100])
def test_the_c_kernel_equals_the_simulator(tmp_path, depth):
    """es_softmax_s8_s16 row by row (generated code needs typed int16 model ports first)."""
    from edgesmith.codegen.c_params import kernel_params
    from tests.runtime.harness import runtime

    _, graph = _model(tmp_path, depth, (2, 0.07), 1.0)
    kp = kernel_params(graph.ops[0], graph)
    assert kp.kernel == "es_softmax_s8_s16"
    rt = runtime()
    x = _edge_inputs(depth)
    got = np.zeros(x.shape, np.int16)
    rt.ok(rt.lib.es_softmax_s8_s16(rt.struct(kp.args["params"]), x.shape[0], depth,
                                   rt.ptr("int8_t", x), rt.ptr("int16_t", got)))
    np.testing.assert_array_equal(got, simulate(graph, x)[graph.outputs[0]])


def test_the_keyword_model_head_equals_tflm(tmp_path):
    """FULLY_CONNECTED and the int8 -> int16 SOFTMAX of the keyword SVDF models (cut out of
    them: their int16 input and int32 output need typed model ports)."""
    found = 0
    for path in models_with_op(SHARED_MODELS / "recurrent" / "tflm", "SVDF"):
        cut = tmp_path / f"{path.stem}_head.tflite"
        cut.write_bytes(cut_ops(path, 12, 13))
        graph = load_tflite(cut)
        assert [op.type for op in graph.ops] == ["fully_connected", "softmax"]
        report = check_against_tflm(cut, samples=200)
        assert report.samples == 200 and report.mismatched_samples == 0
        found += 1
    assert found == 2

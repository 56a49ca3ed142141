"""Which integer arithmetic LiteRT 2.x's BUILTIN_REF kernels use, measured.

From the intermediate tensors LiteRT preserves, the exact int32 accumulators
of pointwise conv2d and fully_connected layers are recomputed; the output
stage candidates are then compared with LiteRT's own outputs:

* conv2d: the double-rounding multiply (high multiply, then rounding shift)
  matches everywhere; single rounding misses hundreds of elements;
* fully_connected: accumulator times the double real scale, rounded half away
  from zero, matches everywhere; the double-rounding multiply does not.

For softmax, rows where the fixed-point algorithm and an exactly rounded float
softmax disagree are searched for; LiteRT follows the fixed-point algorithm.
"""

import numpy as np
import pytest
from edgesmith import _sim
from edgesmith.frontends.tflite import load_tflite
from edgesmith.arith.multiplier import softmax_input_scaling
from edgesmith.arith.params import compute_params
from edgesmith.sim.inputs import random_inputs
from edgesmith.verify.litert import run_litert

from tests.helpers.paths import SHARED_MODELS
from tests.ops.tflite_writer import T, single_op


def double_rounding(acc, m, shift):
    # exact int64 arithmetic: shifts here are <= 0
    high = (acc * m + (1 << 30)) >> 31
    right = -shift
    magnitude = (np.abs(high) + (np.int64(1) << (right - 1))) >> right
    return np.where(right == 0, high, np.sign(high) * magnitude)


def single_rounding(acc, m, shift):
    total = 31 - shift
    return (acc * m + (np.int64(1) << (total - 1))) >> total


def float_stage(acc, real_scale):
    v = acc.astype(np.float64) * real_scale
    return (np.sign(v) * np.floor(np.abs(v) + 0.5)).astype(np.int64)


def stages_vs_litert(name: str, op_type: str, samples: int):
    """For each pointwise op: (mismatches of double, single, float stage), element count."""
    path = SHARED_MODELS / name
    graph = load_tflite(path)
    x = random_inputs(graph, samples, seed=1)
    run = run_litert(path, [x[n] for n in graph.inputs], preserve_intermediates=True)
    index_of = graph.meta["tflite_tensors"]
    results = []
    for op in graph.ops:
        w = graph.tensors[op.inputs[1]].data if len(op.inputs) > 1 else None
        if op.type != op_type or (op_type == "conv2d" and w.shape[1:3] != (1, 1)):
            continue
        p = compute_params(op, graph)
        src = op.inputs[0]
        xin = run.tensors[index_of[src]] if src not in graph.inputs else x[src]
        w2 = w.reshape(w.shape[0], -1).astype(np.int64)
        acc = (xin.reshape(-1, w2.shape[1]).astype(np.int64) + p.input_offset) @ w2.T
        acc += graph.tensors[op.inputs[2]].data
        ref = run.tensors[index_of[op.outputs[0]]].reshape(acc.shape).astype(np.int64)
        m, s = p.multiplier.astype(np.int64), p.shift.astype(np.int64)
        candidates = (double_rounding(acc, m, s), single_rounding(acc, m, s),
                      float_stage(acc, getattr(p, "real_scale", np.float64(0))))
        misses = [int((np.clip(c + p.output_offset, p.act_min, p.act_max) != ref).sum())
                  for c in candidates]
        results.append((misses, ref.size))
    return results


def test_conv2d_requantizes_with_two_roundings():
    results = stages_vs_litert("mlperf_tiny/kws_ref_model.tflite", "conv2d", 40)
    assert results
    for (double, single, _), size in results:
        assert double == 0, f"double rounding missed {double} of {size}"
    assert sum(single for (_, single, _), _ in results) > 100


@pytest.mark.parametrize("name", ["mlperf_tiny/ad01_int8.tflite", "tflm/hello_world_int8.tflite"])
def test_fully_connected_requantizes_in_double(name):
    results = stages_vs_litert(name, "fully_connected", 100)
    assert results
    for (_, _, floating), size in results:
        assert floating == 0, f"the float output stage missed {floating} of {size}"
    assert sum(double for (double, _, _), _ in results) > 0


def test_softmax_is_the_fixed_point_algorithm(tmp_path):
    rng = np.random.default_rng(0)
    disagreements = 0
    for scale in (0.01, 0.05, 0.1447, 0.3):
        s32 = float(np.float32(scale))
        m, left_shift, diff_min = softmax_input_scaling(1.0, s32)
        x = rng.integers(-128, 128, size=(20000, 10), dtype=np.int8)
        fixed = _sim.softmax_s8(x, input_multiplier=m, input_left_shift=left_shift,
                                diff_min=diff_min).astype(np.int64)
        e = np.exp(s32 * (x.astype(np.int64) - x.max(axis=1, keepdims=True)))
        exact = np.clip(np.floor(e / e.sum(axis=1, keepdims=True) * 256 + 0.5) - 128, -128, 127)
        rows = np.flatnonzero((fixed != exact).any(axis=1))
        if rows.size == 0:
            continue
        path = tmp_path / "softmax.tflite"
        path.write_bytes(single_op("SOFTMAX", [T((1, 10), scale=[s32], zero_point=[0])],
                                   [T((1, 10), scale=[1 / 256], zero_point=[-128])],
                                   ("SoftmaxOptions", {"Beta": 1.0})))
        (litert,) = run_litert(path, x[rows]).outputs
        np.testing.assert_array_equal(litert, fixed[rows])
        disagreements += rows.size
    assert disagreements > 0

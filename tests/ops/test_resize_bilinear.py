"""resize_bilinear (TFLite RESIZE_BILINEAR) on int8: up- and down-sizing, align_corners,
half_pixel_centers; the simulator against LiteRT's reference kernel and TFLite Micro on
converter-built models (extremes and a ramp among the inputs), the generated C against the
simulator. The float reference against TensorFlow's own resize, within float rounding."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends import load_model
from edgesmith.ir import Op
from edgesmith.ir.ops import op_def

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.op_oracles import (assert_c_equals_simulator, assert_equals_litert,
                                      assert_equals_tflm, default_and_slow)
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

SHAPE = (5, 4, 3)
RESIZE_V1 = tf.compat.v1.image.resize_bilinear
CASES = {  # (function, (align_corners, half_pixel_centers))
    "up": (lambda x: RESIZE_V1(x, [9, 11]), (False, False)),
    "up_align_corners": (lambda x: RESIZE_V1(x, [9, 7], align_corners=True), (True, False)),
    "up_half_pixel": (lambda x: tf.image.resize(x, [12, 7], method="bilinear"), (False, True)),
    "down_half_pixel": (lambda x: tf.image.resize(x, [3, 2], method="bilinear"), (False, True)),
    "down_align_corners": (lambda x: RESIZE_V1(x, [2, 3], align_corners=True), (True, False)),
}


@pytest.fixture(scope="module", params=default_and_slow(sorted(CASES), keep=3))
def case(request, tmp_path_factory):
    fn, flags = CASES[request.param]
    path = function_int8_tflite(fn, SHAPE, tmp_path_factory.mktemp("rb") / "m.tflite", scale=2.0)
    assert tflite_ops(path) == ["RESIZE_BILINEAR"]
    (op,) = load_model(path).ops
    assert op.type == "resize_bilinear"
    assert (op.attrs["align_corners"], op.attrs["half_pixel_centers"]) == flags
    return path


def test_simulator_equals_litert(case):
    assert_equals_litert(case, edge_int8(SHAPE, samples=24), samples=40)


def test_simulator_equals_tflite_micro(case):
    assert_equals_tflm(case, edge_int8(SHAPE), samples=16)


def test_generated_c_equals_the_simulator(case):
    assert_c_equals_simulator(case, edge_int8(SHAPE, samples=12, seed=3))


@pytest.mark.parametrize("name", sorted(CASES))
def test_float_reference_follows_tensorflow(name):
    fn, (align, half) = CASES[name]
    x = np.random.default_rng(2).normal(size=(1, *SHAPE)).astype(np.float32)
    theirs = fn(tf.constant(x)).numpy()
    op = Op("resize_bilinear", ["x"], ["y"], {"size": list(theirs.shape[1:3]),
                                              "align_corners": align, "half_pixel_centers": half})
    ours = op_def("resize_bilinear").float_ref(op, None, [x])
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-5)

"""Dilated CONV_2D and DEPTHWISE_CONV_2D from Keras dilation_rate > 1 (the converter of this
TensorFlow writes the dilation into the op itself, no SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND
around it): the simulator against LiteRT's reference kernels and TFLite Micro, the
generated C against the simulator."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends import load_model

from tests.helpers.converter import edge_int8, full_int8_tflite, tflite_ops
from tests.helpers.op_oracles import (assert_c_equals_simulator, assert_equals_litert,
                                      assert_equals_tflm, default_and_slow)

tf = pytest.importorskip("tensorflow")

SHAPE = (11, 12, 3)
LAYERS = {  # (layer, TFLite builtin, IR op, dilation)
    "conv_same": (lambda k: k.Conv2D(4, 3, dilation_rate=2, padding="same"), "CONV_2D",
                  "conv2d", (2, 2)),
    "conv_valid_uneven": (lambda k: k.Conv2D(5, (3, 2), dilation_rate=(3, 2)), "CONV_2D",
                          "conv2d", (3, 2)),
    "depthwise_same": (lambda k: k.DepthwiseConv2D(3, dilation_rate=2, padding="same",
                                                   depth_multiplier=2),
                       "DEPTHWISE_CONV_2D", "depthwise_conv2d", (2, 2)),
    "depthwise_valid": (lambda k: k.DepthwiseConv2D(3, dilation_rate=(2, 3)),
                        "DEPTHWISE_CONV_2D", "depthwise_conv2d", (2, 3)),
}


@pytest.fixture(scope="module", params=default_and_slow(
    ["conv_same", "depthwise_valid", "conv_valid_uneven", "depthwise_same"]))
def case(request, tmp_path_factory):
    make, builtin, ir_op, dilation = LAYERS[request.param]
    keras = tf.keras
    inp = keras.Input(SHAPE, batch_size=1)
    model = keras.Model(inp, make(keras.layers)(inp))
    calib = np.random.default_rng(1).normal(size=(32, *SHAPE)).astype(np.float32)
    path = full_int8_tflite(model, calib, tmp_path_factory.mktemp("dil") / "m.tflite")
    assert tflite_ops(path) == [builtin]
    (op,) = load_model(path).ops
    assert op.type == ir_op and tuple(op.attrs["dilation"]) == dilation
    return path


def test_simulator_equals_litert(case):
    assert_equals_litert(case, edge_int8(SHAPE, samples=12), samples=20)


def test_simulator_equals_tflite_micro(case):
    assert_equals_tflm(case, edge_int8(SHAPE, samples=8))


def test_generated_c_equals_the_simulator(case):
    assert_c_equals_simulator(case, edge_int8(SHAPE, samples=6, seed=3))

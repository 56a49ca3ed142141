"""transpose_conv (TFLite TRANSPOSE_CONV from Keras Conv2DTranspose) on int8 with
per-channel weights, with and without bias, 'same' and 'valid', uneven strides: the
simulator against LiteRT's reference kernel and TFLite Micro, the generated C against the
simulator, and the float reference against Keras."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends import load_model

from tests.helpers.converter import edge_int8, full_int8_tflite, tflite_ops
from tests.helpers.op_oracles import (assert_c_equals_simulator, assert_equals_litert,
                                      assert_equals_tflm, default_and_slow)

tf = pytest.importorskip("tensorflow")

SHAPE = (5, 6, 3)
LAYERS = {  # Conv2DTranspose options; the expected TFLite pads (top, bottom, left, right)
    "stride2_same": (dict(filters=4, kernel_size=3, strides=2, padding="same"), (0, 1, 0, 1)),
    "uneven_valid_no_bias": (dict(filters=2, kernel_size=(3, 2), strides=(2, 3),
                                  use_bias=False), (0, 0, 0, 0)),
    "stride1_same": (dict(filters=3, kernel_size=3, padding="same"), (1, 1, 1, 1)),
}


def _model(options):
    keras = tf.keras
    inp = keras.Input(SHAPE, batch_size=1)
    layer = keras.layers.Conv2DTranspose(**options)
    model = keras.Model(inp, layer(inp))
    if options.get("use_bias", True):  # a zero bias would be dropped by the converter
        kernel, _ = layer.get_weights()
        bias = np.random.default_rng(5).normal(scale=0.5, size=options["filters"])
        layer.set_weights([kernel, bias.astype(np.float32)])
    return model


@pytest.fixture(scope="module", params=default_and_slow(list(LAYERS)))
def case(request, tmp_path_factory):
    options, pads = LAYERS[request.param]
    model = _model(options)
    calib = np.random.default_rng(1).normal(size=(32, *SHAPE)).astype(np.float32)
    path = full_int8_tflite(model, calib, tmp_path_factory.mktemp("tc") / "m.tflite")
    assert tflite_ops(path) == ["TRANSPOSE_CONV"]
    (op,) = load_model(path).ops
    assert op.type == "transpose_conv" and tuple(op.attrs["pads"]) == pads
    assert (len(op.inputs) == 3) == options.get("use_bias", True)
    return path


def test_simulator_equals_litert(case):
    assert_equals_litert(case, edge_int8(SHAPE, samples=12), samples=20)


def test_simulator_equals_tflite_micro(case):
    assert_equals_tflm(case, edge_int8(SHAPE, samples=8))


def test_generated_c_equals_the_simulator(case):
    assert_c_equals_simulator(case, edge_int8(SHAPE, samples=6, seed=3))


def test_float_reference_equals_keras():
    from edgesmith.ir import Op
    from edgesmith.ir.ops import op_def

    options, pads = LAYERS["stride2_same"]
    model = _model(options)
    x = np.random.default_rng(4).normal(size=(2, *SHAPE)).astype(np.float32)
    kernel, bias = model.layers[-1].get_weights()  # Keras stores [KH, KW, O, I]
    weights = np.transpose(kernel, (2, 0, 1, 3))
    op = Op("transpose_conv", ["x", "w", "b"], ["y"],
            {"size": (10, 12), "stride": (2, 2), "pads": pads})
    ours = op_def("transpose_conv").float_ref(op, None, [x, weights, bias])
    np.testing.assert_allclose(ours, model.predict(x, verbose=0), rtol=0, atol=1e-5)

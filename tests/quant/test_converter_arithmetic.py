"""int8 post-training quantization computes scales and codes in the TFLite converter's float32
arithmetic, rounding half away from zero (tests/recurrent/test_lstm_ptq.py compares whole
models with the converter's files)."""

from __future__ import annotations

import numpy as np

from edgesmith.ir import AffineFormat
from edgesmith.quant.calibrate import Range
from edgesmith.quant.int8 import activation_format, converter_bias, quantize_weights


def test_activation_scale_is_the_converters_float32_one():
    # a calibrated input range and the scale the converter wrote for it: (hi - lo) / 255 in
    # float32, one ulp below the double quotient rounded to float32
    fmt = activation_format(Range(-2.398232936859131, 2.002392530441284))
    assert float(fmt.scale[0]) == 0.01725735329091549
    assert float(fmt.scale[0]) != float(np.float32((2.002392530441284 + 2.398232936859131) / 255))
    assert int(fmt.zero_point[0]) == 11


def test_weight_and_bias_codes_round_half_away_from_zero():
    w = np.array([127.0, 0.5, -0.5, 2.5, -2.5], np.float32)
    codes, fmt = quantize_weights(w, None)
    assert float(fmt.scale[0]) == 1.0
    np.testing.assert_array_equal(codes, [127, 1, -1, 3, -3])
    per_channel, _ = quantize_weights(np.array([[127.0, 0.5], [-127.0, -2.5]], np.float32), 0)
    np.testing.assert_array_equal(per_channel, [[127, 1], [-127, -3]])
    bias, bias_fmt = converter_bias(np.array([0.5, -1.5, 3.0], np.float32), 0.5,
                                    AffineFormat([2.0], [0], bits=8))
    assert float(bias_fmt.scale[0]) == 1.0
    np.testing.assert_array_equal(bias, [1, -2, 3])

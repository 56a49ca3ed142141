"""Test models built with the TFLite converter from a TensorFlow function of one input (the
ops Keras has no layer for: tf.slice, tf.tile, tf.gather...), full-int8 with int8 I/O."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.helpers.converter import convert_full_int8


def function_int8_tflite(fn, shape: tuple[int, ...], path: Path, seed: int = 0,
                         scale: float = 1.0) -> Path:
    """``fn`` (a function of one float32 tensor with a batch of 1) as a full-int8 ``.tflite``,
    calibrated on normal inputs of standard deviation ``scale``."""
    import tensorflow as tf

    calibration = np.random.default_rng(seed).normal(scale=scale, size=(32, 1, *shape))
    concrete = tf.function(fn).get_concrete_function(tf.TensorSpec((1, *shape), tf.float32))

    return convert_full_int8(tf.lite.TFLiteConverter.from_concrete_functions([concrete]),
                             calibration, path)

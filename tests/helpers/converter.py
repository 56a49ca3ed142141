"""Test models built with the TFLite converter from small Keras models: full-int8 (int8
weights and activations) with int8 model inputs and outputs, or with the float32 / uint8
inputs and outputs published models keep (``io=(input type, output type)``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def full_int8_tflite(model, calibration: np.ndarray, path: Path,
                     io: tuple[str, str] = ("int8", "int8")) -> Path:
    """``model`` converted to a full-int8 ``.tflite`` at ``path`` (int8 I/O by default)."""
    import tensorflow as tf

    return convert_full_int8(tf.lite.TFLiteConverter.from_keras_model(model),
                             calibration[:, None], path, io)


def convert_full_int8(converter, calibration: np.ndarray, path: Path,
                      io: tuple[str, str] = ("int8", "int8")) -> Path:
    """A TFLite ``converter`` run full-int8, calibrated on the batch-1 samples of
    ``calibration`` (axis 0 lists them), written to ``path``; ``io`` names the model's input
    and output types (``int8``, ``uint8``, ``float32``; ``int16`` if the converter takes
    it)."""
    import tensorflow as tf

    def representative():
        for sample in calibration:
            yield [sample.astype(np.float32)]

    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.as_dtype(io[0])
    converter.inference_output_type = tf.as_dtype(io[1])
    path.write_bytes(converter.convert())
    return path


def tflite_ops(path: Path) -> list[str]:
    """The builtin operator names of a .tflite file, in execution order."""
    from edgesmith.frontends.tflite_reader import read_tflite

    return [op.name for op in read_tflite(path).operators]


def edge_int8(shape: tuple[int, ...], samples: int = 16, seed: int = 0) -> np.ndarray:
    """Random int8 inputs whose first samples hold the extremes and a ramp through zero."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-128, 128, size=(samples, *shape), dtype=np.int8)
    x[0], x[1] = -128, 127
    x[2] = np.resize(np.arange(-128, 128, dtype=np.int16), shape).astype(np.int8)
    return x


def full_int16x8_tflite(model, calibration: np.ndarray, path: Path) -> Path:
    """``model`` converted with TFLite's 16x8 scheme (int16 activations, int8 weights, int64
    bias: EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8) with int16 I/O."""
    import tensorflow as tf

    def representative():
        for sample in calibration[:, None]:
            yield [sample.astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    converter.inference_input_type = tf.int16
    converter.inference_output_type = tf.int16
    path.write_bytes(converter.convert())
    return path


def edge_int16(shape: tuple[int, ...], samples: int = 16, seed: int = 0) -> np.ndarray:
    """Random int16 inputs whose first samples hold the extremes and a ramp through zero."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-32768, 32768, size=(samples, *shape), dtype=np.int16)
    x[0], x[1] = -32768, 32767
    x[2] = np.resize(np.arange(-32768, 32768, 257, dtype=np.int32), shape).astype(np.int16)
    return x


def keras2_lstm_tflite(units: int, steps: int, features: int, return_sequences: bool,
                       calibration: np.ndarray | None, path: Path, seed: int = 0) -> Path:
    """A ``tf_keras`` (Keras 2) LSTM(``units``) over [``steps``, ``features``] and a Dense(3)
    (:func:`keras2_lstm`), converted by :func:`convert_keras2_lstm`."""
    return convert_keras2_lstm(keras2_lstm(units, steps, features, return_sequences, seed),
                               calibration, path)


def keras2_lstm(units: int, steps: int, features: int, return_sequences: bool, seed: int = 0,
                flatten: bool = False):
    """A ``tf_keras`` (Keras 2) Sequential LSTM(``units``) over [``steps``, ``features``] and a
    Dense(3) (after a Flatten with ``flatten``), weights from ``seed``."""
    import tf_keras

    tf_keras.utils.set_random_seed(seed)
    return tf_keras.Sequential([
        tf_keras.Input((steps, features)),
        tf_keras.layers.LSTM(units, return_sequences=return_sequences),
        *([tf_keras.layers.Flatten()] if flatten else []),
        tf_keras.layers.Dense(3)])


def convert_keras2_lstm(model, calibration: np.ndarray | None, path: Path) -> Path:
    """A :func:`keras2_lstm` model converted at batch 1 so that the converter fuses the LSTM
    into one UNIDIRECTIONAL_SEQUENCE_LSTM (Keras 3 layers carry no fusion annotation: they
    become a WHILE loop): full-int8 with int8 I/O calibrated on ``calibration`` (the samples
    in order), or float when None."""
    import tensorflow as tf

    run = tf.function(lambda x: model(x))
    spec = tf.TensorSpec([1, *model.input_shape[1:]], tf.float32)
    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [run.get_concrete_function(spec)], model)
    if calibration is None:
        path.write_bytes(converter.convert())
        return path
    return convert_full_int8(converter, calibration[:, None], path)

"""Hand-written UNIDIRECTIONAL_SEQUENCE_LSTM models (one op) for the LSTM tests.

The TFLite converter of this environment (TF 2.21, Keras 3) does not fuse a Keras 3 LSTM
into UNIDIRECTIONAL_SEQUENCE_LSTM (it writes a WHILE loop in three subgraphs, and its
full-int8 calibration of that loop crashes); a Keras 2 (``tf_keras``) LSTM converted at
batch 1 is fused (tests/recurrent/test_keras2_lstm.py, slow: minutes of conversion). So the
fast tests write the op themselves, laid
out as the converter lays out a Keras LSTM: 24 inputs, gate order input, forget, cell,
output, the states as variable tensors, int8 weights with zero point 0, int32 biases,
an int16 cell state with a power-of-two scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tests.ops.tflite_writer import ModelSpec, OpSpec, T, write_model


@dataclass(frozen=True)
class LstmCase:
    steps: int
    features: int
    units: int
    time_major: bool = False
    #: sequences in one model input (time-major models only: batch-major ones have 1)
    batch: int = 1
    cell_power: int = -11
    cell_clip: float = 10.0
    hidden_zero_point: int = 0
    weight_scale: float = 0.02
    seed: int = 0

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return ((self.steps, self.batch, self.features) if self.time_major
                else (self.batch, self.steps, self.features))


def lstm_tflite(case: LstmCase, *, omit: tuple[int, ...] = (), add: tuple[int, ...] = (),
                activation: int = 4, per_channel: bool = False, dtype: str = "int8") -> bytes:
    """The model of ``case``; ``omit`` leaves out TFLite inputs (e.g. 1 and 5: CIFG),
    ``add`` fills optional ones with int16 vectors (peephole, layer norm) to probe the
    refusals."""
    rng = np.random.default_rng(case.seed)
    s, f = case.units, case.features
    x_scale, h_scale = 0.05, 1.0 / 128
    tensors = [T(case.input_shape, dtype, None if dtype == "float32" else [x_scale], [-3])]

    def weights(shape):
        data = rng.integers(-127, 128, size=shape)
        if dtype == "float32":
            return T(shape, "float32", data=(data * case.weight_scale).astype(np.float32))
        scale = [case.weight_scale] * (shape[0] if per_channel else 1)
        return T(shape, "int8", scale, [0] * len(scale), data=data.astype(np.int8))

    def bias():
        if dtype == "float32":
            return T((s,), "float32", data=rng.normal(0, 0.5, s).astype(np.float32))
        return T((s,), "int32", [x_scale * case.weight_scale], [0],
                 data=rng.integers(-2000, 2000, size=s).astype(np.int32))

    inputs = [0]
    for k in range(1, 24):
        if k in omit or (k in (9, 10, 11, 16, 17, 20, 21, 22, 23) and k not in add):
            inputs.append(-1)
            continue
        if k <= 4:
            t = weights((s, f))
        elif k <= 8:
            t = weights((s, s))
        elif 12 <= k <= 15:
            t = bias()
        elif k == 18:
            t = T((case.batch, s), dtype, None if dtype == "float32" else [h_scale],
                  [case.hidden_zero_point], variable=True)
        elif k == 19:
            cell_dtype = "float32" if dtype == "float32" else "int16"
            t = T((case.batch, s), cell_dtype,
                  None if dtype == "float32" else [2.0 ** case.cell_power], [0], variable=True)
        else:  # an optional variant's tensor
            t = T((s,), "int16", [1.0 / 1024], [0], data=rng.integers(-99, 99, s).astype(np.int16))
        inputs.append(len(tensors))
        tensors.append(t)
    out_shape = case.input_shape[:2] + (s,)
    tensors.append(T(out_shape, dtype, None if dtype == "float32" else [h_scale],
                     [case.hidden_zero_point]))
    options = ("UnidirectionalSequenceLSTMOptions",
               {"FusedActivationFunction": activation, "CellClip": case.cell_clip,
                "TimeMajor": case.time_major})
    op = OpSpec("UNIDIRECTIONAL_SEQUENCE_LSTM", inputs, [len(tensors) - 1], options)
    return write_model(ModelSpec(tensors, [op], [0], [len(tensors) - 1]))

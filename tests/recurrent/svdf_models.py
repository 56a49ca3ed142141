"""Tiny SVDF models written directly as ``.tflite`` flatbuffers (the TFLite converter has no
Keras layer that becomes SVDF), with scales chosen so that outputs spread over the int8
range instead of saturating: int16 state, int8 state (non-zero zero point), float."""

from __future__ import annotations

import numpy as np

from tests.ops.tflite_writer import ModelSpec, OpSpec, T, write_model

#: (state real range, time weight real range) of the integer models
_STATE_RANGE, _TIME_RANGE = 12.0, 1.0


def svdf_model(state: str = "int16", *, inputs: int = 8, filters: int = 6, rank: int = 2,
               memory: int = 4, seed: int = 0, bias: bool = True,
               activation: int = 1) -> bytes:
    """One SVDF op: input [1, inputs] -> output [1, filters / rank]; ``state`` is the state
    dtype (int16, int8 or float32; int8 state has a non-zero zero point). ``activation``: the
    fused activation code, RELU by default (LiteRT's integer SVDF runs nothing else; the
    integer kernels of TFLite Micro and edgesmith only clamp to int8)."""
    rng = np.random.default_rng(seed)
    units = filters // rank
    if state == "float32":
        tensors = [T((1, inputs), "float32"),
                   T((filters, inputs), "float32",
                     data=rng.uniform(-0.5, 0.5, (filters, inputs)).astype(np.float32)),
                   T((filters, memory), "float32",
                     data=rng.uniform(-1, 1, (filters, memory)).astype(np.float32)),
                   T((units,), "float32", data=rng.uniform(-1, 1, units).astype(np.float32)),
                   T((1, filters * memory), "float32", variable=True),
                   T((1, units), "float32")]
    else:
        bits = 16 if state == "int16" else 8
        qmax = (1 << (bits - 1)) - 1
        state_scale = np.float32(_STATE_RANGE / qmax)
        time_scale = np.float32(_TIME_RANGE / qmax)
        state_zp = 0 if bits == 16 else 3
        bias_scale = np.float32(state_scale * time_scale)
        tensors = [T((1, inputs), "int8", [1 / 32], [-5]),
                   T((filters, inputs), "int8", [0.01], [0],
                     data=rng.integers(-127, 128, (filters, inputs)).astype(np.int8)),
                   T((filters, memory), state, [float(time_scale)], [0],
                     data=rng.integers(-qmax, qmax + 1, (filters, memory)).astype(state)),
                   T((units,), "int32", [float(bias_scale)], [0],
                     data=rng.integers(-1, 2, units) * int(0.5 / bias_scale)),
                   T((1, filters * memory), state, [float(state_scale)], [state_zp],
                     variable=True),
                   T((1, units), "int8", [24 / 255], [-2])]
    ins = [0, 1, 2, 3 if bias else -1, 4]
    op = OpSpec("SVDF", ins, [5], ("SVDFOptions", {"Rank": rank,
                                                   "FusedActivationFunction": activation}))
    return write_model(ModelSpec(tensors, [op], [0], [5]))

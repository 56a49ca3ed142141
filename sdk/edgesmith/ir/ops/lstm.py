"""lstm: TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM, the standard (Keras) LSTM over a sequence.

Inputs follow TFLite's gate order (input, forget, cell, output): the input ``x``
``[batch, time, features]`` (``[time, batch, features]`` when ``time_major``), four input
weights ``[units, features]``, four recurrent weights ``[units, units]`` and four biases
``[units]``. The output holds the hidden state of every step, ``[.., .., units]``.

The last two inputs are the hidden and cell states: TFLite's variable tensors
(``Tensor.variable``), which the op reads and updates in place and which persist from one
invocation to the next as in TFLite Micro (until a reset). The int8 kernel keeps the
cell state int16 (its scale a power of two) and computes its int16 gates internally; the
hidden state has the output's int8 format. Peephole, projection, layer-norm and CIFG
variants are refused, as TFLite Micro refuses them.
"""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, register
from .reference import attrs_of, f32

GATES = ("input", "forget", "cell", "output")
#: TFLite input positions of the four input weights, recurrent weights and biases
_WEIGHTS, _RECURRENT, _BIASES = (1, 2, 3, 4), (5, 6, 7, 8), (12, 13, 14, 15)
#: the optional variants TFLite Micro's kernel refuses: (TFLite positions, name)
_VARIANTS = (((9, 10, 11), "peephole"), ((16, 17), "projection"),
             ((20, 21, 22, 23), "layer normalization"))
_OUTPUT_STATE, _CELL_STATE = 18, 19


def _shape(shapes, a):
    x, w = shapes[0], shapes[1]
    if len(x) != 3:
        raise ValueError(f"lstm input {x} must be [batch, time, features]")
    units = w[0]
    for k, s in enumerate(shapes[1:5]):
        if tuple(s) != (units, x[2]):
            raise ValueError(f"lstm input weights {s} of gate {GATES[k]} must be "
                             f"[{units}, {x[2]}]")
    for k, s in enumerate(shapes[5:9]):
        if tuple(s) != (units, units):
            raise ValueError(f"lstm recurrent weights {s} of gate {GATES[k]} must be "
                             f"[{units}, {units}]")
    for k, s in enumerate(shapes[9:13]):
        if tuple(s) != (units,):
            raise ValueError(f"lstm bias {s} of gate {GATES[k]} must be [{units}]")
    sequences_per_sample = x[1] if a["time_major"] else x[0]
    for s in shapes[13:15]:
        if tuple(s) != (sequences_per_sample, units):
            raise ValueError(f"lstm state {s} must be [{sequences_per_sample}, {units}]")
    return [(x[0], x[1], units)]


def sequences(x: np.ndarray, time_major: bool) -> np.ndarray:
    """A batched input ``[N, a, b, features]`` as independent sequences
    ``[sequences, time, features]``."""
    return np.ascontiguousarray(x.transpose(0, 2, 1, 3) if time_major else x) \
        .reshape(-1, x.shape[1 if time_major else 2], x.shape[3])


def unsequences(y: np.ndarray, n: int, a: int, b: int, time_major: bool) -> np.ndarray:
    """The inverse of :func:`sequences` for the outputs ``[sequences, time, units]``."""
    if time_major:
        return np.ascontiguousarray(y.reshape(n, b, a, -1).transpose(0, 2, 1, 3))
    return y.reshape(n, a, b, -1)


def batched_sample(x: np.ndarray, sample_shape) -> np.ndarray:
    """``x`` batched on axis 0 as ``[N, *sample_shape]`` (the graph shape has batch 1)."""
    return x.reshape(-1, *sample_shape)


def _sigmoid(v):
    with np.errstate(over="ignore"):
        return np.float32(1) / (np.float32(1) + np.exp(-v))


def _float(op, graph, args):
    """TFLite Micro's float LSTM: each gate is FC(x) + FC(h), then sigmoid (tanh for the
    cell gate); c = f*c + i*g, clipped to +-cell_clip when that is positive; h = tanh(c)*o."""
    a = attrs_of(op)
    shape = graph.tensors[op.inputs[0]].shape
    x = batched_sample(f32(args[0]), shape)
    seq = sequences(x, a["time_major"])
    w = [f32(args[k]) for k in range(1, 5)]
    r = [f32(args[k]) for k in range(5, 9)]
    b = [f32(args[k]) for k in range(9, 13)]
    units = w[0].shape[0]
    h, c = args[13].reshape(-1, units), args[14].reshape(-1, units)
    out = np.empty((seq.shape[0], seq.shape[1], units), np.float32)
    clip = np.float32(a["cell_clip"])
    for t in range(seq.shape[1]):
        gates = [seq[:, t] @ w[k].T + b[k] + h @ r[k].T for k in range(4)]
        i, f, o = _sigmoid(gates[0]), _sigmoid(gates[1]), _sigmoid(gates[3])
        g = np.tanh(gates[2])
        c = f * c + i * g
        if clip > 0:
            c = np.clip(c, -clip, clip)
        h = (np.tanh(c) * o).astype(np.float32)
        out[:, t] = h
    args[13].reshape(-1, units)[...] = h  # the state persists (updated in place)
    args[14].reshape(-1, units)[...] = c
    y = unsequences(out, x.shape[0], shape[0], shape[1], a["time_major"])
    return y.reshape(-1, shape[1], units)


def _from_tflite(imp, op) -> None:
    from .lstm_tflite import read_lstm

    read_lstm(imp, op, _WEIGHTS + _RECURRENT + _BIASES + (_OUTPUT_STATE, _CELL_STATE), _VARIANTS)


def _from_keras(ctx, inputs):
    from .lstm_keras import lstm_from_keras

    return lstm_from_keras(ctx, inputs)


def _macs(graph, op) -> int:
    """Per step and sequence, each gate's two dense layers: 4 * units * (features + units)."""
    x = graph.tensors[op.inputs[0]].shape
    units = graph.tensors[op.inputs[1]].shape[0]
    return x[0] * x[1] * 4 * units * (x[2] + units)


LSTM = register(OpDef(
    "lstm", ("x",) + tuple(f"{g}_weights" for g in GATES)
    + tuple(f"{g}_recurrent" for g in GATES) + tuple(f"{g}_bias" for g in GATES)
    + ("hidden_state", "cell_state"),
    {"time_major": Attr("bool", False), "cell_clip": Attr("float", 0.0)},
    _shape, doc="Unidirectional sequence LSTM (TFLite gate order input, forget, cell, output).",
    # post-training quantization: the TFLite converter's LSTM recipe (quant/lstm.py)
    pattern="opaque", quant="own", float_ref=_float, macs=_macs, stateful=True,
    tflite=("UNIDIRECTIONAL_SEQUENCE_LSTM",), from_tflite=_from_tflite,
    keras=("LSTM",), from_keras=_from_keras))

"""One Keras LSTM model quantized twice, by the TFLite converter (full int8) and by edgesmith's
post-training quantization on the same calibration samples, and the comparison of the two
results' parameters.

The calibrated ranges of the two differ in the last bits of float32: the converter calibrates
with TFLite's float kernels (Eigen's approximated tanh and logistic, its own summation order),
edgesmith with its float reference. Parameters computed from a calibrated range (the hidden
state's and the output's scale, the dense bias scale after them) may therefore differ by a few
float32 ulps; the cell state's power-of-two scale, every weight, the input format and the LSTM
biases are equal bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.helpers.converter import convert_keras2_lstm, keras2_lstm

#: largest difference of a calibrated float32 scale from the converter's, in ulps
SCALE_ULPS = 4


@dataclass
class Pair:
    keras2: object  # the tf_keras model
    h5: Path
    converted: Path  # the converter's full-int8 .tflite
    calibration: np.ndarray


def build_pair(units: int, steps: int, features: int, return_sequences: bool, seed: int,
               folder: Path) -> Pair:
    """A tf_keras LSTM + Flatten + Dense(3) with random weights and biases (Keras starts
    biases at 0 and 1), saved as .h5 and converted to full int8 on 32 normal samples."""
    rng = np.random.default_rng(seed)
    model = keras2_lstm(units, steps, features, return_sequences, seed=seed, flatten=True)
    model.set_weights([w + rng.normal(scale=0.3, size=w.shape).astype(np.float32)
                       for w in model.get_weights()])
    calibration = rng.normal(size=(32, steps, features)).astype(np.float32)
    h5 = folder / f"lstm{units}x{steps}.h5"
    model.save(h5)
    converted = convert_keras2_lstm(model, calibration, folder / f"lstm{units}x{steps}.tflite")
    return Pair(model, h5, converted, calibration)


def op_of(graph, op_type: str):
    ops = [op for op in graph.ops if op.type == op_type]
    assert len(ops) == 1, f"{len(ops)} {op_type} ops"
    return ops[0]


def ulps(a, b) -> int:
    """Largest distance in float32 ulps between two arrays of positive float32 scales."""
    a32 = np.asarray(a, np.float32).reshape(-1).view(np.int32).astype(np.int64)
    b32 = np.asarray(b, np.float32).reshape(-1).view(np.int32).astype(np.int64)
    return int(np.max(np.abs(a32 - b32)))


def assert_same_format(theirs, ours, exact: bool, what: str) -> None:
    assert theirs.fmt.bits == ours.fmt.bits and theirs.dtype == ours.dtype, what
    np.testing.assert_array_equal(ours.fmt.zero_point, theirs.fmt.zero_point, err_msg=what)
    if exact:
        np.testing.assert_array_equal(np.asarray(ours.fmt.scale, np.float32),
                                      np.asarray(theirs.fmt.scale, np.float32), err_msg=what)
    else:
        assert ulps(ours.fmt.scale, theirs.fmt.scale) <= SCALE_ULPS, what


def compare_lstm(theirs_graph, ours_graph) -> None:
    """Every parameter of the LSTM: input format, 8 weights, 4 biases, both states, output."""
    t, o = op_of(theirs_graph, "lstm"), op_of(ours_graph, "lstm")
    assert o.attrs["cell_clip"] == t.attrs["cell_clip"] == 10.0
    tensors = lambda g, op: [g.tensors[n] for n in op.inputs + op.outputs]  # noqa: E731
    for k, (a, b) in enumerate(zip(tensors(theirs_graph, t), tensors(ours_graph, o))):
        calibrated = k in (13, 15)  # hidden state and output: a calibrated range
        assert_same_format(a, b, exact=not calibrated, what=f"lstm tensor {k}")
        if a.data is not None:
            np.testing.assert_array_equal(b.data, a.data, err_msg=f"lstm tensor {k}")
    hidden, out = (ours_graph.tensors[n] for n in (o.inputs[13], o.outputs[0]))
    assert hidden.fmt == out.fmt


def compare_dense(theirs_graph, ours_graph) -> None:
    """The dense layer: its int8 weights and their per-channel scales equal; the bias scale
    (hidden scale x weight scale) and the output scale within SCALE_ULPS, bias codes within
    one (equal where the scales are equal)."""
    t, o = op_of(theirs_graph, "fully_connected"), op_of(ours_graph, "fully_connected")
    wt, wo = theirs_graph.tensors[t.inputs[1]], ours_graph.tensors[o.inputs[1]]
    np.testing.assert_array_equal(wo.data, wt.data)
    assert_same_format(wt, wo, exact=True, what="dense weights")
    bt, bo = theirs_graph.tensors[t.inputs[2]], ours_graph.tensors[o.inputs[2]]
    assert_same_format(bt, bo, exact=False, what="dense bias")
    diff = np.abs(bo.data.astype(np.int64) - bt.data)
    assert diff.max() <= (0 if ulps(bo.fmt.scale, bt.fmt.scale) == 0 else 1)
    assert_same_format(theirs_graph.tensors[t.outputs[0]], ours_graph.tensors[o.outputs[0]],
                       exact=False, what="dense output")

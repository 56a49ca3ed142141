"""Post-training int8 quantization of the LSTM, with the TFLite converter's recipe for its
8x8->16 LSTM (operator property of UNIDIRECTIONAL_SEQUENCE_LSTM, the MLIR quantizer's
``ConvertLstmStatsToQDQs``):

* input, output: int8 activations like any other; the hidden state shares the output's
  format (the converter quantizes both from the union of their ranges);
* cell state: int16, zero point 0, scale ``2^ceil(log2(peak)) / 32768`` with ``peak`` the
  larger magnitude of its calibrated range (a power of two: TFLite Micro's kernel shifts by
  its log2);
* weights: int8 symmetric per tensor in [-127, 127] (never per channel);
* biases: int32, scale input scale x the gate's input-weight scale;

all in the converter's float32 arithmetic (:mod:`.int8`).

The calibrated ranges come from :func:`..calibrate.calibrate`, which runs stateful graphs
as the converter's calibrator does (see there).
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import UnsupportedError
from ..ir import AffineFormat, Graph, Op, Tensor
from .calibrate import Range
from .int8 import converter_bias, quantize_weights


def merge_state_ranges(graph: Graph, ranges: dict[str, Range]) -> dict[str, Range]:
    """``ranges`` with each LSTM's hidden state and output merged (they share one format)."""
    out = dict(ranges)
    for op in graph.ops:
        if op.type == "lstm":
            hidden, y = op.inputs[13], op.outputs[0]
            both = out[hidden].merge(out[y])
            out[hidden] = out[y] = both
    return out


def cell_format(r: Range) -> AffineFormat:
    """int16 power-of-two format of a cell state whose calibrated range is ``r``."""
    peak = max(abs(min(r.lo, 0.0)), abs(max(r.hi, 0.0)))
    if not peak > 0:
        raise UnsupportedError("the LSTM cell state stays 0 on every calibration sample, so "
                               "it has no scale", hint="calibrate with inputs that drive the "
                                                       "LSTM (real data)")
    return AffineFormat([2.0 ** math.ceil(math.log2(peak)) / 32768.0], [0], bits=16)


def quantize_lstm(q: Graph, op: Op, ranges: dict[str, Range], weight_bits: int = 8) -> None:
    """Quantize ``op`` (an ``lstm`` of the int8 graph ``q``, activations already int8) in
    place: its constants, the hidden state in the output's format, the cell state int16."""
    where = op.origin or op.type
    if weight_bits != 8:
        raise UnsupportedError(f"{where}: the LSTM takes int8 weights only (TFLite Micro's "
                               f"integer LSTM), not {weight_bits}-bit",
                               hint="quantize without --weight-bits")
    x, y = q.tensors[op.inputs[0]], q.tensors[op.outputs[0]]
    for name in (op.inputs[0], op.outputs[0]):
        if q.tensors[name].fmt.bits != 8:
            raise UnsupportedError(f"{where}: the LSTM takes int8 activations only, "
                                   f"{name!r} is {q.tensors[name].fmt.bits}-bit")
    hidden, cell = q.tensors[op.inputs[13]], q.tensors[op.inputs[14]]
    hidden.fmt, hidden.dtype = y.fmt, "int8"
    cell.fmt, cell.dtype = cell_format(ranges[cell.name]), "int16"
    in_scale = x.fmt.scalar()[0]
    new_inputs = list(op.inputs)
    w_fmts = []
    for k in range(1, 9):
        data, fmt = quantize_weights(q.tensors[op.inputs[k]].data, None)
        new_inputs[k] = _constant(q, op.inputs[k], data, fmt)
        w_fmts.append(fmt)
    for gate, k in enumerate(range(9, 13)):
        data, fmt = converter_bias(q.tensors[op.inputs[k]].data, in_scale, w_fmts[gate])
        new_inputs[k] = _constant(q, op.inputs[k], data, fmt)
    op.inputs = new_inputs
    # TFLite Micro is the oracle of recurrent models: dense layers take its Q31 stage too
    q.meta["fc_output_stage"] = "q31"


def _constant(q: Graph, name: str, data: np.ndarray, fmt: AffineFormat) -> str:
    t = q.tensors[name]
    qt = q.add_tensor(Tensor(q.unique_name(f"{name}_q"), t.shape, str(data.dtype), fmt, data))
    return qt.name

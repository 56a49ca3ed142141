"""Integer parameters of the int8 LSTM, as TFLite Micro's ``Prepare`` computes them.

Each gate's two dense layers (input and recurrent) requantize their int32 sums to the
gates' fixed Q3.12 int16 scale (2^-12); the gate functions return Q0.15 (2^-15). The
three element-wise products are requantized like TFLite's MUL: forget x cell to the cell
scale, input x cell gate to the cell scale, tanh(cell) x output gate to the hidden
(output) int8 format. The cell tanh reads the cell state at scale 2^cell_power.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UnsupportedError
from ..ir import Graph, Op
from . import multiplier as mq
from .param_types import frozen_ints
from .params_int16_lut import checked_log2

#: the gates' int16 scales: Q3.12 before the gate function, Q0.15 after
GATE_INPUT_SCALE, GATE_OUTPUT_SCALE = 2.0 ** -12, 2.0 ** -15


@dataclass(frozen=True, eq=False)
class LstmParams:
    """Gate order input, forget, cell, output; ``gate_multiplier``/``gate_shift`` hold
    (input dense, recurrent dense) per gate, 8 entries."""

    input_offset: int
    hidden_offset: int
    gate_multiplier: np.ndarray
    gate_shift: np.ndarray
    forget_multiplier: int
    forget_shift: int
    input_multiplier: int
    input_shift: int
    hidden_multiplier: int
    hidden_shift: int
    hidden_zero_point: int
    #: the cell tanh's input stage: x * 3 * 2^shift (a rounding right shift below 0)
    cell_tanh_shift: int
    #: |cell| bound in cell-state units; 0: no clipping
    cell_clip: int


def cell_power(cell_scale: float) -> int:
    """log2 of the cell scale rounded to an integer in float32, as TFLite's CheckedLog2
    (TFLite Micro does not check that the scale is a power of two, so neither do we)."""
    return checked_log2(cell_scale)[0]


def quantized_cell_clip(cell_clip: float, cell_scale: float) -> int:
    """The clip bound in cell units: double division, clamped to int16, truncated."""
    if not cell_clip > 0:
        return 0
    return int(min(max(float(cell_clip) / float(cell_scale), -32768.0), 32767.0))


def _scalar(op: Op, graph: Graph, name: str) -> tuple[float, int]:
    fmt = graph.tensors[name].fmt
    if fmt is None or fmt.bits != 8 or fmt.per_channel:
        raise UnsupportedError(f"{op.origin or op.type}: tensor {name!r} must be int8 with "
                               "one scale (TFLite Micro's integer LSTM)")
    return fmt.scalar()


def lstm_params(op: Op, graph: Graph) -> LstmParams:
    in_scale, in_zp = _scalar(op, graph, op.inputs[0])
    h_scale, h_zp = _scalar(op, graph, op.outputs[0])
    mults, shifts = [], []
    for gate in range(4):
        for source, scale in ((op.inputs[1 + gate], in_scale), (op.inputs[5 + gate], h_scale)):
            w_scale, w_zp = _scalar(op, graph, source)
            if w_zp:
                raise UnsupportedError(f"{op.origin or op.type}: weights {source!r} must have "
                                       "zero point 0")
            m, s = mq.quantize_multiplier(float(scale) * float(w_scale) / GATE_INPUT_SCALE)
            mults.append(m)
            shifts.append(s)
    cell_fmt = graph.tensors[op.inputs[14]].fmt
    if cell_fmt is None or cell_fmt.bits != 16 or cell_fmt.per_channel:
        raise UnsupportedError(f"{op.origin or op.type}: the int8 LSTM needs an int16 cell "
                               "state with one scale")
    cell_scale = float(np.float32(cell_fmt.scalar()[0]))
    tanh_shift = 12 + cell_power(cell_scale)
    if not -15 <= tanh_shift <= 14:  # beyond, x * 3 * 2^shift leaves int32 (or rounds all away)
        raise UnsupportedError(f"{op.origin or op.type}: cell state scale {cell_scale!r} is out "
                               "of the int16 tanh's range (2^-27 .. 2^2)")
    forget = mq.quantize_multiplier(GATE_OUTPUT_SCALE * cell_scale / cell_scale)
    update = mq.quantize_multiplier(GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE / cell_scale)
    hidden = mq.quantize_multiplier(GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE / float(h_scale))
    return LstmParams(-in_zp, -h_zp, frozen_ints(mults), frozen_ints(shifts), *forget, *update,
                      *hidden, h_zp, tanh_shift,
                      quantized_cell_clip(op.attrs["cell_clip"], cell_scale))


BUILDERS = {"lstm": lstm_params}

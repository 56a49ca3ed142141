"""The int8 LSTM of the simulator: TFLite Micro's integer LSTM in the C++ module
(``_sim.lstm_s8``), over every sequence of the batch at once.

The hidden (int8) and cell (int16) states are the op's last two inputs, state tensors
batched one row per sample: the kernel starts from them and writes the final states back
in place, so they persist across invocations as in TFLite Micro.
"""

from __future__ import annotations

import numpy as np

from .. import _sim
from ..arith.params import compute_params
from ..arith.sigmoid_table import sigmoid_table
from ..ir import Graph, Op, with_defaults
from ..ir.ops.lstm import batched_sample, sequences, unsequences


def lstm_s8(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    a = with_defaults(op.type, op.attrs)
    shape = graph.tensors[op.inputs[0]].shape
    x = batched_sample(np.asarray(args[0], np.int8), shape)
    seq = sequences(x, a["time_major"])
    units = graph.tensors[op.inputs[1]].shape[0]
    w = np.ascontiguousarray(np.stack(args[1:5]), dtype=np.int8)
    r = np.ascontiguousarray(np.stack(args[5:9]), dtype=np.int8)
    b = np.ascontiguousarray(np.concatenate(args[9:13]), dtype=np.int32)
    hidden, cell = args[13], args[14]
    y, h, c = _sim.lstm_s8(
        seq, w, r, b, np.ascontiguousarray(hidden, np.int8).reshape(-1),
        np.ascontiguousarray(cell, np.int16).reshape(-1), sigmoid_table(),
        input_offset=p.input_offset, hidden_offset=p.hidden_offset,
        gate_multiplier=p.gate_multiplier, gate_shift=p.gate_shift,
        forget_multiplier=p.forget_multiplier, forget_shift=p.forget_shift,
        input_multiplier=p.input_multiplier, input_shift=p.input_shift,
        hidden_multiplier=p.hidden_multiplier, hidden_shift=p.hidden_shift,
        hidden_zero_point=p.hidden_zero_point, cell_tanh_shift=p.cell_tanh_shift,
        cell_clip=p.cell_clip)
    hidden.reshape(-1)[...] = h.reshape(-1)  # the state persists (updated in place)
    cell.reshape(-1)[...] = c.reshape(-1)
    out = unsequences(y, x.shape[0], shape[0], shape[1], a["time_major"])
    return out.reshape(-1, shape[1], units)


KERNELS = {"lstm": lstm_s8}

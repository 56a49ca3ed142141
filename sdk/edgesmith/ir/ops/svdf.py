"""svdf: TFLite's SVDF (singular value decomposition filter), a stateful op.

Each invocation shifts every filter's memory of ``memory`` past activations
one step left, writes the newest feature projection ``weights_feature @ x``
into the last slot, and returns, per unit, the sum over its ``rank`` filters
of ``memory . weights_time`` plus the bias. The memory is the state tensor
(input 4, ``[1, filters * memory]``, TFLite's variable tensor), which the op
updates in place and which persists across invocations.

Shapes: x ``[N, input]``, weights_feature ``[filters, input]``, weights_time
``[filters, memory]``, bias ``[units]`` (units = filters / rank), output ``[N, units]``.
"""

from __future__ import annotations

import numpy as np

from ...errors import ModelFormatError
from .base import ACTIVATIONS, Attr, OpDef, register
from .reference import apply_activation, attrs_of, f32
from .tflite_read import fused_activation, option, optional_input


def svdf_dims(graph, op) -> tuple[int, int, int, int]:
    """(input size, filters, memory, units) of an svdf op."""
    x, wt = graph.tensors[op.inputs[0]].shape, graph.tensors[op.inputs[2]].shape
    rank = attrs_of(op)["rank"]
    return int(x[1]), int(wt[0]), int(wt[1]), int(wt[0]) // rank


def _shape(shapes, a):
    x, wf, wt, state = shapes[0], shapes[1], shapes[2], shapes[-1]
    rank = a["rank"]
    if len(x) != 2 or len(wf) != 2 or wf[1] != x[1]:
        raise ValueError(f"svdf input {list(x)} does not fit weights_feature {list(wf)}")
    if len(wt) != 2 or wt[0] != wf[0]:
        raise ValueError(f"svdf weights_time {list(wt)} needs {wf[0]} filters")
    if wf[0] % rank:
        raise ValueError(f"svdf: {wf[0]} filters are not a multiple of rank {rank}")
    if len(state) != 2 or state[1] != wt[0] * wt[1]:
        raise ValueError(f"svdf state {list(state)} is not [1, filters * memory = "
                         f"{wt[0] * wt[1]}]")
    return [(x[0], wf[0] // rank)]


def shift_state(state: np.ndarray, filters: int, memory: int) -> np.ndarray:
    """The state as [N, filters, memory], every filter's memory moved one step left (the
    oldest value dropped; the last slot is overwritten next), in place."""
    s = state.reshape(state.shape[0], filters, memory)
    s[:, :, :-1] = s[:, :, 1:].copy()
    return s


def _float(op, graph, args):
    x, wf, wt, bias, state = f32(args[0]), f32(args[1]), f32(args[2]), args[3], args[4]
    _, filters, memory, units = svdf_dims(graph, op)
    s = shift_state(state, filters, memory)
    s[:, :, -1] = x @ wf.T
    per_filter = (s * wt).sum(axis=2, dtype=np.float32)
    y = per_filter.reshape(x.shape[0], units, -1).sum(axis=2, dtype=np.float32)
    if bias is not None:
        y = y + f32(bias)
    return apply_activation(y, attrs_of(op)["activation"])


def _macs(graph, op) -> int:
    size, filters, memory, _ = svdf_dims(graph, op)
    return filters * size + filters * memory


def _from_tflite(imp, op) -> None:
    if len(op.inputs) != 5 or op.inputs[4] < 0 or not imp.tflite(op.inputs[4]).is_variable:
        raise ModelFormatError(f"{imp.path}: {op.title}: input 4 must be the variable "
                               "(state) tensor")
    rank = int(option(op, "Rank", 1))
    if rank < 1:
        raise ModelFormatError(f"{imp.path}: {op.title}: rank {rank} must be >= 1")
    imp.emit(op, "svdf", [op.inputs[0], op.inputs[1], op.inputs[2], optional_input(op, 3),
                          op.inputs[4]],
             {"rank": rank, "activation": fused_activation(imp, op)})


SVDF = register(OpDef(
    "svdf", ("x", "weights_feature", "weights_time", "bias?", "state"),
    {"rank": Attr("int", 1), "activation": Attr("str", "none", ACTIVATIONS)}, _shape,
    doc="SVDF: a feature projection into a per-filter memory (state) weighted over time.",
    pattern="opaque", fuses_activation=False, float_ref=_float, tflite=("SVDF",),
    from_tflite=_from_tflite, macs=_macs, stateful=True))

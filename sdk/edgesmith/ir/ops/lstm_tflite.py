"""Reading UNIDIRECTIONAL_SEQUENCE_LSTM from TFLite: what TFLite Micro's kernel accepts.

TFLite Micro runs the standard LSTM only: all four gates (no CIFG), no peephole, no
projection, no layer normalization, tanh as the cell activation, the states as variable
tensors, int8 activations with int8 weights, int32 biases and an int16 cell state (or
float everywhere). Everything else is refused here with the reason.
"""

from __future__ import annotations

import numpy as np

from ...errors import ModelFormatError, UnsupportedError
from .tflite_read import option, optional_input

_TANH = 4  # TFLite ActivationFunctionType of the cell gate and the cell output


def _refuse(imp, op, what: str) -> UnsupportedError:
    return UnsupportedError(f"{imp.path}: {op.title}: {what}; edgesmith runs TFLite Micro's "
                            "LSTM: four gates, no peephole, projection or layer normalization, "
                            "tanh cell activation, int8 (int16 cell state) or float32")


def _state(imp, op, index: int, what: str):
    if index < 0:
        raise ModelFormatError(f"{imp.path}: {op.title} has no {what} input")
    t = imp.tflite(index)
    if t.data is not None:
        raise _refuse(imp, op, f"the {what} is a constant, not a variable tensor")
    return t


def _check_int8(imp, op, indices, cell) -> None:
    """Refuse what the integer kernel cannot run."""
    for k in indices[:8]:
        t = imp.tflite(k)
        if t.dtype != "int8" or t.scale is None or t.scale.size != 1 or np.any(t.zero_point):
            raise _refuse(imp, op, f"weights {t.name!r} must be int8 with one scale and zero "
                                   "point 0")
    for k in indices[8:12]:
        if imp.tflite(k).dtype != "int32":
            raise _refuse(imp, op, f"bias {imp.tflite(k).name!r} must be int32")
    if cell.dtype != "int16" or cell.scale is None or cell.scale.size != 1:
        raise _refuse(imp, op, f"the cell state is {cell.dtype}, not int16 with one scale")
    hidden, out = imp.tflite(indices[12]), imp.tflite(op.outputs[0])
    if hidden.dtype != "int8" or hidden.scale is None or out.scale is None \
            or float(hidden.scale[0]) != float(out.scale[0]) \
            or int(hidden.zero_point[0]) != int(out.zero_point[0]):
        raise _refuse(imp, op, "the output must have the hidden state's int8 format")


def read_lstm(imp, op, positions, variants) -> None:
    """Append the IR ``lstm`` of TFLite ``op`` (``positions``: the TFLite input positions of
    the weights, recurrent weights and biases in gate order, then the two states)."""
    if len(op.inputs) not in (20, 24):
        raise ModelFormatError(f"{imp.path}: {op.title} has {len(op.inputs)} inputs; "
                               "UNIDIRECTIONAL_SEQUENCE_LSTM has 20 or 24")
    indices = [optional_input(op, p) for p in positions]
    if any(k < 0 for k in indices[:12]):
        gate = "input gate (CIFG)" if indices[0] < 0 else "gate"
        raise _refuse(imp, op, f"the model leaves out the weights of a {gate}")
    for where, name in variants:
        if any(optional_input(op, p) >= 0 for p in where):
            raise _refuse(imp, op, f"{name} is not supported")
    if option(op, "FusedActivationFunction", _TANH) != _TANH:
        raise _refuse(imp, op, "the cell activation must be tanh")
    time_major = bool(option(op, "TimeMajor", False))
    cell_clip = float(np.float32(option(op, "CellClip", 0.0)))
    _state(imp, op, indices[12], "output state")
    cell = _state(imp, op, indices[13], "cell state")
    dtype = imp.tflite(op.inputs[0]).dtype
    if dtype == "int8":
        _check_int8(imp, op, indices, cell)
    elif dtype != "float32":
        raise _refuse(imp, op, f"{dtype} activations are not supported")
    # TFLite Micro is the oracle of recurrent models (LiteRT's integer LSTM rounds
    # differently), so the whole model follows its arithmetic, its dense layers' Q31 stage too
    imp.graph.meta["fc_output_stage"] = "q31"
    imp.emit(op, "lstm", [op.inputs[0]] + indices,
             {"time_major": time_major, "cell_clip": cell_clip})

"""fully_connected: a dense layer; the input is flattened to [N, features], weights
``[out_features, in_features]``. With ``keep_num_dims`` (TFLite's option, what the converter
writes for a Keras Dense on 3-D or 4-D inputs) it maps the last axis only and keeps the
others: [N, ..., features] to [N, ..., out_features]."""

from __future__ import annotations

from ...errors import UnsupportedError
from .base import ACTIVATIONS, Attr, OpDef, register
from .reference import attrs_of, bias_act, f32
from .tflite_read import fused_activation, option, optional_input


def _shape(shapes, a):
    x, w = shapes[0], shapes[1]
    if a.get("keep_num_dims"):
        if len(w) != 2 or w[1] != x[-1]:
            raise ValueError(f"fully_connected input {x} has {x[-1]} features per row, "
                             f"weights {w} expect {w[1] if len(w) == 2 else '?'}")
        return [(*x[:-1], w[0])]
    k = 1
    for d in x[1:]:
        k *= d
    if len(w) != 2 or w[1] != k:
        raise ValueError(f"fully_connected input {x} has {k} features, weights {w} expect "
                         f"{w[1] if len(w) == 2 else '?'}")
    return [(x[0], w[0])]


def _float(op, graph, args):
    x, w, a = f32(args[0]), f32(args[1]), attrs_of(op)
    if a["keep_num_dims"]:
        rows = bias_act(x.reshape(-1, x.shape[-1]) @ w.T, args, a)
        return rows.reshape(*x.shape[:-1], w.shape[0])
    return bias_act(x.reshape(x.shape[0], -1) @ w.T, args, a)


def _from_tflite(imp, op) -> None:
    if option(op, "WeightsFormat", 0) != 0:
        raise UnsupportedError(f"{imp.path}: {op.title}: shuffled weight formats are not supported")
    keep = bool(option(op, "KeepNumDims", False)) and len(imp.tflite(op.inputs[0]).shape) > 2
    imp.emit(op, "fully_connected", [op.inputs[0], op.inputs[1], optional_input(op, 2)],
             {"activation": fused_activation(imp, op), "keep_num_dims": keep})


FULLY_CONNECTED = register(OpDef(
    "fully_connected", ("x", "weights", "bias?"),
    {"activation": Attr("str", "none", ACTIVATIONS), "keep_num_dims": Attr("bool", False)},
    _shape, doc="Dense layer over the flattened input, or over the last axis (keep_num_dims).",
    pattern="mac", weight_axis=0, fuses_activation=True,
    float_ref=_float, tflite=("FULLY_CONNECTED",), from_tflite=_from_tflite, keras=("Dense",)))

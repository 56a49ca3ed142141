"""fully_connected: a dense layer; the input is flattened to [N, features], weights
``[out_features, in_features]``."""

from __future__ import annotations

from ...errors import UnsupportedError
from .base import ACTIVATIONS, Attr, OpDef, register
from .reference import attrs_of, bias_act, f32
from .tflite_read import fused_activation, option, optional_input


def _shape(shapes, a):
    x, w = shapes[0], shapes[1]
    k = 1
    for d in x[1:]:
        k *= d
    if len(w) != 2 or w[1] != k:
        raise ValueError(f"fully_connected input {x} has {k} features, weights {w} expect "
                         f"{w[1] if len(w) == 2 else '?'}")
    return [(x[0], w[0])]


def _float(op, graph, args):
    x, w = f32(args[0]), f32(args[1])
    return bias_act(x.reshape(x.shape[0], -1) @ w.T, args, attrs_of(op))


def _from_tflite(imp, op) -> None:
    if option(op, "WeightsFormat", 0) != 0:
        raise UnsupportedError(f"{imp.path}: {op.title}: shuffled weight formats are not supported")
    attrs = {"activation": fused_activation(imp, op)}
    if option(op, "KeepNumDims", False) and len(imp.tflite(op.outputs[0]).shape) != 2:
        _keep_num_dims(imp, op, attrs)
        return
    imp.emit(op, "fully_connected", [op.inputs[0], op.inputs[1], optional_input(op, 2)], attrs)


def _keep_num_dims(imp, op, attrs) -> None:
    """KEEP_NUM_DIMS (the dense layer after an LSTM): the same bytes as the flat dense
    layer, so it becomes fully_connected to [1, units] and a reshape to the kept shape."""
    from ...ir import Op, Tensor

    out = imp.tflite(op.outputs[0])
    if len(out.shape) < 2 or any(d != 1 for d in out.shape[:-1]):
        raise UnsupportedError(f"{imp.path}: {op.title}: keep_num_dims with output shape "
                               f"{list(out.shape)}; only a single row [1, .., 1, units] is "
                               "supported")
    final = imp.activation(op.outputs[0], f"{op.title} output")
    t = imp.graph.tensors[final]
    flat = imp.graph.unique_name(f"{final}/flat")
    imp.graph.add_tensor(Tensor(flat, (1, out.shape[-1]), t.dtype, t.fmt))
    names = [imp.operand(i, op, float_consumer=t.dtype == "float32") if i >= 0 else None
             for i in (op.inputs[0], op.inputs[1], optional_input(op, 2))]
    while names[-1] is None:
        names.pop()
    where = f"tflite {op.title}"
    imp.graph.add_op(Op("fully_connected", names, [flat], attrs, where))
    imp.graph.add_op(Op("reshape", [flat], [final], {"shape": tuple(out.shape)}, where))


FULLY_CONNECTED = register(OpDef(
    "fully_connected", ("x", "weights", "bias?"),
    {"activation": Attr("str", "none", ACTIVATIONS)}, _shape,
    doc="Dense layer; the input is flattened to [N, features].",
    pattern="mac", weight_axis=0, fuses_activation=True,
    float_ref=_float, tflite=("FULLY_CONNECTED",), from_tflite=_from_tflite, keras=("Dense",)))

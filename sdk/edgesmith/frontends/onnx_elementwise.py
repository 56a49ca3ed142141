"""ONNX activations, arithmetic, softmax and reductions as IR ops.

Elementwise ops keep their input's layout. A constant operand is rearranged to the layout
of the activation it meets; Div by a constant is a Mul by its reciprocal (the float result
may differ from a division in the last bit). HardSigmoid is built from ops the IR has:
``clamp(a*x + b, 0, 1) = relu6(6a*x + 6b) / 6``.
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from .onnx import node_attrs
from .onnx_layout import Value, const_in_layout

_UNARY = {"Relu": "relu", "Sigmoid": "logistic", "Tanh": "tanh", "HardSwish": "hard_swish"}
_BINARY = {"Add": "add", "Sub": "sub", "Mul": "mul", "Div": "mul"}


def unary(imp, node) -> None:
    x = imp.act(node.input[0])
    attrs = {"alpha": float(node_attrs(node).get("alpha", 0.01))} \
        if node.op_type == "LeakyRelu" else {}
    op_type = _UNARY.get(node.op_type, "leaky_relu")
    _define_like(imp, node, imp.emit(op_type, [x.name], attrs, node.output[0]), x)


def _define_like(imp, node, ir_name: str, like: Value) -> None:
    imp.define(node.output[0], imp.value(ir_name, like.perm, like.order))


def _with_const(imp, node, op_type: str, x: Value, c: np.ndarray, const_first: bool,
                tag: str = "") -> str:
    shape = np.broadcast_shapes(x.shape, c.shape) if c.ndim <= x.rank else None
    if shape != x.shape:
        raise UnsupportedError(f"{imp.node_title}: a constant of shape {list(c.shape)} that "
                               f"widens the input {list(x.shape)} is not supported")
    name = node.output[0] + tag
    k = imp.ir_const(f"{name}/const", const_in_layout(c.astype(np.float32), x))
    return imp.emit(op_type, [k, x.name] if const_first else [x.name, k], name=name)


def binary(imp, node) -> None:
    a_name, b_name = node.input[:2]
    op_type = _BINARY[node.op_type]
    if imp.is_const(a_name) or imp.is_const(b_name):
        const_first = imp.is_const(a_name)
        x = imp.act(b_name if const_first else a_name)
        c = imp.consts[a_name if const_first else b_name].astype(np.float64)
        if node.op_type == "Div":
            if const_first:
                raise UnsupportedError(f"{imp.node_title}: division of a constant by a "
                                       "computed value is not supported (only by constants)")
            c = 1.0 / c
        _define_like(imp, node, _with_const(imp, node, op_type, x, c, const_first), x)
        return
    if node.op_type == "Div":
        raise UnsupportedError(f"{imp.node_title}: Div of two computed values is not "
                               "supported (only division by constants)")
    a, b = imp.act(a_name), imp.act(b_name)
    if (a.perm, a.order, a.rank) != (b.perm, b.order, b.rank):
        if a.rank == b.rank == 4:
            a, b = imp.nhwc(a), imp.nhwc(b)
        else:
            a, b = imp.onnx_order(a), imp.onnx_order(b)
    out = imp.emit(op_type, [a.name, b.name], name=node.output[0])
    _define_like(imp, node, out, a if len(imp.builder.shape(out)) == a.rank else b)


def clip(imp, node) -> None:
    x = imp.act(node.input[0])
    bounds = [imp.const(node.input[i], "Clip bounds").astype(np.float64).reshape(())
              if len(node.input) > i and node.input[i] else None for i in (1, 2)]
    lo, hi = (None if v is None or not np.isfinite(v) else float(v) for v in bounds)
    fused = {(0.0, 6.0): "relu6", (0.0, None): "relu", (-1.0, 1.0): "relu_n1_to_1"}
    if (lo, hi) in fused:
        out = imp.emit(fused[(lo, hi)], [x.name], name=node.output[0])
    else:
        out = x.name
        for bound, op_type in ((lo, "maximum"), (hi, "minimum")):
            if bound is not None:
                k = imp.ir_const(f"{node.output[0]}/{op_type}", np.array([bound]))
                out = imp.emit(op_type, [out, k], name=node.output[0])
    _define_like(imp, node, out, x)


def hard_sigmoid(imp, node) -> None:
    a = node_attrs(node)
    alpha, beta = float(a.get("alpha", 0.2)), float(a.get("beta", 0.5))
    x = imp.act(node.input[0])
    name = node.output[0]
    scaled = imp.emit("mul", [x.name, imp.ir_const(f"{name}/6alpha", [6 * alpha])],
                      name=f"{name}/scaled")
    clamped = imp.emit("add", [scaled, imp.ir_const(f"{name}/6beta", [6 * beta])],
                       {"activation": "relu6"}, f"{name}/relu6")
    out = imp.emit("mul", [clamped, imp.ir_const(f"{name}/sixth", [1 / 6])], name=name)
    _define_like(imp, node, out, x)


def softmax(imp, node) -> None:
    """Softmax and LogSoftmax (opset 13: one axis), over the last IR axis."""
    op_type, attrs = ("softmax", {"beta": 1.0}) if node.op_type == "Softmax" \
        else ("log_softmax", {})
    x = imp.act(node.input[0])
    axis = int(node_attrs(node).get("axis", -1))
    axis = axis + x.rank if axis < 0 else axis
    if x.rank == 4 and axis == 1:
        x = imp.nhwc(x)
    if x.order and axis == 1:  # softmax does not mind the order of the features
        pass
    elif x.ir_axis(axis) != x.rank - 1:
        raise UnsupportedError(f"{imp.node_title}: {node.op_type} over axis {axis} of "
                               f"{list(x.shape)} is not supported (the last axis, or the "
                               "channels of an image)")
    _define_like(imp, node, imp.emit(op_type, [x.name], attrs, node.output[0]), x)


def reduce(imp, node) -> None:
    a = node_attrs(node)
    x = imp.act(node.input[0])
    if len(node.input) > 1 and node.input[1]:
        axes = imp.const(node.input[1], "reduction axes").reshape(-1).tolist()
    else:
        axes = a.get("axes", [])
    if not axes:
        raise UnsupportedError(f"{imp.node_title}: a reduction over every axis (the batch "
                               "too) is not supported; give the axes")
    axes = sorted({int(v) + x.rank if v < 0 else int(v) for v in axes})
    if 0 in axes:
        raise UnsupportedError(f"{imp.node_title}: reducing the batch axis is not supported")
    if x.order:
        x = imp.onnx_order(x)
    keep = bool(a.get("keepdims", 1))
    ir_axes = tuple(sorted(x.ir_axis(v) for v in axes))
    op_type = "mean" if node.op_type == "ReduceMean" else "reduce_max"
    out = imp.emit(op_type, [x.name], {"axes": ir_axes, "keepdims": keep}, node.output[0])
    perm = x.perm
    if perm and not keep:  # the kept axes, renumbered
        perm = tuple(p - sum(q < p for q in axes) for p in perm if p not in axes)
        perm = perm if perm != tuple(range(len(perm))) else None
    imp.define(node.output[0], imp.value(out, perm if perm != () else None))


CONVERTERS = {**{k: unary for k in (*_UNARY, "LeakyRelu")},
              **{k: binary for k in _BINARY}, "Clip": clip, "HardSigmoid": hard_sigmoid,
              "Softmax": softmax, "LogSoftmax": softmax, "ReduceMean": reduce,
              "ReduceMax": reduce}

"""Elementwise, activation, reduction, shape and conversion ops."""

from __future__ import annotations

from .base import ACTIVATIONS, Attr, OpSpec, broadcast_shapes, register


def _binary_shape(shapes, a):
    return [broadcast_shapes(shapes[0], shapes[1])]


def _reshape_shape(shapes, a):
    x, new = shapes[0], list(a["shape"])
    size = 1
    for d in x:
        size *= d
    if new.count(-1) == 1:
        known = 1
        for d in new:
            if d != -1:
                known *= d
        new[new.index(-1)] = size // known
    total = 1
    for d in new:
        total *= d
    if total != size:
        raise ValueError(f"cannot reshape {x} to {a['shape']}")
    return [tuple(new)]


def _mean_shape(shapes, a):
    x = shapes[0]
    axes = {ax % len(x) for ax in a["axes"]}
    if a["keepdims"]:
        return [tuple(1 if i in axes else d for i, d in enumerate(x))]
    return [tuple(d for i, d in enumerate(x) if i not in axes)]


def _pad_shape(shapes, a):
    x, pads = shapes[0], a["pads"]
    if len(pads) != len(x):
        raise ValueError(f"pad needs {len(x)} (before, after) pairs, got {len(pads)}")
    return [tuple(d + p[0] + p[1] for d, p in zip(x, pads))]


def _concat_shape(shapes, a):
    axis = a["axis"] % len(shapes[0])
    out = list(shapes[0])
    for s in shapes[1:]:
        if len(s) != len(out) or any(s[i] != out[i] for i in range(len(s)) if i != axis):
            raise ValueError(f"concat inputs {shapes} differ outside axis {axis}")
        out[axis] += s[axis]
    return [tuple(out)]


_act = {"activation": Attr("str", "none", ACTIVATIONS)}
register(OpSpec("add", ("a", "b"), dict(_act), _binary_shape, doc="a + b with broadcasting."))
register(OpSpec("mul", ("a", "b"), dict(_act), _binary_shape, doc="a * b with broadcasting."))
register(OpSpec("relu", ("x",), doc="max(x, 0)."))
register(OpSpec("relu6", ("x",), doc="min(max(x, 0), 6)."))
register(OpSpec("relu_n1_to_1", ("x",), doc="min(max(x, -1), 1)."))
register(OpSpec("logistic", ("x",), doc="Sigmoid 1 / (1 + exp(-x))."))
register(OpSpec("tanh", ("x",), doc="Hyperbolic tangent."))
register(OpSpec("softmax", ("x",), {"beta": Attr("float", 1.0)},
                doc="Softmax over the last axis of exp(beta * x)."))
register(OpSpec("mean", ("x",), {"axes": Attr("ints", required=True),
                                 "keepdims": Attr("bool", False)}, _mean_shape,
                doc="Mean over the given axes."))
register(OpSpec("reshape", ("x",), {"shape": Attr("ints", required=True)}, _reshape_shape,
                doc="View with a new shape (dimension 0 is the batch)."))
register(OpSpec("pad", ("x",), {"pads": Attr("pairs", required=True)}, _pad_shape,
                doc="Constant padding with real value 0 (the zero point when quantized)."))
register(OpSpec("concat", ("x",), {"axis": Attr("int", -1), **_act}, _concat_shape,
                variadic=True, doc="Concatenation along an axis."))
register(OpSpec("quantize", ("x",),
                doc="Float to integer, or integer to integer with a new format (requantize)."))
register(OpSpec("dequantize", ("x",), doc="Integer to float."))

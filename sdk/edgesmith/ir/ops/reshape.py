"""reshape: the same bytes under a new shape (dimension 0 is the batch). TFLite SQUEEZE and
EXPAND_DIMS are this view too: the reader takes the output shape the model declares."""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, register


def _shape(shapes, a):
    x, new = shapes[0], list(a["shape"])
    size = 1
    for d in x:
        size *= d
    if new.count(-1) == 1:
        known = 1
        for d in new:
            if d != -1:
                known *= d
        new[new.index(-1)] = size // known if known else 0
    total = 1
    for d in new:
        total *= d
    if total != size:
        raise ValueError(f"cannot reshape {x} to {a['shape']}")
    return [tuple(new)]


def _float(op, graph, args):
    x = np.asarray(args[0])
    # dimension 0 of the declared shape is the batch: it becomes the actual N
    return x.reshape((x.shape[0],) + tuple(op.attrs["shape"][1:]))


def _from_tflite(imp, op) -> None:
    shape = imp.tflite(op.outputs[0]).shape
    imp.emit(op, "reshape", op.inputs[:1], {"shape": tuple(int(d) for d in shape)})


RESHAPE = register(OpDef(
    "reshape", ("x",), {"shape": Attr("ints", required=True)}, _shape,
    doc="View with a new shape (dimension 0 is the batch).",
    pattern="injective", quant="shares", view=True, float_ref=_float,
    tflite=("RESHAPE", "SQUEEZE", "EXPAND_DIMS"), from_tflite=_from_tflite, keras=("Flatten", "Reshape")))

"""Shape arithmetic folded to constants at import.

Keras models saved without a fixed batch size compute their reshape targets at run time:
SHAPE of an activation, then STRIDED_SLICE / GATHER / REDUCE_PROD / CONCATENATION / PACK on
the int32 result. Every activation here has a batch of 1 and a static shape, so each such
value is a constant; folding them leaves the RESHAPE with a constant shape and no op that
edgesmith would have to refuse.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..errors import ModelFormatError
from ..ir.ops.slice_tflite import strided_slice_attrs
from ..ir.ops.tflite_read import option
from .tflite_reader import TflModel, TflOperator

_INTEGER = ("int32", "int64")


def fold_shape_arithmetic(model: TflModel) -> TflModel:
    """``model`` without the ops that only compute integer shapes: their outputs become
    constants (the model's tensors are updated, the operator list shortened)."""
    kept = []
    for op in model.operators:
        value = _value(model, op)
        if value is None:
            kept.append(op)
            continue
        out = model.tensors[op.outputs[0]]
        model.tensors[op.outputs[0]] = replace(out, data=value.astype(out.dtype),
                                               shape=tuple(value.shape))
    model.operators = kept
    return model


def _value(model: TflModel, op: TflOperator) -> np.ndarray | None:
    """The output of ``op`` when it is integer shape arithmetic on known values, else None."""
    if op.name not in _FOLDERS or len(op.outputs) != 1:
        return None
    if model.tensors[op.outputs[0]].dtype not in _INTEGER:
        return None
    if op.name == "SHAPE":
        return np.asarray(model.tensors[op.inputs[0]].shape, dtype=np.int64)
    args = [model.tensors[i].data if i >= 0 else None for i in op.inputs]
    if any(a is None for a in args):
        return None
    try:
        return np.asarray(_FOLDERS[op.name](op, [np.asarray(a, np.int64) for a in args]))
    except (ValueError, IndexError, ModelFormatError) as exc:
        raise ModelFormatError(f"{model.path}: {op.title}: its constant inputs do not fit "
                               f"({exc})") from None


def _strided_slice(op, args):
    x, begin, end, strides = args
    masks = {"begin": option(op, "BeginMask", 0), "end": option(op, "EndMask", 0),
             "shrink": option(op, "ShrinkAxisMask", 0)}
    if option(op, "EllipsisMask", 0) or option(op, "NewAxisMask", 0):
        raise ValueError("ellipsis and new-axis masks are not folded")
    a = strided_slice_attrs(x.shape, begin.reshape(-1), end.reshape(-1), strides.reshape(-1),
                            masks)
    picked = x[np.ix_(*[b + s * np.arange(n) for b, n, s in zip(a["begin"], a["size"],
                                                                  a["strides"])])]
    return picked.reshape([n for k, n in enumerate(picked.shape) if k not in a["shrink"]])


def _reduce_prod(op, args):
    x, axes = args
    axes = tuple(int(ax) % max(x.ndim, 1) for ax in axes.reshape(-1))
    return np.prod(x, axis=axes, keepdims=bool(option(op, "KeepDims", False)))


_FOLDERS = {
    "SHAPE": None,
    "STRIDED_SLICE": _strided_slice,
    "PACK": lambda op, args: np.stack(args, axis=option(op, "Axis", 0)),
    "CONCATENATION": lambda op, args: np.concatenate(args, axis=option(op, "Axis", 0)),
    "GATHER": lambda op, args: np.take(args[0], args[1], axis=option(op, "Axis", 0)),
    "REDUCE_PROD": _reduce_prod,
}

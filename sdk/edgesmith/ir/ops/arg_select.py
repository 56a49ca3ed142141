"""What arg_max and arg_min share: the index of the largest or smallest value along one
axis (the first one on ties), as int32 or int64, the type the model declares. TFLite's
int8 kernels compare raw values, which orders them as the reals they stand for."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from ..graph import Tensor
from .base import Attr, OpDef, register
from .reference import attrs_of
from .tflite_read import option

INDEX_TYPES = ("int32", "int64")
_TFLITE_INDEX_TYPES = {2: "int32", 4: "int64"}  # TensorType codes


def _shape(shapes, a):
    x = shapes[0]
    axis = a["axis"] % len(x)
    return [tuple(d for i, d in enumerate(x) if i != axis)]


def _reader(op_type: str):
    def read(imp, op) -> None:
        rank = len(imp.tflite(op.inputs[0]).shape)
        (axis,) = (int(a) % rank for a in imp.const_values(op, 1, "axis").reshape(-1))
        if axis == 0:
            raise UnsupportedError(f"{imp.path}: {op.title}: an index over the batch axis is "
                                   "not supported")
        out_type = _TFLITE_INDEX_TYPES.get(option(op, "OutputType", 4))
        out = imp.tflite(op.outputs[0])
        if out_type is None or out.dtype != out_type:
            raise UnsupportedError(f"{imp.path}: {op.title}: the index output must be int32 or "
                                   f"int64, got {out.dtype}")
        if (op.outputs[0], False) not in imp.names:  # an index tensor, no activation format
            imp.register(op.outputs[0], False, Tensor(out.name, out.shape, out_type, None))
        imp.emit(op, op_type, op.inputs[:1], {"axis": axis, "output_type": out_type})
    return read


def arg_op(name: str, builtin: str, pick) -> OpDef:
    """The definition of ``name``: ``pick`` (np.argmax or np.argmin) along ``axis``."""
    def _float(op, graph, args):
        a = attrs_of(op)
        return pick(np.asarray(args[0]), axis=a["axis"]).astype(a["output_type"])

    return register(OpDef(
        name, ("x",), {"axis": Attr("int", required=True),
                       "output_type": Attr("str", "int32", INDEX_TYPES)},
        _shape, doc=f"{pick.__name__} along one axis, as int32 or int64 indices.",
        pattern="reduction", quant="none", float_ref=_float, tflite=(builtin,),
        from_tflite=_reader(name)))

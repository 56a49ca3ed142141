"""Import a ``.tflite`` model as an edgesmith :class:`~edgesmith.ir.Graph`.

* int8 models become integer graphs: every tensor keeps its TFLite
  quantization as an :class:`~edgesmith.ir.AffineFormat` (per-channel along
  ``quantized_dimension``), weights and int32 biases stay constants.
* Float models become float graphs.
* Hybrid float models (float activations, int8 weights, e.g. the MLPerf Tiny
  ``kws_ref_model_float32.tflite``) are imported as float graphs whose int8
  weights are dequantized to float32 constants (``real = scale * (q - zp)``);
  ``graph.meta["hybrid"]`` is then True. LiteRT's hybrid kernels quantize
  activations on the fly, so such a graph matches them only within float
  tolerance.
* ``DEQUANTIZE`` of a constant (float16 or int8 weights) is folded into a
  float32 constant.
* Shape arithmetic (SHAPE and integer ops on its result: the reshapes of Keras models
  saved without a fixed batch) is folded to constants first (``tflite_fold``).

Constant operands that are really attributes (reshape shapes, pad paddings,
mean axes) become attrs; ``SAME``/``VALID`` padding becomes the explicit
``pads`` TFLite computes. Tensor names are the TFLite names, made unique;
``graph.meta["tflite_tensors"]`` maps each name to its TFLite tensor index.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ModelFormatError, UnsupportedError
from ..ir import AffineFormat, Graph, Op, Tensor, infer_shape, verify_graph, with_defaults
from .tflite_dilation import fold_space_to_batch_convolutions
from .tflite_float_island import fold_float_islands
from .tflite_fold import fold_shape_arithmetic
from .tflite_reader import TflModel, TflOperator, TflTensor, read_tflite
from ..ir.ops import tflite_builtins, tflite_op

_ACTIVATION_DTYPES = ("float32", "int8", "int16")
#: dtypes of variable (state) tensors
_STATE_DTYPES = ("float32", "int8", "int16")
#: integer types that only the conversions at a model's edges read or write (a uint8
#: camera input, the int32 output of an int16 model): quantize and dequantize convert them
_EDGE_DTYPES = ("uint8", "int32")


def load_tflite(path: str | Path) -> Graph:
    """Read a single-subgraph ``.tflite`` file into a verified graph.

    Raises :class:`ModelFormatError` for a truncated or malformed file and
    :class:`UnsupportedError` for an operator, dtype or attribute edgesmith
    does not support (the message names the file, the op index and type, and
    lists the supported ops).
    """
    model = fold_float_islands(
        fold_space_to_batch_convolutions(fold_shape_arithmetic(read_tflite(path))))
    graph = _Importer(model).run()
    verify_graph(graph)
    return graph


def supported_ops_text() -> str:
    return ", ".join(tflite_builtins())


class _Importer:
    def __init__(self, model: TflModel):
        self.model = model
        self.path = model.path
        self.graph = Graph(model.path.stem, meta={"source": "tflite", "path": str(model.path),
                                                  "hybrid": False, "tflite_version": model.version})
        #: (TFLite tensor index, as float32?) -> IR tensor name
        self.names: dict[tuple[int, bool], str] = {}
        self.index_of: dict[str, int] = {}

    # -- driver -------------------------------------------------------------
    def run(self) -> Graph:
        for op in self.model.operators:  # refuse before doing any work
            if tflite_op(op.name) is None:
                hint = ("a model compiled for an accelerator (e.g. by Vela) must be imported "
                        "from its uncompiled .tflite") if op.name == "CUSTOM" else None
                raise UnsupportedError(f"{self.path}: {op.title} is not supported; supported "
                                       f"TFLite ops: {supported_ops_text()}", hint=hint)
        for index in self.model.inputs:
            self.graph.inputs.append(self.activation(index, f"model input {index}"))
        for op in self.model.operators:
            tflite_op(op.name).from_tflite(self, op)
        for index in self.model.outputs:
            if (index, False) not in self.names:
                raise ModelFormatError(f"{self.path}: model output tensor {index} is never written")
            self.graph.outputs.append(self.names[(index, False)])
        self.graph.meta["tflite_tensors"] = dict(self.index_of)
        return self.graph

    # -- tensors ------------------------------------------------------------
    def tflite(self, index: int) -> TflTensor:
        return self.model.tensors[index]

    def register(self, index: int, as_float: bool, tensor: Tensor) -> str:
        tensor.name = self.graph.unique_name(tensor.name)
        self.graph.add_tensor(tensor)
        self.names[(index, as_float)] = tensor.name
        self.index_of.setdefault(tensor.name, index)
        return tensor.name

    def activation(self, index: int, where: str) -> str:
        """The IR name of activation tensor ``index`` (created on first use)."""
        if (index, False) in self.names:
            return self.names[(index, False)]
        t = self.tflite(index)
        if t.dtype not in _ACTIVATION_DTYPES + _EDGE_DTYPES:
            raise UnsupportedError(f"{self.path}: {where}: tensor {t.name!r} is {t.dtype}; "
                                   f"edgesmith runs {', '.join(_ACTIVATION_DTYPES)} activations "
                                   f"({', '.join(_EDGE_DTYPES)} only into QUANTIZE or "
                                   "DEQUANTIZE)")
        shape = t.shape
        if len(shape) == 0 or shape[0] != 1:
            raise UnsupportedError(f"{self.path}: {where}: tensor {t.name!r} has shape "
                                   f"{list(shape)}; activations need a leading batch dimension "
                                   "of 1")
        fmt = self.format(t, where) if t.dtype != "float32" else None
        if t.dtype != "float32" and fmt is None:
            raise UnsupportedError(f"{self.path}: {where}: {t.dtype} tensor {t.name!r} has no "
                                   "quantization parameters")
        return self.register(index, False, Tensor(t.name, shape, t.dtype, fmt))

    def operand(self, index: int, op: TflOperator, *, float_consumer: bool) -> str:
        """The IR name of an op input: an activation, or a constant (dequantized
        to float32 when a float op reads an integer constant)."""
        t = self.tflite(index)
        if t.data is None and t.is_variable:
            return self.state(index, op)
        if t.data is None:
            if (index, False) not in self.names:
                raise ModelFormatError(f"{self.path}: {op.title} reads tensor {t.name!r} "
                                       "before any op writes it")
            return self.names[(index, False)]
        as_float = float_consumer and t.dtype != "float32"
        if (index, as_float) in self.names:
            return self.names[(index, as_float)]
        if as_float:
            data, fmt = self.dequantized(t, op), None
            self.graph.meta["hybrid"] = True
        elif t.dtype == "float16":
            raise UnsupportedError(f"{self.path}: {op.title}: float16 constant {t.name!r} is "
                                   "only supported behind a DEQUANTIZE")
        else:
            data, fmt = t.data, self.format(t, op.title)
        # np.require keeps a 0-d constant 0-d (np.ascontiguousarray makes it 1-d)
        return self.register(index, as_float, Tensor(t.name, tuple(data.shape), str(data.dtype),
                                                      fmt, np.require(data, requirements="C")))

    def state(self, index: int, op: TflOperator) -> str:
        """The IR name of variable tensor ``index``: persistent state, batch-major like an
        activation (one copy per model instance)."""
        if (index, False) in self.names:
            return self.names[(index, False)]
        t = self.tflite(index)
        if t.dtype not in _STATE_DTYPES or not t.shape or t.shape[0] != 1:
            raise UnsupportedError(f"{self.path}: {op.title}: state tensor {t.name!r} is "
                                   f"{t.dtype} {list(t.shape)}; edgesmith keeps "
                                   f"{', '.join(_STATE_DTYPES)} state with a leading batch of 1")
        fmt = self.format(t, op.title)
        if t.dtype != "float32" and fmt is None:
            raise UnsupportedError(f"{self.path}: {op.title}: integer state tensor {t.name!r} "
                                   "has no quantization parameters")
        return self.register(index, False, Tensor(t.name, t.shape, t.dtype, fmt, variable=True))

    def format(self, t: TflTensor, where: str) -> AffineFormat | None:
        if t.scale is None or t.dtype not in ("int8", "uint8", "int16", "int32"):
            return None
        axis = None
        if t.scale.size > 1:
            axis = t.quantized_dimension
            if axis >= len(t.shape) and len(t.shape) == 1:
                axis = 0  # some converters tag 1-D per-channel biases with the filter's axis
        bits = {"int8": 8, "uint8": 8, "int16": 16, "int32": 32}[t.dtype]
        try:
            return AffineFormat(t.scale, t.zero_point, axis=axis, bits=bits,
                                signed=t.dtype != "uint8")
        except ValueError as exc:
            raise ModelFormatError(f"{self.path}: {where}: tensor {t.name!r} has invalid "
                                   f"quantization parameters: {exc}") from None

    def dequantized(self, t: TflTensor, op: TflOperator) -> np.ndarray:
        if t.dtype == "float16":
            return t.data.astype(np.float32)
        fmt = self.format(t, op.title)
        if fmt is None:
            raise UnsupportedError(f"{self.path}: {op.title}: float op reads integer constant "
                                   f"{t.name!r} that has no quantization parameters")
        shape = [1] * t.data.ndim
        if fmt.per_channel:
            shape[fmt.axis] = -1
        real = (t.data.astype(np.float64) - fmt.zero_point.reshape(shape)) \
            * fmt.scale.astype(np.float64).reshape(shape)
        return real.astype(np.float32)

    def refuse_edge_dtypes(self, op: TflOperator, op_type: str, names: list[str]) -> None:
        """uint8 and int16 activations only enter or leave quantize and dequantize."""
        if op_type in ("quantize", "dequantize"):
            return
        for name in names:
            t = self.graph.tensors[name]
            if not t.is_const and not t.variable and t.dtype in _EDGE_DTYPES \
                    and t.fmt is not None:  # (an int32 index output has no format)
                raise UnsupportedError(f"{self.path}: {op.title}: tensor {name!r} is {t.dtype}; "
                                       f"edgesmith runs {' and '.join(_ACTIVATION_DTYPES)} "
                                       f"activations ({', '.join(_EDGE_DTYPES)} only into "
                                       "QUANTIZE or DEQUANTIZE)")

    def const_values(self, op: TflOperator, position: int, what: str) -> np.ndarray:
        if position >= len(op.inputs) or op.inputs[position] < 0:
            raise ModelFormatError(f"{self.path}: {op.title} has no {what} input")
        data = self.tflite(op.inputs[position]).data
        if data is None:
            raise UnsupportedError(f"{self.path}: {op.title}: the {what} must be a constant")
        return data

    # -- ops ----------------------------------------------------------------
    def emit(self, op: TflOperator, op_type: str, inputs: list[int], attrs: dict) -> None:
        """Append ``op_type`` reading TFLite tensors ``inputs`` (-1 = absent)."""
        where = f"tflite {op.title}"
        first = self.tflite(inputs[0])
        float_op = first.dtype == "float32" and op_type != "quantize"
        names = [self.operand(i, op, float_consumer=float_op) if i >= 0 else None for i in inputs]
        while names and names[-1] is None:
            names.pop()
        (out_index,) = op.outputs
        out_name = self.activation(out_index, f"{op.title} output")
        self.refuse_edge_dtypes(op, op_type, [n for n in names if n is not None] + [out_name])
        attrs = with_defaults(op_type, attrs)
        shapes = [self.graph.tensors[n].shape for n in names if n is not None]
        try:
            (inferred,) = infer_shape(op_type, shapes, attrs)
        except (ValueError, IndexError, KeyError) as exc:
            raise UnsupportedError(f"{self.path}: {op.title}: {exc}") from None
        declared = self.graph.tensors[out_name].shape
        if tuple(inferred) != tuple(declared):
            raise UnsupportedError(f"{self.path}: {op.title}: output shape {list(declared)} "
                                   f"differs from the {op_type} rule's {list(inferred)}")
        self.graph.add_op(Op(op_type, names, [out_name], attrs, where))

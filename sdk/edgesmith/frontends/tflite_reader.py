"""Read a ``.tflite`` flatbuffer into plain Python records.

The `tflite` package gives lazy accessors over the flatbuffer; a truncated or
corrupt file shows up there as a random ``IndexError`` or ``struct.error`` deep
inside an accessor. This module reads everything the importer needs once,
up front, and turns any such failure into a :class:`ModelFormatError` naming
the file. The importer (:mod:`edgesmith.frontends.tflite`) then works on the
records below and never touches the flatbuffer.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tflite
from tflite.utils import BUILTIN_OPCODE2NAME

from ..errors import ModelFormatError, ResourceLimitError, UnsupportedError

#: TFLite TensorType code -> NumPy dtype name (types edgesmith can hold at all)
TENSOR_DTYPES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 6: "bool",
                 7: "int16", 9: "int8"}
_TYPE_NAMES = {v: k for k, v in vars(tflite.TensorType).items() if k.isupper()}

#: builtin op name -> options class of the `tflite` package
_OPTION_CLASSES = {
    "CONV_2D": tflite.Conv2DOptions, "DEPTHWISE_CONV_2D": tflite.DepthwiseConv2DOptions,
    "FULLY_CONNECTED": tflite.FullyConnectedOptions, "AVERAGE_POOL_2D": tflite.Pool2DOptions,
    "MAX_POOL_2D": tflite.Pool2DOptions, "ADD": tflite.AddOptions, "MUL": tflite.MulOptions,
    "SOFTMAX": tflite.SoftmaxOptions, "MEAN": tflite.ReducerOptions,
    "CONCATENATION": tflite.ConcatenationOptions, "RESHAPE": tflite.ReshapeOptions,
    "STRIDED_SLICE": tflite.StridedSliceOptions, "UNPACK": tflite.UnpackOptions,
    "PACK": tflite.PackOptions, "REDUCE_PROD": tflite.ReducerOptions,
    "GATHER": tflite.GatherOptions,
    "MIRROR_PAD": tflite.MirrorPadOptions, "DEPTH_TO_SPACE": tflite.DepthToSpaceOptions,
    "SPACE_TO_DEPTH": tflite.SpaceToDepthOptions,
    "RESIZE_NEAREST_NEIGHBOR": tflite.ResizeNearestNeighborOptions,
    "SUB": tflite.SubOptions, "LEAKY_RELU": tflite.LeakyReluOptions,
    "REDUCE_MAX": tflite.ReducerOptions, "REDUCE_MIN": tflite.ReducerOptions,
    "UNIDIRECTIONAL_SEQUENCE_LSTM": tflite.UnidirectionalSequenceLSTMOptions,
    "SVDF": tflite.SVDFOptions,
    "L2_NORMALIZATION": tflite.L2NormOptions,
    "ARG_MAX": tflite.ArgMaxOptions, "ARG_MIN": tflite.ArgMinOptions,
    "SUM": tflite.ReducerOptions, "RESIZE_BILINEAR": tflite.ResizeBilinearOptions,
    "BATCH_MATMUL": tflite.BatchMatMulOptions, "TRANSPOSE_CONV": tflite.TransposeConvOptions,
}


@dataclass
class TflTensor:
    index: int
    name: str
    shape: tuple[int, ...]
    dtype: str
    #: quantization parameters; None when the tensor has none
    scale: np.ndarray | None
    zero_point: np.ndarray | None
    quantized_dimension: int
    #: constant contents (typed and shaped), None for activations
    data: np.ndarray | None
    #: TFLite's is_variable: state an op reads and updates across invocations
    is_variable: bool = False


@dataclass
class TflOperator:
    index: int
    #: builtin name ("CONV_2D") or "CUSTOM"
    name: str
    custom_code: str | None
    inputs: list[int]
    outputs: list[int]
    #: the builtin options object of the `tflite` package, or None
    options: Any

    @property
    def title(self) -> str:
        custom = f" (custom code {self.custom_code!r})" if self.custom_code else ""
        return f"op {self.index} {self.name}{custom}"


@dataclass
class TflModel:
    path: Path
    version: int
    tensors: list[TflTensor]
    operators: list[TflOperator]
    inputs: list[int]
    outputs: list[int]


def read_tflite(path: str | Path) -> TflModel:
    """Parse ``path``; raise :class:`ModelFormatError` if it is not a readable TFLite model."""
    path = Path(path)
    try:
        buf = path.read_bytes()
    except OSError as exc:
        raise ModelFormatError(f"{path}: cannot read the model file ({exc.strerror})") from None
    if len(buf) < 8 or not tflite.Model.ModelBufferHasIdentifier(buf, 0):
        raise ModelFormatError(f"{path}: not a TFLite flatbuffer (no 'TFL3' identifier)",
                               hint="expected a .tflite file written by the TFLite converter")
    from .tflite_verify import verify_tflite  # it imports this module's tables

    try:
        verify_tflite(path, buf)
        return _read_model(path, buf)
    except (ModelFormatError, UnsupportedError, ResourceLimitError):
        raise
    except (IndexError, struct.error, ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise ModelFormatError(f"{path}: truncated or malformed TFLite file "
                               f"({type(exc).__name__}: {exc})") from None


def _read_model(path: Path, buf: bytes) -> TflModel:
    model = tflite.Model.GetRootAsModel(buf, 0)
    n_sub = model.SubgraphsLength()
    if n_sub != 1:
        raise UnsupportedError(
            f"{path}: the model has {n_sub} subgraphs; edgesmith imports single-subgraph models "
            "only (no control flow: WHILE, IF, CALL_ONCE)")
    sg = model.Subgraphs(0)
    tensors = [_read_tensor(path, buf, model, sg.Tensors(i), i) for i in range(sg.TensorsLength())]
    codes = [_opcode(model.OperatorCodes(i)) for i in range(model.OperatorCodesLength())]
    ops = []
    for i in range(sg.OperatorsLength()):
        op = sg.Operators(i)
        name, custom = codes[op.OpcodeIndex()]
        options = None
        if name in _OPTION_CLASSES and op.BuiltinOptions() is not None:
            table = op.BuiltinOptions()
            options = _OPTION_CLASSES[name]()
            options.Init(table.Bytes, table.Pos)
        ops.append(TflOperator(i, name, custom, _ints(op.InputsAsNumpy()),
                               _ints(op.OutputsAsNumpy()), options))
    for op in ops:
        for t in op.inputs + op.outputs:
            if t >= len(tensors):
                raise ModelFormatError(f"{path}: {op.title} refers to tensor {t}, "
                                       f"but the model has {len(tensors)}")
    return TflModel(path, model.Version(), tensors, ops, _ints(sg.InputsAsNumpy()),
                    _ints(sg.OutputsAsNumpy()))


def _ints(values) -> list[int]:
    # the accessors return 0 (not an empty array) for an absent vector
    return [] if isinstance(values, int) else [int(v) for v in values]


def _opcode(code) -> tuple[str, str | None]:
    # Codes below 127 may live in the deprecated byte field only.
    builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
    name = BUILTIN_OPCODE2NAME.get(builtin, f"BUILTIN_{builtin}")
    custom = code.CustomCode()
    return name, custom.decode("utf-8", "replace") if custom else None


def _read_tensor(path: Path, buf: bytes, model, t, index: int) -> TflTensor:
    name = (t.Name() or b"").decode("utf-8", "replace") or f"tensor_{index}"
    shape = tuple(_ints(t.ShapeAsNumpy()))
    type_code = t.Type()
    dtype = TENSOR_DTYPES.get(type_code, _TYPE_NAMES.get(type_code, f"type{type_code}"))
    scale = zero_point = None
    qdim = 0
    q = t.Quantization()
    if q is not None and q.ScaleLength() > 0:
        scale = q.ScaleAsNumpy().astype(np.float32)
        zero_point = (q.ZeroPointAsNumpy().astype(np.int64) if q.ZeroPointLength() > 0
                      else np.zeros(scale.size, np.int64))
        qdim = q.QuantizedDimension()
    data = _buffer_data(path, buf, model, t.Buffer(), shape, dtype, name)
    return TflTensor(index, name, shape, dtype, scale, zero_point, qdim, data,
                     bool(t.IsVariable()))


def _buffer_data(path: Path, buf: bytes, model, buffer_index: int, shape, dtype: str,
                 name: str) -> np.ndarray | None:
    if buffer_index == 0 or buffer_index >= model.BuffersLength():
        return None  # buffer 0 is the empty sentinel of every activation
    b = model.Buffers(buffer_index)
    offset = b.Offset()
    if offset > 1:  # large models keep buffers after the flatbuffer, addressed by offset
        raw = buf[offset:offset + b.Size()]
        if len(raw) != b.Size():
            raise ModelFormatError(f"{path}: buffer of tensor {name!r} runs past the end of file")
    else:
        if b.DataLength() == 0:
            return None
        raw = b.DataAsNumpy().tobytes()
    if dtype not in TENSOR_DTYPES.values():
        raise UnsupportedError(f"{path}: constant tensor {name!r} has dtype {dtype}, "
                               f"which edgesmith cannot hold")
    expected = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
    if len(raw) != expected:
        raise ModelFormatError(f"{path}: tensor {name!r} of shape {list(shape)} ({dtype}) "
                               f"needs {expected} bytes, its buffer holds {len(raw)}")
    return np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype).reshape(shape)

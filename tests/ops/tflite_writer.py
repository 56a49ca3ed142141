"""Write tiny ``.tflite`` models (one subgraph, a few ops) for op tests.

Built with the flatbuffer builders of the `tflite` package, so the tests can
hand LiteRT exactly the formats, zero points and options they want to probe.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import flatbuffers
import numpy as np
import tflite
from tflite.utils import BUILTIN_OPCODE2NAME

_OPCODES = {name: code for code, name in BUILTIN_OPCODE2NAME.items()}
_TYPES = {"float32": 0, "float16": 1, "int32": 2, "uint8": 3, "int16": 7, "int8": 9}


@dataclass
class T:
    """One tensor: shape, dtype, optional quantization and constant data."""

    shape: tuple
    dtype: str = "int8"
    scale: list | None = None
    zero_point: list | None = None
    axis: int = 0
    data: np.ndarray | None = None
    name: str = ""
    #: TFLite's is_variable (state an op updates across invocations)
    variable: bool = False


@dataclass
class OpSpec:
    name: str
    inputs: list[int]
    outputs: list[int]
    #: (options table name, {field: value}), e.g. ("Conv2DOptions", {"StrideW": 1})
    options: tuple | None = None
    custom_code: str | None = None


@dataclass
class ModelSpec:
    tensors: list[T]
    ops: list[OpSpec]
    inputs: list[int]
    outputs: list[int]
    subgraphs: int = 1
    extra: dict = field(default_factory=dict)


def _module(name: str):
    return importlib.import_module(f"tflite.{name}")


def _int_vector(b: flatbuffers.Builder, values) -> int:
    return b.CreateNumpyVector(np.asarray(values, dtype=np.int32))


def _table_vector(b: flatbuffers.Builder, offsets: list[int]) -> int:
    b.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    return b.EndVector()


def _tensor(b: flatbuffers.Builder, t: T, index: int, buffer: int) -> int:
    name = b.CreateString(t.name or f"t{index}")
    shape = _int_vector(b, t.shape)
    quant = None
    if t.scale is not None:
        q = _module("QuantizationParameters")
        scale = b.CreateNumpyVector(np.asarray(t.scale, dtype=np.float32))
        zp = b.CreateNumpyVector(np.asarray(t.zero_point or [0] * len(t.scale), dtype=np.int64))
        q.Start(b)
        q.AddScale(b, scale)
        q.AddZeroPoint(b, zp)
        q.AddQuantizedDimension(b, t.axis)
        quant = q.End(b)
    m = _module("Tensor")
    m.Start(b)
    m.AddShape(b, shape)
    m.AddType(b, _TYPES[t.dtype])
    m.AddBuffer(b, buffer)
    m.AddName(b, name)
    if quant is not None:
        m.AddQuantization(b, quant)
    if t.variable:
        m.AddIsVariable(b, True)
    return m.End(b)


def _operator(b: flatbuffers.Builder, op: OpSpec, opcode_index: int) -> int:
    options = None
    if op.options is not None:
        table, values = op.options
        mod = _module(table)
        mod.Start(b)
        for key, value in values.items():
            getattr(mod, "Add" + key)(b, value)
        options = mod.End(b)
    inputs, outputs = _int_vector(b, op.inputs), _int_vector(b, op.outputs)
    m = _module("Operator")
    m.Start(b)
    m.AddOpcodeIndex(b, opcode_index)
    m.AddInputs(b, inputs)
    m.AddOutputs(b, outputs)
    if options is not None:
        m.AddBuiltinOptionsType(b, getattr(tflite.BuiltinOptions, op.options[0]))
        m.AddBuiltinOptions(b, options)
    return m.End(b)


def _opcode(b: flatbuffers.Builder, op: OpSpec) -> int:
    code = 32 if op.custom_code else _OPCODES[op.name]  # 32 is CUSTOM
    custom = b.CreateString(op.custom_code) if op.custom_code else None
    m = _module("OperatorCode")
    m.Start(b)
    m.AddDeprecatedBuiltinCode(b, min(code, 127))
    m.AddBuiltinCode(b, code)
    m.AddVersion(b, 1)
    if custom is not None:
        m.AddCustomCode(b, custom)
    return m.End(b)


def _buffer(b: flatbuffers.Builder, data: np.ndarray | None) -> int:
    raw = None if data is None else b.CreateNumpyVector(
        np.frombuffer(np.ascontiguousarray(data).tobytes(), dtype=np.uint8))
    m = _module("Buffer")
    m.Start(b)
    if raw is not None:
        m.AddData(b, raw)
    return m.End(b)


def write_model(spec: ModelSpec) -> bytes:
    """The flatbuffer bytes of ``spec`` (buffer 0 is the empty sentinel)."""
    b = flatbuffers.Builder(1024)
    buffers = [_buffer(b, None)]
    tensor_buffers = []
    for t in spec.tensors:
        if t.data is None:
            tensor_buffers.append(0)
        else:
            buffers.append(_buffer(b, np.asarray(t.data, dtype=t.dtype)))
            tensor_buffers.append(len(buffers) - 1)
    kinds = []
    for op in spec.ops:
        if (op.name, op.custom_code) not in kinds:
            kinds.append((op.name, op.custom_code))
    opcodes = [_opcode(b, next(o for o in spec.ops if (o.name, o.custom_code) == k))
               for k in kinds]
    subgraphs = []
    for _ in range(spec.subgraphs):
        tensors = [_tensor(b, t, i, tensor_buffers[i]) for i, t in enumerate(spec.tensors)]
        ops = [_operator(b, op, kinds.index((op.name, op.custom_code))) for op in spec.ops]
        tv, ov = _table_vector(b, tensors), _table_vector(b, ops)
        iv, outv = _int_vector(b, spec.inputs), _int_vector(b, spec.outputs)
        sg = _module("SubGraph")
        sg.Start(b)
        sg.AddTensors(b, tv)
        sg.AddInputs(b, iv)
        sg.AddOutputs(b, outv)
        sg.AddOperators(b, ov)
        subgraphs.append(sg.End(b))
    codes_v, sub_v, buf_v = (_table_vector(b, opcodes), _table_vector(b, subgraphs),
                             _table_vector(b, buffers))
    desc = b.CreateString("edgesmith test model")
    m = _module("Model")
    m.Start(b)
    m.AddVersion(b, 3)
    m.AddOperatorCodes(b, codes_v)
    m.AddSubgraphs(b, sub_v)
    m.AddDescription(b, desc)
    m.AddBuffers(b, buf_v)
    b.Finish(m.End(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def single_op(op: str, inputs: list[T], outputs: list[T], options: tuple | None = None) -> bytes:
    """A model of one op; activation inputs (no data) become the model inputs."""
    tensors = inputs + outputs
    ins = list(range(len(inputs)))
    outs = list(range(len(inputs), len(tensors)))
    model_inputs = [i for i in ins if tensors[i].data is None and not tensors[i].variable]
    return write_model(ModelSpec(tensors, [OpSpec(op, ins, outs, options)], model_inputs, outs))

"""Edit one field of a .tflite flatbuffer in place (for hostile-input tests and the fuzzer)."""

from __future__ import annotations

import struct

import tflite

#: vtable slots (byte offset in the vtable) of the Operator table's vectors
OPERATOR_INPUTS, OPERATOR_OUTPUTS = 6, 8


def operator_vector_offset(buf: bytes, op_index: int, slot: int) -> tuple[int, int]:
    """(byte offset of element 0, length) of an int32 vector of operator ``op_index``."""
    op = tflite.Model.GetRootAsModel(buf, 0).Subgraphs(0).Operators(op_index)
    field = op._tab.Offset(slot)
    return op._tab.Vector(field), op._tab.VectorLen(field)


def set_operator_index(buf: bytes, op_index: int, slot: int, position: int, value: int) -> bytes:
    """``buf`` with element ``position`` of an operator's inputs/outputs set to ``value``."""
    start, length = operator_vector_offset(buf, op_index, slot)
    assert 0 <= position < length
    out = bytearray(buf)
    struct.pack_into("<i", out, start + 4 * position, value)
    return bytes(out)

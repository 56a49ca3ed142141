"""Packing of 4-bit and 2-bit values into bytes.

One packing serves the simulator, the C runtime, the HLS kernels and the
weights files (docs/FORMATS_IMPL.md): with ``per_byte = 8 // bits``, element
``i`` of the flattened array occupies bits ``(i % per_byte) * bits`` and up of
byte ``i // per_byte``, so the first element is in the LOW bits. Values are
stored as two's complement bit fields; the unused high bits of a last,
partial byte are 0. Example, 4 bits: [1, -2, 3] -> bytes [0xE1, 0x03].

In the IR a sub-byte tensor keeps one value per int8 (or uint8) element, so
that the int8 kernels run on it unchanged; these functions convert at the
boundaries where packed bytes appear. The simulator has the same packing in
C++ (``sim/src/subbyte.cpp``); the tests hold the two equal.
"""

from __future__ import annotations

import numpy as np

PACKED_BITS = (2, 4)


def _per_byte(bits: int) -> int:
    if bits not in PACKED_BITS:
        raise ValueError(f"sub-byte packing takes 2 or 4 bits, got {bits!r}")
    return 8 // bits


def value_range(bits: int, signed: bool) -> tuple[int, int]:
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)


def pack_subbyte(values: np.ndarray, bits: int) -> np.ndarray:
    """Pack ``values`` (flattened) into a uint8 array of ``ceil(n * bits / 8)`` bytes.

    Signed integer arrays must hold values in the signed ``bits`` range,
    unsigned arrays values in the unsigned one.
    """
    per_byte = _per_byte(bits)
    values = np.asarray(values)
    if values.dtype.kind not in "iu":
        raise ValueError(f"pack_subbyte takes integers, got {values.dtype}")
    flat = values.reshape(-1).astype(np.int64)
    lo, hi = value_range(bits, values.dtype.kind == "i")
    outside = (flat < lo) | (flat > hi)
    if np.any(outside):
        index = int(np.argmax(outside))
        raise ValueError(f"value {flat[index]} at index {index} does not fit {bits} bits")
    padded = np.zeros(-(-flat.size // per_byte) * per_byte, np.int64)
    padded[:flat.size] = flat & ((1 << bits) - 1)
    shifts = np.arange(per_byte, dtype=np.int64) * bits
    return (padded.reshape(-1, per_byte) << shifts).sum(axis=1).astype(np.uint8)


def unpack_subbyte(data, bits: int, count: int, signed: bool) -> np.ndarray:
    """The first ``count`` values packed in ``data`` (bytes or a uint8 array),
    as int8 when ``signed`` else uint8."""
    per_byte = _per_byte(bits)
    raw = np.frombuffer(data, np.uint8) if isinstance(data, (bytes, bytearray)) \
        else np.asarray(data, dtype=np.uint8).reshape(-1)
    if not 0 <= count <= raw.size * per_byte:
        raise ValueError(f"{raw.size} bytes hold at most {raw.size * per_byte} values, "
                         f"asked for {count}")
    shifts = np.arange(per_byte, dtype=np.uint8) * bits
    fields = ((raw[:, None] >> shifts) & ((1 << bits) - 1)).reshape(-1)[:count]
    if not signed:
        return fields.astype(np.uint8)
    sign_bit = 1 << (bits - 1)
    return ((fields.astype(np.int16) ^ sign_bit) - sign_bit).astype(np.int8)

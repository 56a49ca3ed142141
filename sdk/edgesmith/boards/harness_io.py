"""The files the harness firmware exchanges with the host (boards/harness/es_harness_io.h).

input.bin:  header (magic "ESIN", version, samples, input and output counts, flags,
            input sizes), then every sample's inputs, raw bytes, in order. The firmware
            checks the sizes; the element types (float32, uint8, int16...) are checked here
            against the model header's ``<PREFIX>_INPUTk_TYPE`` before anything is sent.
output.bin: every sample's outputs, raw bytes, in order, (a mixed-precision patch model:
            then one byte per patch, the branch it took), then a uint32 cycle count.
trace.bin:  (ES_TRACE builds, flag DUMP_OPS) per op: int32 index, int32 bytes, the bytes.
"""

from __future__ import annotations

import struct

import numpy as np

from ..errors import EdgesmithError
from .project import ModelApi

INPUT_MAGIC = 0x4E495345  # "ESIN"
IO_VERSION = 1
MAX_TENSORS = 8
_HEADER = struct.Struct(f"<6I{MAX_TENSORS}I")
FLAG_DUMP_OPS = 1
_TRACE_RECORD = struct.Struct("<ii")
_CYCLES = struct.Struct("<I")

#: exit statuses of the harness (enum es_harness_exit) and what they mean
EXIT_MEANINGS = {
    10: "a semihosting file operation failed (input.bin missing or output.bin not writable)",
    11: "input.bin does not match the model built into this firmware",
    12: "the firmware took a hard fault",
}
EXIT_MODEL_ERROR = 32


def explain_exit(status: int) -> str:
    if status in EXIT_MEANINGS:
        return EXIT_MEANINGS[status]
    if EXIT_MODEL_ERROR <= status < EXIT_MODEL_ERROR + 16:
        return f"the model returned es_status {status - EXIT_MODEL_ERROR}"
    return f"unexpected exit status {status}"


#: numpy dtype of each C element type a model port may have (codegen.c_formats.PORT_C_TYPES)
PORT_DTYPES = {"float": "<f4", "int8_t": "i1", "uint8_t": "u1", "int16_t": "<i2",
               "int32_t": "<i4"}


def input_rows(api: ModelApi, inputs: list[np.ndarray]) -> np.ndarray:
    """One row of raw bytes per sample: every input's bytes (little-endian, as on the
    targets), in the model's order. ``inputs``: one batched array per model input, of the
    port's type (a uint8 array also stands for int8 bytes)."""
    if len(inputs) != len(api.input_bytes) or len(inputs) > MAX_TENSORS:
        raise EdgesmithError(f"model {api.name} has {len(api.input_bytes)} inputs; "
                             f"got {len(inputs)} arrays")
    samples = inputs[0].shape[0]
    rows = []
    for k, (array, size) in enumerate(zip(inputs, api.input_bytes)):
        array = _as_port_type(api, k, np.asarray(array))
        flat = np.ascontiguousarray(array).reshape(samples, -1).view(np.uint8)
        if flat.shape[1] != size:
            raise EdgesmithError(f"input {k} of {api.name} has {size} bytes per sample; "
                                 f"got {flat.shape[1]}")
        rows.append(flat)
    return np.concatenate(rows, axis=1)


def _as_port_type(api: ModelApi, k: int, array: np.ndarray) -> np.ndarray:
    ctype = api.input_types[k] if k < len(api.input_types) else "int8_t"
    want = np.dtype(PORT_DTYPES.get(ctype, "i1"))
    if array.dtype == want or (array.dtype.itemsize == 1 and want.itemsize == 1):
        return array
    if array.dtype.kind == want.kind == "f" or np.can_cast(array.dtype, want, "safe") \
            or (want.kind == "f" and array.dtype.kind in "iu"):
        return array.astype(want)
    raise EdgesmithError(f"input {k} of {api.name} holds {ctype} values; got {array.dtype}")


def pack_inputs(api: ModelApi, inputs: list[np.ndarray], *, dump_ops: bool = False) -> bytes:
    """input.bin: the header, then :func:`input_rows`."""
    rows = input_rows(api, inputs)
    sizes = list(api.input_bytes) + [0] * (MAX_TENSORS - len(api.input_bytes))
    header = _HEADER.pack(INPUT_MAGIC, IO_VERSION, rows.shape[0], len(api.input_bytes),
                          len(api.output_bytes), FLAG_DUMP_OPS if dump_ops else 0, *sizes)
    return header + rows.tobytes()


def unpack_outputs(api: ModelApi, data: bytes, samples: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Per-output raw bytes, arrays of shape (samples, bytes), and the cycle counts; a
    mixed-precision patch model's branches come as one more array after the outputs."""
    sizes = api.output_bytes + ((api.patch_branches,) if api.patch_branches else ())
    record = sum(sizes) + _CYCLES.size
    if len(data) != record * samples:
        raise EdgesmithError(f"output.bin holds {len(data)} bytes; {samples} samples of "
                             f"{api.name} need {record * samples}")
    table = np.frombuffer(data, dtype=np.uint8).reshape(samples, record)
    outputs, start = [], 0
    for size in sizes:
        outputs.append(table[:, start:start + size].copy())
        start += size
    cycles = table[:, start:].copy().view("<u4").reshape(samples)
    return outputs, cycles


def unpack_trace(data: bytes) -> list[tuple[int, np.ndarray]]:
    """(op index, raw output bytes) for every op traced, in order."""
    records, at = [], 0
    while at < len(data):
        index, size = _TRACE_RECORD.unpack_from(data, at)
        at += _TRACE_RECORD.size
        records.append((index, np.frombuffer(data[at:at + size], dtype=np.uint8).copy()))
        at += size
    return records

"""Structure-aware mutators of the files edgesmith reads: .tflite, .esm, Keras JSON/H5, arrays.

Each mutator takes the seed file's bytes and a NumPy ``Generator`` and returns
one mutant's bytes. Byte-level edits (flips, truncations, chunk copies) reach
the parsers; structure-aware edits (an operator index, a manifest value, a
config setting) get past them to the code that trusts what they parsed.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np

from tests.fuzz.flatbuffer_edit import OPERATOR_INPUTS, OPERATOR_OUTPUTS, operator_vector_offset

#: values that break code trusting a number: signs, zero, huge, NaN, wrong types
HOSTILE_VALUES = [0, -1, -2, 1, 2**31, -2**31, 2**63, 1e308, float("nan"), float("inf"), None,
                  "", "x", [], [0], {}, True, 100000, [1, 100000, 100000], "*/\"; rm -rf {{ }}\n"]
HOSTILE_INDICES = [-2**31, -2, -1, 0, 1, 2**31 - 1, 10_000]


def byte_flip(blob: bytes, rng: np.random.Generator) -> bytes:
    out = bytearray(blob)
    for _ in range(int(rng.integers(1, 5))):
        out[int(rng.integers(len(out)))] ^= 1 << int(rng.integers(8))
    return bytes(out)


def truncate(blob: bytes, rng: np.random.Generator) -> bytes:
    return blob[:int(rng.integers(0, len(blob)))]


def chunk_overwrite(blob: bytes, rng: np.random.Generator) -> bytes:
    size = int(rng.integers(1, min(256, len(blob)) + 1))
    src, dst = (int(rng.integers(0, len(blob) - size + 1)) for _ in range(2))
    out = bytearray(blob)
    out[dst:dst + size] = blob[src:src + size]
    return bytes(out)


BYTE_MUTATORS = [byte_flip, truncate, chunk_overwrite]


def tflite_operator_index(blob: bytes, rng: np.random.Generator) -> bytes:
    """One operator input or output index set to a hostile value."""
    import struct

    import tflite

    n_ops = tflite.Model.GetRootAsModel(blob, 0).Subgraphs(0).OperatorsLength()
    op = int(rng.integers(n_ops))
    slot = OPERATOR_INPUTS if rng.random() < 0.6 else OPERATOR_OUTPUTS
    start, length = operator_vector_offset(blob, op, slot)
    if length == 0:
        return byte_flip(blob, rng)
    out = bytearray(blob)
    value = HOSTILE_INDICES[int(rng.integers(len(HOSTILE_INDICES)))]
    struct.pack_into("<i", out, start + 4 * int(rng.integers(length)), value)
    return bytes(out)


def _json_edit(doc, rng: np.random.Generator, depth: int = 0):
    """``doc`` with one value somewhere replaced, deleted or duplicated."""
    if isinstance(doc, dict) and doc and depth < 12:
        key = list(doc)[int(rng.integers(len(doc)))]
        if rng.random() < 0.3 or not isinstance(doc[key], (dict, list)):
            choice = rng.random()
            if choice < 0.15:
                del doc[key]
            else:
                doc[key] = HOSTILE_VALUES[int(rng.integers(len(HOSTILE_VALUES)))]
        else:
            _json_edit(doc[key], rng, depth + 1)
    elif isinstance(doc, list) and doc and depth < 12:
        k = int(rng.integers(len(doc)))
        if rng.random() < 0.3 or not isinstance(doc[k], (dict, list)):
            if rng.random() < 0.2:
                del doc[k]
            else:
                doc[k] = HOSTILE_VALUES[int(rng.integers(len(HOSTILE_VALUES)))]
        else:
            _json_edit(doc[k], rng, depth + 1)
    return doc


def json_value(blob: bytes, rng: np.random.Generator) -> bytes:
    doc = json.loads(blob)
    return json.dumps(_json_edit(doc, rng)).encode()


def _zip_json_member(blob: bytes, member: str, rng: np.random.Generator) -> bytes:
    """One value of JSON member ``member`` edited; the other members are kept as they were."""
    src = zipfile.ZipFile(io.BytesIO(blob))
    doc = _json_edit(json.loads(src.read(member)), rng)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, json.dumps(doc))
        for name in src.namelist():
            if name != member:
                zf.writestr(name, src.read(name))
    return out.getvalue()


def esm_manifest(blob: bytes, rng: np.random.Generator) -> bytes:
    return _zip_json_member(blob, "manifest.json", rng)


def keras_archive_config(blob: bytes, rng: np.random.Generator) -> bytes:
    return _zip_json_member(blob, "config.json", rng)


def array_file(blob: bytes, rng: np.random.Generator) -> bytes:
    """A user array of a hostile dtype, shape or value."""
    base = np.load(io.BytesIO(blob), allow_pickle=False)
    choice = int(rng.integers(5))
    if choice == 0:
        base = base.astype(np.float32)
        base.reshape(-1)[int(rng.integers(base.size))] = [np.nan, np.inf][int(rng.integers(2))]
    elif choice == 1:
        base = base.astype([np.int16, np.uint8, np.float64, np.complex64][int(rng.integers(4))])
    elif choice == 2:
        base = base.reshape(-1)[: max(1, base.size - int(rng.integers(1, 4)))]
    elif choice == 3:
        base = np.zeros((2,) * int(rng.integers(1, 10)), np.int8)
    else:
        return byte_flip(blob, rng)
    out = io.BytesIO()
    np.save(out, base, allow_pickle=False)
    return out.getvalue()


#: seed kind -> structure-aware mutators (byte-level ones apply to every kind)
STRUCTURE_MUTATORS = {
    "tflite": [tflite_operator_index],
    "esm": [esm_manifest],
    "keras_json": [json_value],
    "keras_h5": [],
    "array": [array_file],
    "keras_archive": [keras_archive_config],
    "keras_model_h5": [],
}


def mutate(kind: str, blob: bytes, rng: np.random.Generator) -> bytes:
    """One mutant of ``blob`` (a seed of ``kind``): half structure-aware where there are any."""
    structured = STRUCTURE_MUTATORS[kind]
    pool = structured if structured and rng.random() < 0.5 else BYTE_MUTATORS
    return pool[int(rng.integers(len(pool)))](blob, rng)

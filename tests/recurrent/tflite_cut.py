"""Cut a run of ops out of a ``.tflite`` model (TFLite's flatbuffer object API): the
tests of an op that a real model holds between ops edgesmith does not run yet."""

from __future__ import annotations

from pathlib import Path

import flatbuffers
from tensorflow.lite.python import schema_py_generated as schema


def cut_ops(path: str | Path, first: int, last: int) -> bytes:
    """The model of ops ``first..last`` (inclusive) of ``path``'s one subgraph: its input is
    the first op's input 0, its output the last op's output 0."""
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(Path(path).read_bytes(), 0))
    sub = model.subgraphs[0]
    sub.operators = sub.operators[first:last + 1]
    sub.inputs = [int(sub.operators[0].inputs[0])]
    sub.outputs = [int(sub.operators[-1].outputs[0])]
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def models_with_op(folder: Path, builtin: str) -> list[Path]:
    """The ``.tflite`` files of ``folder`` that hold a ``builtin`` op (by their contents, not
    their names); files this reader refuses are left out."""
    from edgesmith.errors import EdgesmithError
    from edgesmith.frontends.tflite_reader import read_tflite

    found = []
    for path in sorted(Path(folder).glob("*.tflite")):
        try:
            if any(op.name == builtin for op in read_tflite(path).operators):
                found.append(path)
        except EdgesmithError:
            continue
    return found

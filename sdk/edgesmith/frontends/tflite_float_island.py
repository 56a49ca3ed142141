"""Float islands folded at import: DEQUANTIZE -> NEG -> QUANTIZE becomes one int8 NEG.

The TFLite converter has no int8 NEG: in a full-int8 model it keeps the op in float between
a DEQUANTIZE of an int8 activation and a QUANTIZE back to int8 (TFLite Micro runs NEG on
float32 only). The three ops together map each of the 256 input codes to one output code,
so the importer replaces them by one int8 ``neg`` whose table is that very float arithmetic
(``edgesmith.arith.unary_tables``): equal to both oracles by construction, integer-only in
every backend. Anything else (the float value read elsewhere, another op between, a model
output in float) is left for the importer as it is.
"""

from __future__ import annotations

from dataclasses import replace

from .tflite_reader import TflModel, TflOperator

#: float ops of one input that fold this way (their int8 op tabulates the float chain)
FOLDED_UNARY = ("NEG",)


def fold_float_islands(model: TflModel) -> TflModel:
    readers: dict[int, int] = {}
    for op in model.operators:
        for i in op.inputs:
            readers[i] = readers.get(i, 0) + 1
    ops, k = [], 0
    while k < len(model.operators):
        window = model.operators[k:k + 3]
        if _is_island(model, window, readers):
            dequantize, unary, quantize = window
            ops.append(replace(unary, inputs=[dequantize.inputs[0]],
                               outputs=list(quantize.outputs)))
            k += 3
            continue
        ops.append(model.operators[k])
        k += 1
    model.operators = ops
    return model


def _is_island(model: TflModel, window: list[TflOperator], readers: dict[int, int]) -> bool:
    if [op.name for op in window[:1]] != ["DEQUANTIZE"] or len(window) < 3:
        return False
    dequantize, unary, quantize = window
    if unary.name not in FOLDED_UNARY or quantize.name != "QUANTIZE":
        return False
    source, real, negated, result = (dequantize.inputs[0], dequantize.outputs[0],
                                     quantize.inputs[0], quantize.outputs[0])
    if unary.inputs[:1] != [real] or unary.outputs != [negated]:
        return False
    if model.tensors[source].dtype != "int8" or model.tensors[result].dtype != "int8" \
            or model.tensors[source].data is not None:
        return False
    inner = (real, negated)
    return all(readers.get(t) == 1 and t not in model.outputs for t in inner)

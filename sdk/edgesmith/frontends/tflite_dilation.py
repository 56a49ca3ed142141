"""The dilated-convolution idiom folded at import: SPACE_TO_BATCH_ND -> CONV_2D or
DEPTHWISE_CONV_2D ('valid', stride 1) -> BATCH_TO_SPACE_ND, which older converters (and
tf.nn.atrous_conv2d graphs) write for a dilation rate above 1.

Space-to-batch pads the input by (top, bottom, left, right) and splits it into
block_h * block_w phases; a 'valid' convolution of each phase and the batch-to-space
interleave are together a convolution of the padded input with dilation (block_h, block_w);
the crops remove output rows and columns, which is padding less by as much. So the three ops
become a PAD of (top - crop_top, ...) by the zero point (what space-to-batch pads with) and
one 'valid' dilated convolution. The intermediate batch of block_h * block_w, which no
edgesmith activation can hold, disappears with them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..ir.ops.tflite_read import option
from .tflite_reader import TflModel, TflOperator, TflTensor

_CONVS = ("CONV_2D", "DEPTHWISE_CONV_2D")


class _DilatedOptions:
    """The convolution's own options with its dilation set and 'valid' padding."""

    def __init__(self, base, dilation: tuple[int, int]):
        self._base, self._dilation = base, dilation

    def __getattr__(self, name):
        return getattr(self._base, name)

    def DilationHFactor(self):  # noqa: N802 (the flatbuffer getter names)
        return self._dilation[0]

    def DilationWFactor(self):  # noqa: N802
        return self._dilation[1]

    def Padding(self):  # noqa: N802
        return 1  # VALID


@dataclass
class _Idiom:
    s2b: TflOperator
    conv: TflOperator
    b2s: TflOperator
    block: tuple[int, int]
    pads: tuple[int, int, int, int]


def fold_space_to_batch_convolutions(model: TflModel) -> TflModel:
    """``model`` with every foldable idiom replaced by PAD + dilated convolution; anything
    else (another op between, a strided or dilated middle convolution, crops larger than the
    padding, tensors read elsewhere) is left alone for the importer to refuse by name."""
    readers: dict[int, int] = {}
    for op in model.operators:
        for i in op.inputs:
            readers[i] = readers.get(i, 0) + 1
    ops, k = [], 0
    while k < len(model.operators):
        idiom = _match(model, model.operators[k:k + 3], readers)
        if idiom is None:
            ops.append(model.operators[k])
            k += 1
            continue
        ops += _rewrite(model, idiom)
        k += 3
    model.operators = ops
    return model


def _const(model: TflModel, index: int) -> np.ndarray | None:
    return model.tensors[index].data if 0 <= index < len(model.tensors) else None


def _match(model: TflModel, window: list[TflOperator], readers: dict) -> _Idiom | None:
    if len(window) < 3:
        return None
    s2b, conv, b2s = window
    if (s2b.name, b2s.name) != ("SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND") or \
            conv.name not in _CONVS or len(s2b.inputs) < 3 or len(b2s.inputs) < 3:
        return None
    if conv.inputs[0] != s2b.outputs[0] or b2s.inputs[0] != conv.outputs[0] or \
            readers.get(s2b.outputs[0]) != 1 or readers.get(conv.outputs[0]) != 1:
        return None
    block, pads, crops = (_const(model, s2b.inputs[1]), _const(model, s2b.inputs[2]),
                          _const(model, b2s.inputs[2]))
    if block is None or pads is None or crops is None or block.size != 2 or \
            not np.array_equal(block, _const(model, b2s.inputs[1])) or \
            pads.shape != (2, 2) or crops.shape != (2, 2):
        return None
    if (option(conv, "StrideH", 1), option(conv, "StrideW", 1)) != (1, 1) or \
            (option(conv, "DilationHFactor", 1), option(conv, "DilationWFactor", 1)) != (1, 1) \
            or option(conv, "Padding", 0) != 1:
        return None
    net = pads.astype(np.int64) - crops.astype(np.int64)
    x, out, inner = (model.tensors[s2b.inputs[0]], model.tensors[b2s.outputs[0]],
                     model.tensors[conv.outputs[0]])
    if (net < 0).any() or not _same_format(inner, out):
        return None
    return _Idiom(s2b, conv, b2s, (int(block[0]), int(block[1])),
                  (int(net[0, 0]), int(net[0, 1]), int(net[1, 0]), int(net[1, 1])))


def _same_format(a: TflTensor, b: TflTensor) -> bool:
    if a.scale is None or b.scale is None:
        return a.scale is None and b.scale is None
    return np.array_equal(a.scale, b.scale) and np.array_equal(a.zero_point, b.zero_point)


def _rewrite(model: TflModel, idiom: _Idiom) -> list[TflOperator]:
    x = model.tensors[idiom.s2b.inputs[0]]
    top, bottom, left, right = idiom.pads
    conv = replace(idiom.conv, options=_DilatedOptions(idiom.conv.options, idiom.block),
                   outputs=list(idiom.b2s.outputs))
    if not any(idiom.pads):
        return [replace(conv, inputs=[x.index, *idiom.conv.inputs[1:]])]
    paddings = np.array([[0, 0], [top, bottom], [left, right], [0, 0]], dtype=np.int32)
    pad_const = _append(model, replace(x, name=f"{x.name}/dilation_paddings", shape=(4, 2),
                                       dtype="int32", scale=None, zero_point=None,
                                       data=paddings))
    n, h, w, c = x.shape
    padded = _append(model, replace(x, name=f"{x.name}/dilation_padded",
                                    shape=(n, h + top + bottom, w + left + right, c)))
    pad = TflOperator(idiom.s2b.index, "PAD", None, [x.index, pad_const], [padded], None)
    return [pad, replace(conv, inputs=[padded, *idiom.conv.inputs[1:]])]


def _append(model: TflModel, tensor: TflTensor) -> int:
    index = len(model.tensors)
    model.tensors.append(replace(tensor, index=index))
    return index

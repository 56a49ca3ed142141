"""Offline weight layouts of the fast kernels, chosen per layer by speed and flash.

A conv2d or dense layer's weights go to flash either as stored (``int8``, read by
``es_conv2d_s8`` / ``es_fully_connected_s8``) or pre-extended to ``int16`` for
the dual 16-bit MACs (``es_conv2d_s8_w16`` / ``es_fully_connected_s8_w16``): each
row as int16 pairs in 32-bit words, rows in blocks of 4 interleaved pair by
pair (the layout ``runtime/include/es_nn_fast_w16.h`` documents), the input
offset (and a dense layer's filter offset) folded offline into the bias. The
int16 layout costs about twice the weight bytes; the kernels on it compute the
same integers. A conv layer with narrow accumulators (4- and 2-bit inputs) whose
every channel has a one-multiply output stage (:mod:`.c_one_multiply`) gets its
rows stored times that stage's scale and the stage's words as its bias.

``--optimize speed`` lays out every layer that can take int16, ``size`` none;
the default (``None``) is the fastest layout that fits the board's flash: the
layers with the most MACs per weight byte take int16 first while the extra bytes
fit what the int8 model leaves free (less :data:`CODE_RESERVE`); without a flash
size (a folder for the host) that is every layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import EdgesmithError
from ..ir import Graph, Op
from .c_layouts_dw import DW_KERNEL, dw_table_of
from .c_one_multiply import OneMultiplyStage, call_range, one_multiply_stage, ssat_bits
from .c_values import CArray, CStruct

OPTIMIZE = ("speed", "size")
#: flash kept for kernels, harness, startup and parameter structs when sizing layouts to a board
CODE_RESERVE = 64 * 1024
#: the int8 kernel of a layer -> its entry on int16 weights, and the most pairs per row for
#: which that entry keeps its buffered fast path (es_nn_fast.h ES_FAST_BUFFER: two pixels'
#: columns of a conv, one input of a dense layer)
_W16 = {"es_conv2d_s8": ("es_conv2d_s8_w16", 320),
        "es_fully_connected_s8": ("es_fully_connected_s8_w16", 640)}


class LaidOut(CArray):
    """Weights (or a folded bias) laid out offline: generated with the constant tensors."""


def check_optimize(optimize: str | None) -> str | None:
    if optimize is not None and optimize not in OPTIMIZE:
        raise EdgesmithError(f"unknown --optimize {optimize!r}",
                             hint=f"use one of {', '.join(OPTIMIZE)} (or leave it out: the "
                                  "fastest layout that fits the board's flash)")
    return optimize


def w16_words(rows: np.ndarray) -> np.ndarray:
    """The int32 words of weight ``rows`` [O, K] in the int16 layout (es_nn_fast_w16.h)."""
    rows = np.asarray(rows, np.int64)
    count, depth = rows.shape
    pairs = (depth + 1) // 2
    padded = np.zeros((count, 2 * pairs), np.int64)
    padded[:, :depth] = rows
    words = ((padded[:, 0::2] & 0xFFFF) | ((padded[:, 1::2] & 0xFFFF) << 16)).astype(np.uint32)
    words = words.view(np.int32)
    blocked = count & ~3
    head = words[:blocked].reshape(blocked // 4, 4, pairs).transpose(0, 2, 1).reshape(-1)
    return np.concatenate([head, words[blocked:].reshape(-1)])


def w16_call(op: Op, graph: Graph, kernel: str, values: dict) -> tuple[str, dict] | None:
    """The call on int16 weights that replaces ``kernel``'s call with ``values`` (its int8
    call, :func:`~.c_calls.call_values`), or None where the layout does not apply: another
    kernel, a row longer than the fast path holds, or a folded bias that could leave int32.
    A 3x3 depthwise layer's weights and output stage go to one table (:mod:`.c_layouts_dw`)."""
    if kernel == "es_depthwise_conv2d_s8" and len(op.inputs) >= 2:
        table = dw_table_of(op, graph, values)
        if table is None:
            return None
        kept = {k: v for k, v in values.items() if k != "quant"}  # the table holds the stage
        return DW_KERNEL, {**kept, "filter": LaidOut("int32_t", tuple(map(int, table.flat)))}
    if kernel not in _W16 or len(op.inputs) < 2:
        return None
    entry, max_pairs = _W16[kernel]
    weights = graph.tensors[op.inputs[1]]
    if weights.data is None or weights.data.dtype != np.int8 or weights.data.size == 0:
        return None
    rows = weights.data.astype(np.int64).reshape(weights.shape[0], -1)
    # a conv kernel's rows (its height) each start on a pair (es_nn_fast_conv_fill.h)
    kernel_rows = int(weights.shape[1]) if entry == "es_conv2d_s8_w16" else 1
    if kernel_rows * ((rows.shape[1] // kernel_rows + 1) // 2) > max_pairs:
        return None
    fields = values["params"].fields
    rows = rows + int(fields.get("filter_offset", 0))
    bias = None
    if len(op.inputs) > 2 and op.inputs[2] is not None:
        data = graph.tensors[op.inputs[2]].data
        if data is None or data.dtype != np.int32 or data.size != rows.shape[0]:
            return None
        bias = data
    laid = w16_layout(rows, bias, int(fields["input_offset"]), _W16_SCALE[entry], kernel_rows)
    if laid is None:
        return None
    words, folded = laid
    ranges = call_range(op, graph, fields) if entry == "es_conv2d_s8_w16" else None
    stage = None if ranges is None else _one_multiply(values, rows, folded, *ranges)
    scaled = None if stage is None else w16_layout(
        rows, bias, int(fields["input_offset"]), stage.scale, kernel_rows,
        max(-ranges[1][0], ranges[1][1]))
    if scaled is not None:  # rows times the stage's scale, its three words a channel as the bias
        words = scaled[0]
        params = CStruct(values["params"].ctype, {**fields, "one_multiply_scale": stage.scale})
        return entry, {**values, "params": params,
                       "filter": LaidOut("int32_t", tuple(int(v) for v in words)),
                       "bias": LaidOut("int32_t", stage.words())}
    return entry, {**values, "filter": LaidOut("int32_t", tuple(int(v) for v in words)),
                   "bias": LaidOut("int32_t", tuple(int(v) for v in folded))}


def _one_multiply(values: dict, rows: np.ndarray, folded: np.ndarray, act: tuple[int, int],
                  inputs: tuple[int, int]) -> OneMultiplyStage | None:
    """The one-multiply output stage of a conv layer on int16 weights (clamp ``act``, raw
    inputs in ``inputs``) where its narrow accumulators allow one (:mod:`.c_one_multiply`),
    else None."""
    quant = values.get("quant")
    if not isinstance(quant, CStruct):
        return None
    multipliers = [int(v) for v in quant.fields["multiplier"].values]
    shifts = [int(v) for v in quant.fields["shift"].values]
    return one_multiply_stage(rows, folded, multipliers, shifts,
                              int(values["params"].fields["output_offset"]), act,
                              ssat_bits(act), inputs)


#: the factor the rows of each int16 entry are stored with: conv2d's are doubled, so its
#: accumulators are the 2 * acc its output stage's SMMLAR takes (es_nn_fast_conv_blocks.h)
_W16_SCALE = {"es_conv2d_s8_w16": 2, "es_fully_connected_s8_w16": 1}


def w16_layout(rows: np.ndarray, bias: np.ndarray | None, input_offset: int,
               scale: int = 1, kernel_rows: int = 1,
               input_bound: int = 128) -> tuple[np.ndarray, np.ndarray] | None:
    """(words, folded bias) of weight ``rows`` [O, K] (filter offset added) stored times
    ``scale``, each row's ``kernel_rows`` equal parts (a conv kernel's rows) padded with a 0
    to an even length, so every part starts on a pair; or None where a partial sum of the
    kernel (inputs of magnitude up to ``input_bound``, an int8's by default) could leave
    int32 (then its integers would not be the reference's)."""
    rows = np.asarray(rows, np.int64)
    bias = np.zeros(rows.shape[0], np.int64) if bias is None else np.asarray(bias, np.int64)
    folded = bias.reshape(-1) + input_offset * rows.sum(axis=1)
    dot = np.abs(rows).sum(axis=1) * max(input_bound, abs(input_offset))
    if np.any(np.abs(folded) + dot >= 1 << 31) or np.any(scale * dot >= 1 << 31) \
            or np.any(np.abs(scale * rows) >= 1 << 15):
        return None
    part = rows.shape[1] // kernel_rows
    if kernel_rows > 1 and part % 2:
        parts = rows.reshape(rows.shape[0], kernel_rows, part)
        rows = np.concatenate([parts, np.zeros((rows.shape[0], kernel_rows, 1), np.int64)],
                              axis=2).reshape(rows.shape[0], -1)
    return w16_words(scale * rows), folded.astype(np.int32)


@dataclass(frozen=True)
class LayerLayout:
    """One layer that could take int16 weights: what each layout costs and which it got."""

    index: int
    name: str
    macs: int
    int8_bytes: int
    int16_bytes: int
    layout: str

    @property
    def extra_bytes(self) -> int:
        return self.int16_bytes - self.int8_bytes


#: the op types each kernel set has int16-weight kernels for (the Helium set runs conv2d and
#: dense on int8 weights as stored, with VMLADAVA)
W16_OPS = {"fast": ("conv2d", "fully_connected", "depthwise_conv2d"), "mve": ()}


def _candidates(graph: Graph, kernel_set: str) -> list[LayerLayout]:
    from ..report.metrics import op_macs
    from .c_calls import call_values

    found = []
    for index, op in enumerate(graph.ops):
        if op.type not in W16_OPS.get(kernel_set, ()):
            continue
        try:
            kernel, values = call_values(op, graph)
        except EdgesmithError:  # an op the int8 builders refuse is refused where it is called
            continue
        call = w16_call(op, graph, kernel, values)
        if call is None:
            continue
        weights = graph.tensors[op.inputs[1]].nbytes
        bias = graph.tensors[op.inputs[2]].nbytes if len(op.inputs) > 2 and op.inputs[2] else 0
        laid = sum(4 * len(v.values) for v in call[1].values() if isinstance(v, LaidOut))
        found.append(LayerLayout(index, op.origin or f"op {index} ({op.type})",
                                 op_macs(graph, op), weights + bias, laid, "int8"))
    return found


def choose_layouts(graph: Graph, kernel_set: str, optimize: str | None = None,
                   flash_bytes: int | None = None) -> list[LayerLayout]:
    """The layout of every layer that could take int16 weights (see the module docstring).
    The reference kernel set reads int8 weights only."""
    check_optimize(optimize)
    layers = _candidates(graph, kernel_set)
    if optimize == "size" or not layers:
        return layers
    if optimize == "speed" or flash_bytes is None:
        return [_with(layer, "int16") for layer in layers]
    stored = sum(t.nbytes for t in graph.tensors.values() if t.is_const)
    free = flash_bytes - CODE_RESERVE - stored
    chosen = {}
    for layer in sorted(layers, key=lambda x: (-x.macs / max(x.int8_bytes, 1), x.index)):
        if layer.extra_bytes <= free:
            free -= layer.extra_bytes
            chosen[layer.index] = "int16"
    return [_with(layer, chosen.get(layer.index, "int8")) for layer in layers]


def _with(layer: LayerLayout, layout: str) -> LayerLayout:
    return LayerLayout(layer.index, layer.name, layer.macs, layer.int8_bytes, layer.int16_bytes,
                       layout)


def layout_lines(layers: list[LayerLayout]) -> list[str]:
    """Which layout each layer got and the flash it costs, for `build` and `plan`."""
    if not layers:
        return ["weight layouts: int8 (no layer takes int16 weights with this kernel set)"]
    wide = [x for x in layers if x.layout == "int16"]
    total = sum(x.int16_bytes if x.layout == "int16" else x.int8_bytes for x in layers)
    lines = [f"weight layouts: {len(wide)} of {len(layers)} conv/dense/depthwise layers int16 "
             f"(+{sum(x.extra_bytes for x in wide):,} B over int8), {total:,} B of weights+bias"]
    lines += [f"  {x.name}: {x.layout}, {x.int16_bytes if x.layout == 'int16' else x.int8_bytes:,}"
              f" B (int8 {x.int8_bytes:,} B, int16 {x.int16_bytes:,} B, {x.macs:,} MACs)"
              for x in layers]
    return lines

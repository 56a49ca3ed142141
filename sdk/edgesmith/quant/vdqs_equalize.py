"""Channel equalization of the patch stage's feature maps, before int8 PTQ (for QuantMCU).

A low-bit feature map has one format for all its channels. When channels span
very different ranges, a 4- or 2-bit step sized for the widest channel rounds
the narrow ones to a few codes or to zero, and the network loses them. This
pass rescales the float graph so that every channel of a stage feature map
spans about the same range, without changing what the graph computes:

* map ``m`` is the output of a conv2d or depthwise_conv2d whose activation is
  ``none`` or ``relu`` (``relu(a * v) = a * relu(v)`` for ``a > 0``; ReLU6 and
  friends are not homogeneous and are left alone), read by exactly one
  conv2d or depthwise_conv2d, and is not a graph output;
* channel ``c`` of ``m`` is multiplied by ``a_c``: the producer's weights and
  bias of output channel ``c`` are multiplied by ``a_c``, the reader's weights
  of input channel ``c`` divided by it (zero padding is unchanged by scaling);
* ``a_c = min(R / r_c, max_scale)`` with ``r_c`` the ``percentile``-th percentile
  of ``|m[..., c]|`` on the calibration inputs and ``R`` the largest ``r_c``, so
  the map's widest channel and its range stay as they are; channels that are
  zero on every calibration input keep ``a_c = 1``.

A producer's input channels were divided by the previous map's scales, which
gives back the original values of its output before its own scaling, so every
scale comes from one float run of the original graph.

Int8 PTQ of the result: per-output-channel weight scales absorb a factor
per output channel, so a depthwise layer's int8 weight codes are unchanged,
and so are a conv2d's unless it reads an equalized map (its input-channel
divisions change the codes). Either way the weights stay int8 and are shared
by both branches, as :class:`.mixed_patch.MixedPatchModel` requires. The pass
is ours, in the spirit of cross-layer equalization; QuantMCU does not use it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..errors import EdgesmithError
from ..ir import Graph, Op, op_def
from ..memory.patch import PatchPlan
from .mixed_patch import stage_feature_maps
from .vdqs_ranges import stage_prefix

EQUALIZE_PERCENTILE = 99.9
#: the largest factor a channel is scaled by (near-dead channels would otherwise blow up)
MAX_CHANNEL_SCALE = 16.0
_HOMOGENEOUS = ("none", "relu")


def _linear_window(op: Op) -> bool:
    """A convolution: linear per output channel in its weights (a MAC op with a window)."""
    d = op_def(op.type)
    return d.is_mac and d.patch == "window"


def equalizable_maps(graph: Graph, plan: PatchPlan) -> list[tuple[str, int, int]]:
    """(map, producer op index, reader op index) of the stage feature maps this pass can
    rescale, in stage order."""
    uses: dict[str, int] = {}
    for op in graph.ops:
        for name in op.inputs:
            if name:
                uses[name] = uses.get(name, 0) + 1
    found = []
    for name in stage_feature_maps(graph, plan)[1:]:
        producer = [k for k, op in enumerate(graph.ops) if name in op.outputs]
        readers = [k for k, op in enumerate(graph.ops) if name in op.inputs]
        if len(producer) != 1 or len(readers) != 1 or name in graph.outputs:
            continue
        prod, read = graph.ops[producer[0]], graph.ops[readers[0]]
        if not (_linear_window(prod) and _linear_window(read)) or read.inputs[0] != name \
                or prod.attrs.get("activation", "none") not in _HOMOGENEOUS:
            continue
        consts = [prod.inputs[1], read.inputs[1]] + [n for n in prod.inputs[2:3] if n]
        if any(uses[n] != 1 for n in consts):  # shared constants would scale other ops too
            continue
        found.append((name, producer[0], readers[0]))
    return found


def channel_scales(values: np.ndarray, percentile: float = EQUALIZE_PERCENTILE,
                   max_scale: float = MAX_CHANNEL_SCALE) -> np.ndarray:
    """``a_c`` of every channel (last axis) of ``values``."""
    ranges = np.percentile(np.abs(values.reshape(-1, values.shape[-1])), percentile, axis=0)
    widest = float(ranges.max())
    scales = np.ones(ranges.size)
    live = ranges > 0
    scales[live] = np.minimum(widest / ranges[live], max_scale)
    return scales


def _scale_axis(tensors: dict, name: str, factors: np.ndarray, axis: int) -> None:
    """Multiply constant ``name`` by ``factors`` along ``axis`` (in the ``tensors`` copy)."""
    t = tensors[name]
    shape = [1] * t.data.ndim
    shape[axis] = factors.size
    tensors[name] = replace(t, data=(t.data * factors.reshape(shape)).astype(t.data.dtype))


def equalize_stage_channels(float_graph: Graph, plan: PatchPlan, calib: np.ndarray,
                            percentile: float = EQUALIZE_PERCENTILE,
                            max_scale: float = MAX_CHANNEL_SCALE
                            ) -> tuple[Graph, dict[str, np.ndarray]]:
    """The float graph with every equalizable stage map's channels scaled to a common range
    on the float calibration inputs ``calib``, and the scales of each map."""
    from ..sim import simulate

    if float_graph.is_quantized():
        raise EdgesmithError("channel equalization rescales a float graph; this one is "
                             "quantized", hint="equalize the float model, then quantize it")
    maps = equalizable_maps(float_graph, plan)
    if not maps:
        return float_graph, {}
    values = simulate(stage_prefix(float_graph, max(p for _, p, _ in maps)), calib,
                      keep_intermediates=True)
    tensors = dict(float_graph.tensors)
    scales = {}
    for name, producer, reader in maps:
        a = scales[name] = channel_scales(values[name], percentile, max_scale)
        prod, read = float_graph.ops[producer], float_graph.ops[reader]
        # conv2d weights are OHWI (output channel on axis 0); depthwise [1, KH, KW, C*M]
        _scale_axis(tensors, prod.inputs[1], a, 0 if prod.type == "conv2d" else 3)
        if len(prod.inputs) > 2 and prod.inputs[2]:
            _scale_axis(tensors, prod.inputs[2], a, 0)
        if read.type == "conv2d":
            _scale_axis(tensors, read.inputs[1], 1.0 / a, 3)
        else:
            multiplier = int(read.attrs.get("depth_multiplier", 1))
            _scale_axis(tensors, read.inputs[1], np.repeat(1.0 / a, multiplier), 3)
    return Graph(float_graph.name, tensors, list(float_graph.ops), list(float_graph.inputs),
                 list(float_graph.outputs), dict(float_graph.meta)), scales

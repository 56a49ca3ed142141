"""Quantize a tree ensemble's features to int8: integer thresholds, same decisions.

Each feature gets its own affine int8 format from its calibration range (the
int8 activation rule, :func:`edgesmith.quant.int8.activation_format`), so the
input is one format per feature (axis 1). Every split threshold becomes the
integer :func:`edgesmith.trees.thresholds.integer_thresholds` derives: for
every int8 value ``q`` of the feature, ``q <= t_int`` is exactly the float
decision ``float32(scale * (q - zero_point)) <= t`` on the dequantized value.
Leaves, accumulation and scores stay as the library computes them, so a
quantized model's scores are the float model's scores of the dequantized input.
"""

from __future__ import annotations

import copy

import numpy as np

from ..errors import EdgesmithError
from ..ir import AffineFormat, Graph, verify_graph
from ..quant.calibrate import Range
from ..quant.int8 import activation_format
from .graph import is_tree_graph
from .thresholds import integer_thresholds


def is_quantized_tree_graph(graph: Graph) -> bool:
    return is_tree_graph(graph) and graph.tensors[graph.inputs[0]].fmt is not None


def feature_format(calib: np.ndarray) -> AffineFormat:
    """One int8 affine format per feature (axis 1) covering its calibration range and 0."""
    per = [activation_format(Range(float(lo), float(hi)))
           for lo, hi in zip(calib.min(axis=0), calib.max(axis=0))]
    return AffineFormat([f.scale[0] for f in per], [int(f.zero_point[0]) for f in per], axis=1)


def quantize_tree_graph(graph: Graph, calib) -> Graph:
    """The int8-feature copy of a float tree-ensemble graph (calibration: [N, features])."""
    if is_quantized_tree_graph(graph):
        raise EdgesmithError("the tree ensemble is already quantized",
                             hint="quantize the float model instead")
    x = np.asarray(calib if not isinstance(calib, dict) else next(iter(calib.values())),
                   np.float32)
    x_name = graph.inputs[0]
    n_features = graph.tensors[x_name].shape[1]
    if x.ndim != 2 or x.shape[1] != n_features or x.shape[0] == 0:
        raise EdgesmithError(f"calibration data of shape {list(x.shape)} does not fit the "
                             f"model's {n_features} features; give an array [N, {n_features}]")
    if not np.isfinite(x).all():
        raise EdgesmithError("calibration data holds NaN or infinite values; remove them")
    fmt = feature_format(x)
    q = copy.deepcopy(graph)
    op = q.ops[0]
    feature = q.tensors[op.inputs[1]].data
    threshold = q.tensors[op.inputs[2]]
    split = feature >= 0
    node_feature = np.where(split, feature, 0)
    ints = integer_thresholds(threshold.data, fmt.scale[node_feature],
                              fmt.zero_point[node_feature])
    ints = np.where(split, ints, 0).astype(np.int16)  # -129..127 needs 16 bits
    threshold.data, threshold.dtype = ints, "int16"
    x_t = q.tensors[x_name]
    x_t.dtype, x_t.fmt = "int8", fmt
    q.meta = dict(q.meta, quantized="int8 features")
    verify_graph(q)
    return q


def quantize_features(graph: Graph, x: np.ndarray) -> np.ndarray:
    """Float features [N, F] in a quantized tree graph's input format (round, clamp)."""
    fmt = graph.tensors[graph.inputs[0]].fmt
    q = np.round(np.asarray(x, np.float32) / fmt.scale) + fmt.zero_point
    return np.clip(q, -128, 127).astype(np.int8)


def dequantize_features(graph: Graph, q: np.ndarray) -> np.ndarray:
    """What the float decisions of a quantized graph see: float32(scale * (q - zero_point))."""
    fmt = graph.tensors[graph.inputs[0]].fmt
    return (fmt.scale * (np.asarray(q, np.int32) - fmt.zero_point).astype(np.float32)
            ).astype(np.float32)

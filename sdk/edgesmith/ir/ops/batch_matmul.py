"""batch_matmul: matrix products over the last two axes, the others broadcast as batches
(TFLite BATCH_MATMUL, tf.matmul of two activations), either operand transposed by
``adj_x`` / ``adj_y``."""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, broadcast_shapes, register
from .reference import attrs_of, f32
from .tflite_read import option


def matrices(a: np.ndarray, b: np.ndarray, attrs: dict) -> tuple[np.ndarray, np.ndarray]:
    """The operands with their adjoint flags applied: [..., M, K] and [..., K, N]."""
    return (np.swapaxes(a, -1, -2) if attrs["adj_x"] else a,
            np.swapaxes(b, -1, -2) if attrs["adj_y"] else b)


def _shape(shapes, a):
    x, y = shapes
    if len(x) < 3 or len(y) < 3:
        raise ValueError(f"batch_matmul needs operands of rank >= 3, got {x} and {y}")
    m, k = (x[-1], x[-2]) if a["adj_x"] else (x[-2], x[-1])
    k2, n = (y[-1], y[-2]) if a["adj_y"] else (y[-2], y[-1])
    if k != k2:
        raise ValueError(f"batch_matmul operands {x} and {y} do not share an inner dimension")
    return [(*broadcast_shapes(x[:-2], y[:-2]), m, n)]


def _float(op, graph, args):
    a, b = matrices(f32(args[0]), f32(args[1]), attrs_of(op))
    return np.matmul(a, b).astype(np.float32)


def _from_tflite(imp, op) -> None:
    imp.emit(op, "batch_matmul", op.inputs[:2],
             {"adj_x": bool(option(op, "AdjX", False)), "adj_y": bool(option(op, "AdjY", False))})


BATCH_MATMUL = register(OpDef(
    "batch_matmul", ("a", "b"), {"adj_x": Attr("bool", False), "adj_y": Attr("bool", False)},
    _shape, doc="Batched matrix product a @ b over the last two axes.", pattern="opaque",
    quantizes_constants=True, float_ref=_float, tflite=("BATCH_MATMUL",),
    from_tflite=_from_tflite))

"""transpose: the axes of a tensor permuted (TFLite TRANSPOSE, Keras Permute). The batch
axis stays first."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import Attr, OpDef, register


def _shape(shapes, a):
    x, perm = shapes[0], tuple(a["perm"])
    if sorted(perm) != list(range(len(x))) or perm[0] != 0:
        raise ValueError(f"transpose perm {list(perm)} is not a permutation of the {len(x)} "
                         "axes that keeps the batch axis first")
    return [tuple(x[p] for p in perm)]


def _move(x, a):
    return np.transpose(x, a["perm"])


def _from_tflite(imp, op) -> None:
    rank = len(imp.tflite(op.inputs[0]).shape)
    perm = [int(p) % rank if rank else 0 for p in imp.const_values(op, 1, "perm").reshape(-1)]
    if sorted(perm) != list(range(rank)) or perm[0] != 0:
        raise UnsupportedError(f"{imp.path}: {op.title}: perm {perm} is not supported (only "
                               "permutations that keep the batch axis first)")
    imp.emit(op, "transpose", op.inputs[:1], {"perm": tuple(perm)})


def _from_keras(ctx, inputs: list[str]) -> str:
    dims = ctx.config.get("dims")
    if not isinstance(dims, (list, tuple)) or sorted(dims) != list(range(1, len(dims) + 1)):
        raise ctx.refuse(f"Permute dims {dims!r} are not a permutation of 1..{len(dims or ())}")
    return ctx.op("transpose", inputs[:1], {"perm": (0, *(int(d) for d in dims))})


TRANSPOSE = register(OpDef(
    "transpose", ("x",), {"perm": Attr("ints", required=True)}, _shape,
    doc="Axes permuted by perm (perm[0] == 0: the batch axis stays first).",
    pattern="injective", quant="shares", move=_move, tflite=("TRANSPOSE",),
    from_tflite=_from_tflite, keras=("Permute",), from_keras=_from_keras))

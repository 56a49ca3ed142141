"""The float32 reference kernels, one per op type, as the op definitions declare them
(each op's kernel lives in its file under ``edgesmith/ir/ops/``; shared pieces in
:mod:`edgesmith.ir.ops.reference`).

A kernel has the signature ``kernel(op, graph, args) -> np.ndarray``: ``args``
follows ``op.inputs`` (constants as their data arrays, ``None`` for an absent
optional input), activations are batched on axis 0, arithmetic is float32.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..ir import Graph, Op
from ..ir.ops import OP_DEFS
from ..ir.ops.reference import apply_activation

Kernel = Callable[[Op, Graph, list], np.ndarray]

#: op type -> float reference kernel, for every op that has one
FLOAT_KERNELS: dict[str, Kernel] = {name: d.float_ref for name, d in OP_DEFS.items()
                                    if d.float_ref is not None}

__all__ = ["FLOAT_KERNELS", "Kernel", "apply_activation"]

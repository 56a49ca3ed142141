"""The simulator's table kernels of fixed-point softmax, sigmoid, tanh, elu and hard_swish (the tables
themselves, which C and HLS share, are built in :mod:`edgesmith.arith.fixed_tables`)."""

from __future__ import annotations

import numpy as np

from ..arith.fixed_tables import SPANS, lookup_table, softmax_tables
from ..ir import Graph, Op


def _lookup_kernel(op: Op, graph: Graph, args: list) -> np.ndarray:
    return lookup_table(op, graph).lookup(np.asarray(args[0]))


def _softmax_kernel(op: Op, graph: Graph, args: list) -> np.ndarray:
    return softmax_tables(op, graph).apply(np.asarray(args[0]))


TABLE_KERNELS = {"softmax": _softmax_kernel, **{t: _lookup_kernel for t in SPANS}}

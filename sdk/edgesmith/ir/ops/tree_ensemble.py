"""tree_ensemble: decision trees whose leaves add up to scores (forests, boosted trees).

Operands (constants, see :class:`edgesmith.ir.tree_ensemble.TreeEnsemble`):
``feature`` int32 [N] (-1: leaf), ``threshold`` [N] (float32 ``x <= t`` for a
float input; int16 ``q <= t`` for a quantized one), ``children`` int32 [N, 2],
``value`` float64 [N, V] leaf values, ``roots`` int32 [T], ``target`` int32 [T]
(the output a single-value tree adds to, -1: all), ``base`` float64 [K] start.
Attributes say how trees combine: the accumulator type (``float64`` or
``float32``, as the library adds), ``average`` (divide by the tree count) and
``decision`` (how a label is read from the scores). The output is the scores
[1, K] in the accumulator type, before any link function.
"""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, register

_OPERANDS = ("x", "feature", "threshold", "children", "value", "roots", "target", "base")


def _shape(shapes, attrs):
    return [(shapes[0][0], shapes[7][0])]


def ensemble_of(op, args) -> tuple:
    """(the :class:`TreeEnsemble` an op's constant operands hold, its thresholds as stored)."""
    from ..tree_ensemble import TreeEnsemble

    _, feature, threshold, children, value, roots, target, base = args
    return TreeEnsemble(
        n_features=-1, feature=feature, threshold=threshold,
        left=children[:, 0], right=children[:, 1], value=value, roots=roots, target=target,
        base=base, accumulate=op.attrs["accumulate"], average=op.attrs["average"],
        decision=op.attrs["decision"]), np.asarray(threshold)


def _float(op, graph, args):
    from ..tree_ensemble import scores

    ens, ens.threshold = ensemble_of(op, args)
    return scores(ens, args[0])


def integer_kernel(op, graph, args):
    """Quantized features: the same walk with integer thresholds (``q <= t``)."""
    from ..tree_ensemble import scores

    ens, ens.threshold = ensemble_of(op, args)
    return scores(ens, args[0])  # integers up to 16 bits are exact in float32: same decisions


TREE_ENSEMBLE = register(OpDef(
    "tree_ensemble", _OPERANDS, doc="Decision-tree ensemble: leaf values summed per output.",
    attrs={"accumulate": Attr("str", "float64", choices=("float64", "float32")),
           "average": Attr("bool", False),
           "decision": Attr("str", "none", choices=("argmax", "nonnegative", "positive",
                                                     "none"))},
    shape_fn=_shape, pattern="opaque", quant="none", float_ref=_float))

"""Integer parameters of int8 l2_normalization, checked as TFLite's Prepare checks them.
:mod:`.params` dispatches to :data:`BUILDERS`."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UnsupportedError
from ..ir import Graph, Op


@dataclass(frozen=True)
class L2NormParams:
    """l2_normalization over the last axis: each value minus the input zero point, times
    1 / sqrt(its row's sum of squares) in fixed point, on the output scale 1/128."""

    input_zero_point: int


def _l2_normalization(op: Op, graph: Graph) -> L2NormParams:
    from .params import _scalar, _where

    _, z_in = _scalar(op, graph, op.inputs[0])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    if s_out != 1 / 128 or z_out != 0:
        raise UnsupportedError(f"{_where(op)}: int8 l2_normalization needs output scale 1/128 "
                               f"and zero point 0, got {s_out:g} and {z_out}")
    return L2NormParams(z_in)


BUILDERS = {"l2_normalization": _l2_normalization}

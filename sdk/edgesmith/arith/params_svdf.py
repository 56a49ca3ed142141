"""Integer parameters of the svdf op (int8 input and output, int8 or int16 state and time
weights), as TFLite Micro's ``PrepareSvdf`` computes them.

Its two effective scales are products of the float32 scales taken in float32
(``input * weights_feature / state`` and ``state * weights_time / output``) and only
then widened to double, so they are computed the same way here; a double product can
give another Q31 multiplier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UnsupportedError
from ..ir import AffineFormat, Graph, Op
from . import multiplier as mq


@dataclass(frozen=True)
class SvdfParams:
    """Feature stage: ``state_new = clamp(mbqm(sum(wf * (x + input_offset)), m1, s1)
    + state_zero_point)`` into the state's type; time stage: ``acc = bias + sum over the
    rank filters of sum(wt * (state - state_zero_point))``, then ``out = clamp(mbqm(acc, m2,
    s2) + output_offset)`` to int8."""

    input_offset: int
    state_zero_point: int
    output_offset: int
    feature_multiplier: int
    feature_shift: int
    time_multiplier: int
    time_shift: int
    #: 16 or 8: the state's (and weights_time's) bits
    state_bits: int


def _affine(op: Op, graph: Graph, name: str, bits: tuple[int, ...]) -> AffineFormat:
    t = graph.tensors[name]
    fmt = t.fmt
    if not isinstance(fmt, AffineFormat) or fmt.bits not in bits or fmt.per_channel:
        raise UnsupportedError(f"{op.origin or op.type}: tensor {name!r} ({t.dtype}) must be "
                               f"{' or '.join(f'int{b}' for b in bits)} with one scale for "
                               "the integer svdf kernel")
    return fmt


def svdf_params(op: Op, graph: Graph) -> SvdfParams:
    x, wf, wt = (_affine(op, graph, op.inputs[k], (8,)) if k < 2 else
                 _affine(op, graph, op.inputs[k], (8, 16)) for k in range(3))
    state = _affine(op, graph, op.inputs[4], (wt.bits,))
    out = _affine(op, graph, op.outputs[0], (8,))
    f32 = np.float32
    s1 = f32(x.scalar()[0]) * f32(wf.scalar()[0]) / f32(state.scalar()[0])
    s2 = f32(state.scalar()[0]) * f32(wt.scalar()[0]) / f32(out.scalar()[0])
    m1, sh1 = mq.quantize_multiplier(float(s1))
    m2, sh2 = mq.quantize_multiplier(float(s2))
    return SvdfParams(-x.scalar()[1], state.scalar()[1], out.scalar()[1], m1, sh1, m2, sh2,
                      state.bits)

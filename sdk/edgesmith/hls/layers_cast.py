"""HLS layer of ``quantize`` between two fixed-point formats: one cast per element.

The cast is the ``activation`` kernel with no activation (``es_hls/merge.h``): the input
read into its own type and assigned to the output type, which rounds and overflows with
the output's modes exactly as the simulator's ``quantize`` (a fixed-point cast). Quantize
from float has no HLS kernel: an HLS model's input port is fixed-point.
"""

from __future__ import annotations

from ..errors import UnsupportedError
from ..ir import FixedFormat, Op
from .layers import HlsLayer, LayerContext, builder, describe
from .layers_misc import _check_cast, _elementwise
from .types import clamp_type


@builder("quantize")
def quantize(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    source = ctx.graph.tensors[op.inputs[0]].fmt
    if not isinstance(source, FixedFormat):
        raise UnsupportedError(f"{describe(op)}: quantize from float has no HLS kernel; give "
                               "the model a fixed-point input")
    out = ctx.fmt(op, op.outputs[0])
    _check_cast(op, source, out)
    return _elementwise(ctx, index, op, "activation", clamp_type(source, "none"), "none")

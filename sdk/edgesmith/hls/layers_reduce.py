"""HLS layers of the fixed-point reductions (reduce_max, reduce_min, sum, mean): one
``es_hls::reduce`` kernel whose config folds the sample into three axes and sizes the exact
sum and, for the mean, the division of the average pool (``es_hls::average``)."""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..ir import Op
from ..sim.fixed_reduce import reduced_axes
from .layers import HlsLayer, LayerContext, builder, describe
from .layers_misc import division_types
from .types import exact_type, max_raw

KINDS = {"reduce_max": "es_hls::reduce_max", "reduce_min": "es_hls::reduce_min",
         "sum": "es_hls::reduce_sum", "mean": "es_hls::reduce_mean"}


@builder(*KINDS)
def reduction(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    x, out = ctx.fmt(op, op.inputs[0]), ctx.fmt(op, op.outputs[0])
    shape = ctx.shape(op.inputs[0])
    if len(shape) > 4:
        raise UnsupportedError(f"{describe(op)}: HLS reductions take tensors of rank <= 4")
    axes = reduced_axes(op, ctx.graph)
    lead = 4 - len(shape)  # the sample's axes fill dim1..dim3 from the innermost end
    dims = (1,) * lead + tuple(shape[1:])
    flags = (False,) * lead + tuple(k in axes for k in range(1, len(shape)))
    count = int(np.prod([d for d, r in zip(dims, flags) if r], dtype=np.int64))
    bound = max_raw(x) * (count if op.type in ("sum", "mean") else 1)
    constants = [("unsigned", "n_in", ctx.size(op.inputs[0])),
                 ("unsigned", "n_out", ctx.size(op.outputs[0])), ("unsigned", "n_reduce", count)]
    constants += [("unsigned", f"dim{k + 1}", d) for k, d in enumerate(dims)]
    constants += [("unsigned", f"kept{k + 1}", 1 if r else d)
                  for k, (d, r) in enumerate(zip(dims, flags))]
    constants += [("unsigned", f"red{k + 1}", d if r else 1)
                  for k, (d, r) in enumerate(zip(dims, flags))]
    constants.append(("int", "kind", KINDS[op.type]))
    typedefs = [("accum_t", exact_type(x.frac_bits, bound).cpp())]
    if op.type == "mean":  # as the average pool: the quotient one bit below the output LSB
        typedefs += division_types(op, bound, count, x.frac_bits, out)
        constants.append(("int", "avg_shift", out.frac_bits + 1 - x.frac_bits))
    return HlsLayer(index, op, "reduce", "reduce_config", typedefs, constants,
                    iterations=ctx.size(op.inputs[0]))

"""Accumulator widths of fixed-point layers by interval analysis.

A dense or convolution layer sums exact products x * w and adds the bias at
one binary point, the accumulator's (``acc_frac`` fractional bits): the
finest of the products' (x_frac + w_frac, or x_frac - min_exp for
power-of-two weights), the bias's and the one the fused activation's bounds
need (relu6 clamps at 6 = 3 * 2^1). Over every input the input format can
hold, output channel c satisfies

    |acc_c| <= sum_k |w_ck| * max|x|  +  |b_c|        (in the accumulator's LSBs)

because padding contributes zeros. The largest bound over the channels
decides the accumulator: ``bits = bound.bit_length() + 1`` (a sign bit) hold
every value exactly, so no accumulator sized this way can overflow. The
simulator, the C kernels (int64, which they check against this bound) and
the HLS accumulators all rely on it. A user may force a narrower accumulator
(``--precision LAYER:acc=fixed<W,I>``, kept in ``graph.meta["accumulators"]``
for the HLS backend); :func:`accumulator_report` then says which layers could
overflow or lose bits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UnsupportedError
from ..ir import FixedFormat, Graph, Op, Pow2Format, op_def, op_types, with_defaults

#: fewest fractional bits at which a fused activation's bounds are exact (none: no constraint)
ACTIVATION_FRAC = {"relu6": -1, "relu_n1_to_1": 0}


@dataclass(frozen=True)
class AccumulatorBound:
    """Where a MAC layer's products and bias meet, and how large the sum can get."""

    op_index: int
    op_type: str
    output: str
    #: fractional bits of the products, the bias (None without one) and the accumulator
    product_frac: int
    bias_frac: int | None
    acc_frac: int
    #: largest |accumulator| over every representable input, in LSBs of 2^-acc_frac
    bound: int
    #: a narrower accumulator the user asked for (``graph.meta["accumulators"]``), if any
    override: FixedFormat | None = None

    @property
    def product_shift(self) -> int:
        return self.acc_frac - self.product_frac

    @property
    def bias_shift(self) -> int:
        return 0 if self.bias_frac is None else self.acc_frac - self.bias_frac

    @property
    def bits(self) -> int:
        """Bits of the narrowest two's-complement accumulator that cannot overflow."""
        return self.bound.bit_length() + 1

    def required(self) -> str:
        return f"fixed<{self.bits},{self.bits - self.acc_frac}>"

    @property
    def may_overflow(self) -> bool:
        """The override cannot hold every value the layer can produce."""
        if self.override is None:
            return False
        frac = self.override.frac_bits
        # the bound at the override's LSB (rounded up when the override is coarser)
        at_lsb = self.bound << (frac - self.acc_frac) if frac >= self.acc_frac \
            else -(-self.bound >> (self.acc_frac - frac))
        return at_lsb > self.override.qmax

    @property
    def loses_bits(self) -> bool:
        """The override has fewer fractional bits than the exact sum."""
        return self.override is not None and self.override.frac_bits < self.acc_frac

    @property
    def problem(self) -> str:
        """What is wrong with the override, in words ("" when nothing is)."""
        return " and ".join(words for words, bad in (("can overflow", self.may_overflow),
                                                     ("drops fractional bits", self.loses_bits))
                            if bad)

    def to_json(self) -> dict:
        return {"op_index": self.op_index, "op_type": self.op_type, "output": self.output,
                "acc_frac": self.acc_frac, "bound": self.bound, "bits": self.bits,
                "required": self.required(),
                "override": None if self.override is None else self.override.describe(),
                "may_overflow": self.may_overflow, "loses_bits": self.loses_bits}


def _weight_magnitudes(op: Op, graph: Graph) -> tuple[np.ndarray, int]:
    """|w| as integers at the products' weight binary point, and that point's fractional bits."""
    t = graph.tensors[op.inputs[1]]
    if isinstance(t.fmt, FixedFormat):
        return np.abs(t.data.astype(np.int64)), t.fmt.frac_bits
    if isinstance(t.fmt, Pow2Format):
        sign, exponent = t.fmt.decode(t.data)
        shift = (exponent - t.fmt.min_exp).astype(np.int64)
        magnitude = np.where(sign == 0, 0, np.left_shift(np.int64(1), shift))
        return magnitude.astype(object), -t.fmt.min_exp  # Python ints: sums up to 2^62 * K
    raise UnsupportedError(f"{op.origin or op.type}: weights {t.name!r} are not fixed-point or "
                           "power-of-two")


def accumulator_bound(op: Op, graph: Graph, op_index: int = -1) -> AccumulatorBound:
    """The accumulator of fixed-point MAC ``op`` (see the module docstring)."""
    x = graph.tensors[op.inputs[0]].fmt
    if not op_def(op.type).is_mac or not isinstance(x, FixedFormat):
        raise UnsupportedError(f"{op.origin or op.type}: interval analysis covers fixed-point "
                               f"{', '.join(sorted(op_types(pattern='mac')))} layers")
    w_abs, w_frac = _weight_magnitudes(op, graph)
    product_frac = x.frac_bits + w_frac
    activation = with_defaults(op.type, op.attrs)["activation"]
    acc_frac = max(product_frac, ACTIVATION_FRAC.get(activation, product_frac))
    bias = graph.tensors[op.inputs[2]] if len(op.inputs) > 2 and op.inputs[2] else None
    bias_frac = bias.fmt.frac_bits if bias is not None else None
    if bias_frac is not None:
        acc_frac = max(acc_frac, bias_frac)
    axis = op_def(op.type).weight_axis
    per_channel = np.moveaxis(w_abs, axis, 0).reshape(w_abs.shape[axis], -1).sum(axis=1)
    x_max = max(-x.qmin, x.qmax)
    bounds = [int(s) * x_max << (acc_frac - product_frac) for s in per_channel]
    if bias is not None:
        bounds = [b + (abs(int(v)) << (acc_frac - bias_frac)) for b, v in zip(bounds, bias.data)]
    override = graph.meta.get("accumulators", {}).get(op.outputs[0])
    return AccumulatorBound(op_index, op.type, op.outputs[0], product_frac, bias_frac, acc_frac,
                            max(bounds, default=0),
                            FixedFormat.parse(override) if override else None)


def accumulator_report(graph: Graph) -> list[AccumulatorBound]:
    """The accumulator of every fixed-point MAC layer of ``graph``, in op order."""
    return [accumulator_bound(op, graph, i) for i, op in enumerate(graph.ops)
            if op_def(op.type).is_mac and isinstance(graph.tensors[op.inputs[0]].fmt, FixedFormat)]

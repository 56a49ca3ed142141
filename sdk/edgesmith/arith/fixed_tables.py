"""Table-based softmax, sigmoid (``logistic``) and tanh on fixed-point tensors.

The one implementation of these functions, shared by every backend. The tables are
computed here, once, in Python; the C runtime (``es_softmax_fx``,
``es_logistic_fx``, ``es_tanh_fx``) and the HLS kernels
(``hls/include/es_hls/activation.h``) get the very same raw integers as
constant arrays from these objects. Everything at run time is integer
arithmetic on raw values:

sigmoid / tanh / elu / hard_swish
    The table covers a span ``[lo, lo + 2^r)`` (``SPANS``: [-8, 8) for sigmoid,
    [-4, 4) for tanh and hard_swish, [-8, 0) for elu) in ``2^bits`` equal
    steps; entry ``j`` is ``f`` at the centre of step ``j`` cast into the
    output format (with its rounding and overflow modes).
    ``j = clamp((raw >> shift) + offset, 0, 2^bits - 1)``, ``offset = -lo / step``.
    elu and hard_swish are the identity from a point on (0 and 3): there the
    input is cast into the output exactly (``identity_from``, a raw input
    value), as a relu casts, and the table serves the curve below it.

softmax (over the last axis, n values)
    ``d_i = max - x_i >= 0`` (exact); ``e_i = exp_table[min(d_i >> exp_shift,
    size - 1)]``, entry ``j`` = ``exp(-beta * j * step)`` in ``ufixed<18,1>``
    (entry 0 is exactly 1, so the sum is at least 1); ``s = sum e_i`` exact in
    ``ufixed<18+c, 1+c>`` (2^c >= n); ``inv = inv_table[min(s >> inv_shift,
    size - 1)]``, entry ``k`` = 1 / (centre of the step k of s); the output
    is the exact product ``e_i * inv`` (``ufixed<36,2>``) cast once into the
    output format.

Index shifts are never negative: a table is never finer than its input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _sim
from ..errors import UnsupportedError
from ..ir import FixedFormat, Graph, Op, with_defaults

#: hls4ml's default table size is 1024 entries as well
TABLE_BITS = 10
#: exp and 1/sum entries: 18 bits (one DSP input), values in [0, 2)
ENTRY_FORMAT = FixedFormat(18, 1, signed=False, rounding="RND", overflow="SAT")
#: the exact product exp * (1 / sum): unsigned, twice the entries' bits
PRODUCT_WIDTH, PRODUCT_INTEGER_BITS = 2 * ENTRY_FORMAT.width, 2 * ENTRY_FORMAT.integer_bits
PRODUCT_FRAC_BITS = PRODUCT_WIDTH - PRODUCT_INTEGER_BITS
#: the input range [lo, hi) a table covers (hi - lo a power of two)
SPANS = {"logistic": (-8, 8), "tanh": (-4, 4), "elu": (-8, 0), "hard_swish": (-4, 4)}
#: where a function becomes the identity (the input cast exactly, no table)
IDENTITY_FROM = {"elu": 0, "hard_swish": 3}
_FUNCTIONS = {"logistic": lambda v: 1.0 / (1.0 + np.exp(-v)), "tanh": np.tanh,
              "elu": lambda v: np.where(v < 0, np.expm1(np.minimum(v, 0)), v),
              "hard_swish": lambda v: v * np.clip(v + 3, 0, 6) / 6}


@dataclass(frozen=True)
class LookupTable:
    """A table of sigmoid, tanh, elu or hard_swish: input raw -> output raw."""

    function: str
    input: FixedFormat
    output: FixedFormat
    bits: int
    shift: int
    values: np.ndarray  # raw values of ``output``
    offset: int
    #: the smallest raw input the function passes through unchanged (cast), or None
    identity_from: int | None = None

    @property
    def span(self) -> tuple[int, int]:
        return SPANS[self.function]

    def lookup(self, raw: np.ndarray) -> np.ndarray:
        raw = np.asarray(raw)
        index = np.clip((raw.astype(np.int64) >> self.shift) + self.offset, 0, len(self.values) - 1)
        out = self.values[index].astype(np.int32)
        if self.identity_from is None:
            return out
        above = raw >= self.identity_from
        if not above.any():  # (a cast refused between the formats is never reached then)
            return out
        cast = _sim.fixed_cast(np.ascontiguousarray(raw[above], np.int64), self.input.sim_type(),
                               self.output.sim_type())
        out[above] = cast.astype(np.int32)
        return out


@dataclass(frozen=True)
class SoftmaxTables:
    input: FixedFormat
    output: FixedFormat
    length: int  # values along the softmax axis
    exp_bits: int
    exp_shift: int
    exp_values: np.ndarray  # raw ENTRY_FORMAT
    sum_format: FixedFormat
    inv_bits: int
    inv_shift: int
    inv_values: np.ndarray  # raw ENTRY_FORMAT

    @property
    def output_drop(self) -> int:
        """Fractional bits the output cast drops from the exact product (negative: adds)."""
        return PRODUCT_FRAC_BITS - self.output.frac_bits

    def apply(self, raw: np.ndarray) -> np.ndarray:
        rows = raw.astype(np.int64).reshape(-1, self.length)
        diff = rows.max(axis=1, keepdims=True) - rows
        exps = self.exp_values[np.minimum(diff >> self.exp_shift, len(self.exp_values) - 1)]
        sums = exps.sum(axis=1, keepdims=True)
        inverse = self.inv_values[np.minimum(sums >> self.inv_shift, len(self.inv_values) - 1)]
        product = exps * inverse  # exact: PRODUCT_FRAC_BITS fractional bits
        out = _sim.fixed_cast(np.ascontiguousarray(product.reshape(-1)), _product_type(),
                              self.output.sim_type())
        return out.astype(np.int32).reshape(raw.shape)


def _product_type():
    return _sim.FixedType(PRODUCT_WIDTH, PRODUCT_INTEGER_BITS, False, "TRN", "WRAP")


def product_cast_is_refused(out: FixedFormat) -> bool:
    """Whether the cast of the (unsigned) product into ``out`` is one the ap_types headers
    abort on and the simulator's cast refuses (docs/FORMATS_IMPL.md): rounding other than
    TRN and TRN_ZERO into an LSB of at least 2^(I+1), I the product's integer bits. Checked
    here, before any cast runs, so that the refusal is an error message."""
    return out.rounding not in ("TRN", "TRN_ZERO") and -out.frac_bits >= PRODUCT_INTEGER_BITS + 1


def _formats(op: Op, graph: Graph) -> tuple[FixedFormat, FixedFormat]:
    fmts = graph.tensors[op.inputs[0]].fmt, graph.tensors[op.outputs[0]].fmt
    if not all(isinstance(f, FixedFormat) for f in fmts):
        raise UnsupportedError(f"{op.origin or op.type}: table {op.type} needs fixed-point "
                               "input and output")
    return fmts


def _index_bits(op: Op, wanted: int, available: int) -> int:
    """Entries of a table indexed by ``available`` input bits, at most 2^wanted."""
    bits = min(wanted, available)
    if bits < 1:
        raise UnsupportedError(f"{op.origin or op.type}: the input format is too coarse for a "
                               f"{op.type} table")
    return bits


def lookup_table(op: Op, graph: Graph, bits: int = TABLE_BITS) -> LookupTable:
    """The table of ``op`` (sigmoid ``logistic``, tanh, elu, hard_swish)."""
    x, out = _formats(op, graph)
    lo, hi = SPANS[op.type]
    r = (hi - lo).bit_length() - 1  # the span is 2^r wide
    bits = _index_bits(op, bits, x.frac_bits + r)
    step = 2.0 ** (r - bits)
    centres = lo + (np.arange(1 << bits) + 0.5) * step
    values = out.quantize(_FUNCTIONS[op.type](centres)).astype(np.int64)
    identity = None
    if op.type in IDENTITY_FROM:
        # the smallest raw r with r * 2^-F >= the point, kept within [qmin, qmax + 1]
        point = IDENTITY_FROM[op.type]
        first = -((-point << x.frac_bits) if x.frac_bits >= 0 else (-point >> -x.frac_bits))
        identity = min(max(first, x.qmin), x.qmax + 1)
        try:  # a cast the ap_types headers abort on is refused here, before any run
            if identity <= x.qmax:
                _sim.fixed_cast(np.zeros(1, np.int64), x.sim_type(), out.sim_type())
        except ValueError as exc:
            raise UnsupportedError(f"{op.origin or op.type}: {exc}") from None
    return LookupTable(op.type, x, out, bits, x.frac_bits + r - bits, values,
                       -lo << bits >> r, identity)


def softmax_tables(op: Op, graph: Graph, bits: int = TABLE_BITS) -> SoftmaxTables:
    x, out = _formats(op, graph)
    beta = float(with_defaults(op.type, op.attrs)["beta"])
    if beta <= 0:
        raise UnsupportedError(f"{op.origin or op.type}: softmax tables need beta > 0")
    if product_cast_is_refused(out):
        raise UnsupportedError(f"{op.origin or op.type}: softmax output {out.describe()} is "
                               "too coarse to round probabilities into",
                               hint="give the output fractional bits, e.g. ufixed<16,0>")
    length = graph.tensors[op.inputs[0]].shape[-1]
    # exp(-beta * d) is below half an entry LSB for d >= 2^r_exp
    r_exp = math.ceil(math.log2((ENTRY_FORMAT.frac_bits + 1) * math.log(2) / beta))
    exp_bits = _index_bits(op, bits, x.frac_bits + r_exp)
    exp_step = 2.0 ** (r_exp - exp_bits)
    exp_values = ENTRY_FORMAT.quantize(np.exp(-beta * np.arange(1 << exp_bits) * exp_step))
    c = max(0, (length - 1).bit_length())  # 2^c >= length: the sum is below 2^c + 1
    sum_format = FixedFormat(ENTRY_FORMAT.width + c, ENTRY_FORMAT.integer_bits + c,
                             signed=False)
    inv_bits = _index_bits(op, bits, ENTRY_FORMAT.frac_bits + c)
    inv_step = 2.0 ** (c - inv_bits)
    centres = (np.arange(1 << inv_bits) + 0.5) * inv_step
    inv_values = ENTRY_FORMAT.quantize(1.0 / centres)  # below 1: never indexed, saturates
    return SoftmaxTables(x, out, length, exp_bits, x.frac_bits + r_exp - exp_bits,
                         exp_values.astype(np.int64), sum_format, inv_bits,
                         ENTRY_FORMAT.frac_bits + c - inv_bits, inv_values.astype(np.int64))

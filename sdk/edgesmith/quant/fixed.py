"""Fixed-point post-training quantization (``--scheme fixed``): ``ap_fixed`` types per tensor.

* **Activations** get ``fixed<W, I, RND, SAT>`` (W = ``act_bits``, 16 by
  default): I is the smallest number of integer bits whose range holds the
  calibrated range of the tensor's share group (plus ``headroom`` bits), the
  other W - I bits are fractional. RND because truncation (TRN) always rounds
  down, a bias of half an LSB that adds up layer after layer; SAT because
  inputs the calibration set did not show can exceed the range, and WRAP
  would turn such an outlier into a value of the opposite sign, where
  saturation only clips it. Both cost a few gates per output, once a layer.
* **Softmax, sigmoid and tanh outputs** have known ranges, so they get a fixed
  type instead of a calibrated one (:func:`function_type`).
* **Weights** are constants rounded offline, so their modes cost nothing at
  run time: the format's I holds max |w| of the layer (often I <= 0, all
  bits fractional), rounding is to nearest-even (RND_CONV, unbiased) and SAT
  guards the one value that rounds up past the range.
* **Bias** sits at the products' binary point (x_frac + w_frac), so it adds
  to the accumulator without a shift, with as many integer bits as it needs
  (at most 32 bits; beyond that it gives up fractional bits).
* **Accumulators** are sized by interval analysis (:mod:`.intervals`), so no
  accumulator overflows; ``LAYER:acc=`` overrides that would are reported.

Per-layer overrides (:mod:`.overrides`) replace any of these. Power-of-two
weights (:mod:`.pow2`) plug in through ``weight_coder``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from ..errors import EdgesmithError, UnsupportedError
from ..ir import FixedFormat, Graph, NumberFormat, Op, Tensor, op_def
from ..sim.fixed_kernels import FIXED_KERNELS
from .calibrate import Range
from .int8 import group_ranges
from ..arith.intervals import accumulator_report
from .overrides import PrecisionOverrides

DEFAULT_WIDTH = 16
ACTIVATION_MODES = ("RND", "SAT")
WEIGHT_MODES = ("RND_CONV", "SAT")
BIAS_MAX_WIDTH = 32
_MAX_POINT = 64  # |I| and |F| limit of FixedFormat



def function_type(op_type: str, width: int) -> FixedFormat:
    """Output type at activation width ``width`` of an op with a fixed output range (its
    definition's ``output_range``; softmax, logistic [0, 1): ``ufixed<W,0>``; tanh [-1, 1):
    ``fixed<W,1>``). These are TFLite's int8 choices at W bits (scale 1/256, zero point -128
    is ufixed<8,0>; scale 1/128 is fixed<8,1>): every bit resolves the range, none is spent
    on integer bits the function never reaches. Its supremum saturates one LSB below; that
    error (2^-W unsigned) is no larger than the rounding error of the type with one more
    integer bit, which would hold it exactly. Unsigned tensors take at most 31 bits."""
    lo, hi = op_def(op_type).output_range
    ints = max(math.ceil(math.log2(max(abs(lo), hi))), 0)
    if lo >= 0:
        return FixedFormat(min(width, 31), ints, False, *ACTIVATION_MODES)
    return FixedFormat(width, ints + 1, True, *ACTIVATION_MODES)

#: (op, float weights, a fixed-point type the user chose or None) -> (stored weights, their
#: format, the weights' fractional bits in the products)
WeightCoder = Callable[[Op, np.ndarray, FixedFormat | None], tuple[np.ndarray, NumberFormat, int]]


def integer_bits(lo: float, hi: float, width: int, headroom: int = 0) -> int:
    """Fewest integer bits I such that signed ``fixed<width, I>`` holds [lo, hi], plus headroom."""
    peak = max(abs(lo), abs(hi))
    if not math.isfinite(peak):
        raise EdgesmithError(f"range [{lo}, {hi}] is not finite: the calibration data or the "
                             "model gives inf or NaN")
    if peak == 0:
        return 1 + headroom
    bits = max(math.frexp(peak)[1] - 1, 1 - _MAX_POINT + width)  # start one short of enough
    while True:
        step = math.ldexp(1.0, bits - width)
        if -math.ldexp(1.0, bits - 1) <= lo and hi <= math.ldexp(1.0, bits - 1) - step:
            return min(bits + headroom, _MAX_POINT)
        bits += 1


def range_type(r: Range, width: int, headroom: int = 0,
               modes: tuple[str, str] = ACTIVATION_MODES) -> FixedFormat:
    """``fixed<width, I, modes>`` with I from :func:`integer_bits`."""
    return FixedFormat(width, integer_bits(r.lo, r.hi, width, headroom), rounding=modes[0],
                       overflow=modes[1])


def fixed_weights(width: int) -> WeightCoder:
    """Weights as ``fixed<width, I, RND_CONV, SAT>`` with I from the layer's weight range."""

    def code(op: Op, w: np.ndarray, fmt: FixedFormat | None):
        fmt = fmt or range_type(Range(float(w.min()), float(w.max())), width, 0, WEIGHT_MODES)
        return fmt.quantize(w), fmt, fmt.frac_bits

    return code


def bias_type(b: np.ndarray, frac: int) -> FixedFormat:
    """The bias at ``frac`` fractional bits, or at fewer if that would take more than 32 bits."""
    ints = integer_bits(float(b.min()), float(b.max()), BIAS_MAX_WIDTH)
    frac = min(frac, BIAS_MAX_WIDTH - ints, _MAX_POINT)
    width = max(ints + frac, 2)  # a tiny bias still gets a sign bit and a value bit
    return FixedFormat(width, width - frac, rounding=WEIGHT_MODES[0], overflow=WEIGHT_MODES[1])


def fixed_ops() -> frozenset[str]:
    """Op types the fixed-point simulator runs; quantize and dequantize only cross into
    floats."""
    return frozenset(FIXED_KERNELS) - {"quantize", "dequantize"}


def check_fixed_ops(graph: Graph, scheme: str) -> None:
    supported = fixed_ops()
    for i, op in enumerate(graph.ops):
        if op.type not in supported:
            raise UnsupportedError(
                f"op {i} ({op.type}{', ' + op.origin if op.origin else ''}) has no fixed-point "
                f"kernel, so the {scheme} scheme cannot quantize it; fixed-point runs: "
                f"{', '.join(sorted(supported))}", hint="use --scheme int8")


def _activation_types(graph: Graph, ranges: dict[str, Range], width: int, headroom: int,
                      overrides: PrecisionOverrides) -> dict[str, FixedFormat]:
    group, merged = group_ranges(graph, ranges)
    chosen = {group[name]: fmt for name, fmt in overrides.by_part["output"].items()}
    functions = {group[op.outputs[0]]: function_type(op.type, width) for op in graph.ops
                 if op_def(op.type).quant == "range"}
    types = {}
    for name, t in graph.tensors.items():
        if t.is_const:
            continue
        root = group[name]
        types[name] = chosen.get(root) or overrides.default or functions.get(root) \
            or range_type(merged[root], width, headroom)
    return types


def quantize_fixed(graph: Graph, ranges: dict[str, Range], *, act_bits: int = DEFAULT_WIDTH,
                   weight_bits: int = DEFAULT_WIDTH, headroom: int = 0,
                   overrides: PrecisionOverrides | None = None,
                   weight_coder: WeightCoder | None = None, scheme: str = "fixed") -> Graph:
    """A fixed-point graph (raw values in int32) from a float graph and calibrated ranges."""
    check_fixed_ops(graph, scheme)
    overrides = overrides or PrecisionOverrides()
    coder = weight_coder or fixed_weights(weight_bits)
    q = graph.copy()
    for name, fmt in _activation_types(graph, ranges, act_bits, headroom, overrides).items():
        q.tensors[name].fmt, q.tensors[name].dtype = fmt, fmt.storage_dtype
    # a uniform type (``*=``) is for fixed-point weights and biases, not power-of-two ones
    weight_default = overrides.default if weight_coder is None else None
    for op in q.ops:
        _quantize_constants(q, op, coder, act_bits, overrides, weight_default)
    q.remove_unused_tensors()
    accumulators = {out: fmt.describe() for out, fmt in overrides.by_part["acc"].items()}
    q.meta = {**graph.meta, "quantized": f"{scheme} post-training",
              **({"accumulators": accumulators} if accumulators else {})}
    for acc in accumulator_report(q):
        if acc.problem:
            warnings.warn(f"op {acc.op_index} ({acc.op_type} -> {acc.output}): the accumulator "
                          f"{acc.override.describe()} {acc.problem}; interval analysis needs "
                          f"{acc.required()}", stacklevel=2)
    return q


def _quantize_constants(q: Graph, op: Op, coder: WeightCoder, width: int,
                        overrides: PrecisionOverrides, weight_default: FixedFormat | None) -> None:
    out = op.outputs[0]
    inputs = list(op.inputs)
    for k, name in enumerate(op.inputs):
        if name is None or not q.tensors[name].is_const:
            continue
        w = q.tensors[name].data.astype(np.float64)
        d = op_def(op.type)
        if d.is_mac and k == 1:
            data, fmt, w_frac = coder(op, w, overrides.get("weight", out) or weight_default)
        elif d.is_mac and k == 2:
            frac = q.tensors[inputs[0]].fmt.frac_bits + w_frac
            fmt = overrides.get("bias", out) or weight_default or bias_type(w, frac)
            data = fmt.quantize(w)
        elif d.quantizes_constants:
            fmt = overrides.default or range_type(Range(float(w.min()), float(w.max())), width)
            data = fmt.quantize(w)
        else:
            raise EdgesmithError(f"{op.origin or op.type}: constant input {k} ({name!r}) of a "
                                 f"{op.type} cannot be fixed-point quantized")
        tensor = Tensor(q.unique_name(f"{name}_q"), q.tensors[name].shape, str(data.dtype), fmt,
                        data)
        inputs[k] = q.add_tensor(tensor).name
    op.inputs = inputs

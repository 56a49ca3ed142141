"""The fixed-point (or power-of-two weights) graph the HLS backend takes, from a float graph.

The quantizer does the work (``quantize_graph(..., scheme="fixed"|"pow2")``,
:mod:`edgesmith.quant.fixed`); this module only states the HLS backend's
default, hls4ml's, so that the two are compared on equal terms: one uniform
``fixed<16,6,TRN,WRAP>`` (``ap_fixed<16,6>``) for every activation, weight and
bias, i.e. the quantizer's ``--precision '*=fixed<16,6,TRN,WRAP>'``. With a
uniform type no range is read from calibration data, so none is needed.
With ``pow2`` the weights become 0 or +/-2^k (``BITS``-bit codes, the
quantizer's rounding and exponent range), activations take the uniform
type and biases the quantizer's (at the products' binary point).

Models quantized beforehand (``edgesmith quantize --scheme fixed|pow2``,
an ``.esm``) are taken as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..errors import EdgesmithError, UnsupportedError
from ..ir import FixedFormat, Graph, Op, Tensor, with_defaults

#: hls4ml's default precision, ap_fixed<16,6> (TRN, WRAP)
DEFAULT_FIXED = FixedFormat(16, 6)
#: power-of-two codes of 4 bits: a sign and 3 exponent bits, 7 exponents
DEFAULT_POW2_BITS = 4


@dataclass(frozen=True)
class Precision:
    """One fixed-point type for everything, and fixed or power-of-two weights."""

    fixed: FixedFormat = DEFAULT_FIXED
    #: None for fixed-point weights, else the width of the power-of-two codes
    pow2_bits: int | None = None

    def describe(self) -> str:
        fixed = self.fixed.describe()
        return fixed if self.pow2_bits is None else f"pow2 weights ({self.pow2_bits}-bit codes), {fixed}"


_POW2 = re.compile(r"^\s*pow2(?:\s*:\s*(\d+))?\s*(?:,\s*(.+))?$")


def parse_precision(text: str | None) -> Precision:
    """``fixed<16,6>`` / ``ap_fixed<18,8,AP_RND,AP_SAT>`` (everything that type; modes
    default to ap_fixed's TRN, WRAP), or ``pow2[:BITS][,FIXED]`` (power-of-two weights
    of BITS-bit codes, the rest FIXED)."""
    if text is None or not text.strip():
        return Precision()
    match = _POW2.match(text)
    try:
        if match:
            bits = int(match.group(1) or DEFAULT_POW2_BITS)
            if not 2 <= bits <= 8:
                raise ValueError("pow2 codes have 2 to 8 bits")
            fixed = FixedFormat.parse(match.group(2)) if match.group(2) else DEFAULT_FIXED
            return Precision(fixed, bits)
        return Precision(FixedFormat.parse(text))
    except ValueError as exc:
        raise EdgesmithError(f"bad --precision {text!r}: {exc}",
                             hint="e.g. 'fixed<16,6>', 'ap_fixed<18,8,AP_RND,AP_SAT>', 'pow2', "
                                  "'pow2:5,fixed<16,6>'") from None


def is_fixed_point(graph: Graph) -> bool:
    """Every activation is fixed-point (the graph needs no precision assigned)."""
    acts = [t for t in graph.tensors.values() if not t.is_const]
    return bool(acts) and all(isinstance(t.fmt, FixedFormat) for t in acts)


def fixed_point_graph(graph: Graph, precision: Precision = Precision()) -> Graph:
    """``graph`` (float) quantized with ``precision``; fixed-point graphs pass through."""
    from ..quant import quantize_graph

    if is_fixed_point(graph):
        return graph
    if graph.is_quantized():
        raise UnsupportedError(f"{graph.name}: the HLS backend takes float or fixed-point graphs; "
                               "this one is int8 affine", hint="give it the float model")
    lowered = graph.copy()
    lower_global_mean(lowered)
    scheme = "fixed" if precision.pow2_bits is None else "pow2"
    q = quantize_graph(lowered, _unused_calibration(lowered), scheme=scheme,
                       weight_bits=precision.pow2_bits,
                       precision={"*": precision.fixed.describe()})
    q.meta["precision"] = precision.describe()
    return q


def _unused_calibration(graph: Graph) -> dict[str, np.ndarray]:
    """One zero sample per input: the quantizer calibrates, but a uniform type reads no range."""
    return {name: np.zeros((1,) + tuple(graph.tensors[name].shape[1:]), np.float32)
            for name in graph.inputs}


def lower_global_mean(graph: Graph) -> None:
    """``mean`` over H and W (Keras global average pooling) becomes a global
    ``avg_pool2d`` (+ ``reshape``): the same exact mean, which has fixed-point and
    HLS kernels."""
    for i, op in enumerate(list(graph.ops)):
        if op.type != "mean":
            continue
        x = graph.tensors[op.inputs[0]]
        a = with_defaults(op.type, op.attrs)
        if len(x.shape) != 4 or {ax % 4 for ax in a["axes"]} != {1, 2}:
            raise UnsupportedError(f"op {i} (mean{', ' + op.origin if op.origin else ''}): "
                                   "only the mean over H and W of an NHWC tensor has a "
                                   "fixed-point kernel")
        pooled = graph.add_tensor(Tensor(graph.unique_name(f"{op.outputs[0]}/pool"),
                                         (x.shape[0], 1, 1, x.shape[3]), x.dtype))
        pool = Op("avg_pool2d", [x.name], [pooled.name],
                  with_defaults("avg_pool2d", {"kernel": (x.shape[1], x.shape[2])}), op.origin)
        view = Op("reshape", [pooled.name], list(op.outputs),
                  {"shape": tuple(graph.tensors[op.outputs[0]].shape)}, op.origin)
        at = graph.ops.index(op)
        graph.ops[at:at + 1] = [pool, view]

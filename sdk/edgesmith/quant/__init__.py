"""Quantization: calibration, number-format assignment and lowering to integer graphs."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import EdgesmithError
from ..ir import Graph

SCHEMES = ("int8", "fixed", "pow2")


def quantize_graph(graph: Graph, calib, *, scheme: str = "int8", per_channel: bool = True,
                   weight_bits: int | None = None, act_bits: int | None = None,
                   precision: dict | None = None, headroom: int = 0,
                   advance: Callable[[int], None] | None = None) -> Graph:
    """Quantize a float graph with calibration data (array or dict of arrays, batch on axis 0).

    * ``int8``: TFLite's affine scheme; ``weight_bits``/``act_bits`` 4 or 2 give sub-byte
      weights/activations with the same arithmetic (:mod:`.subbyte`); ``act_bits`` 16 gives
      TFLite's 16x8 scheme (int16 activations, int8 weights, int64 bias: :mod:`.int16x8`).
    * ``fixed``: ``ap_fixed`` types per tensor, W = ``act_bits``/``weight_bits`` (16 by
      default), I from the calibrated ranges plus ``headroom`` bits (:mod:`.fixed`).
    * ``pow2``: power-of-two weights with ``weight_bits``-bit codes (4 by default) on
      fixed-point activations (:mod:`.pow2`).

    ``precision`` maps ``LAYER[:weight|:bias|:acc]`` (op output tensor or index, or ``*``)
    to a ``fixed<W,I,Q,O>`` type for the fixed and pow2 schemes (:mod:`.overrides`).
    ``advance(n)`` is told the calibration samples run so far (a progress bar).
    """
    from .calibrate import calibrate

    if scheme not in SCHEMES:
        raise EdgesmithError(f"unknown quantization scheme {scheme!r}; "
                             f"available: {', '.join(SCHEMES)}")
    if scheme == "int8":
        from .subbyte import quantize_subbyte

        if precision:
            raise EdgesmithError("--precision sets fixed-point types; it applies to --scheme "
                                 "fixed and pow2, not int8")
        if act_bits == 16:  # TFLite's 16x8 scheme: int16 activations, int8 weights
            from .int16x8 import check_int16x8_ops, quantize_16x8

            if weight_bits not in (None, 8):
                raise EdgesmithError("--act-bits 16 (16x8) takes int8 weights; drop "
                                     f"--weight-bits {weight_bits}")
            check_int16x8_ops(graph)  # before calibrating: refuse early
            return quantize_16x8(graph, calibrate(graph, calib, advance=advance),
                                 per_channel=per_channel)
        ranges = calibrate(graph, calib, advance=advance)
        return quantize_subbyte(graph, ranges, weight_bits=weight_bits or 8,
                                act_bits=act_bits or 8, per_channel=per_channel)
    from .fixed import DEFAULT_WIDTH, check_fixed_ops, quantize_fixed
    from .overrides import parse_precision
    from .pow2 import DEFAULT_CODE_BITS, pow2_weights

    check_fixed_ops(graph, scheme)  # before calibrating: refuse early
    overrides = parse_precision(graph, precision)
    coder = pow2_weights(weight_bits or DEFAULT_CODE_BITS) if scheme == "pow2" else None
    ranges = calibrate(graph, calib, advance=advance)
    return quantize_fixed(graph, ranges, act_bits=act_bits or DEFAULT_WIDTH,
                          weight_bits=weight_bits or DEFAULT_WIDTH, headroom=headroom,
                          overrides=overrides, weight_coder=coder, scheme=scheme)


__all__ = ["SCHEMES", "quantize_graph"]

"""Quantization: calibration, number-format assignment and lowering to integer graphs."""

from __future__ import annotations

from ..errors import EdgesmithError
from ..ir import Graph

SCHEMES = ("int8",)


def quantize_graph(graph: Graph, calib, *, scheme: str = "int8", per_channel: bool = True) -> Graph:
    """Quantize a float graph with calibration data (array or dict of arrays, batch on axis 0)."""
    from .calibrate import calibrate
    from .int8 import quantize_int8

    if scheme not in SCHEMES:
        raise EdgesmithError(f"unknown quantization scheme {scheme!r}; "
                             f"available: {', '.join(SCHEMES)}")
    ranges = calibrate(graph, calib)
    return quantize_int8(graph, ranges, per_channel=per_channel)


__all__ = ["SCHEMES", "quantize_graph"]

"""Formats of the low-bit branch (QuantMCU): ranges from the non-outlier calibration patches.

A width unit's low-bit format is an asymmetric affine format
(:func:`.int8.activation_format`) over a range taken from the float model's
values of the unit on the calibration patches that VDPC routes to the low-bit
branch. Outliers go to the 8-bit branch, so they do not stretch these ranges:
that is what lets 4 and 2 bits keep the resolution the int8 format (whose
range spans every patch) spends on the few outlier values.

Range rules:

* ``"minmax"``: the observed range (widened to contain 0);
* ``"mse"`` (default): that range scaled by the factor in :data:`CLIP_FACTORS`
  with the least mean squared quantization error at the width (clipping the
  tail trades a few saturated values for a finer step, which pays at 2-4 bits).
"""

from __future__ import annotations

import numpy as np

from ..ir import AffineFormat, Graph
from ..memory.patch import PatchPlan
from .calibrate import Range
from .int8 import activation_format
from .mixed_patch import feature_map_windows, gather_windows

#: range scale factors the "mse" rule tries (1.0 = the observed range)
CLIP_FACTORS = tuple(round(1.0 - 0.02 * k, 2) for k in range(48))
#: values per unit kept for choosing ranges (a fixed stride over positions thins larger sets)
MAX_RANGE_VALUES = 1 << 17
RANGE_RULES = ("mse", "minmax")


def stage_prefix(graph: Graph, last_op: int) -> Graph:
    """Ops ``0..last_op`` of ``graph`` as a graph whose output is op ``last_op``'s output
    (``last_op = -1``: no op, the output is the input)."""
    outputs = [graph.ops[last_op].outputs[0]] if last_op >= 0 else list(graph.inputs)
    return Graph(f"{graph.name}.prefix", graph.tensors, graph.ops[:last_op + 1],
                 list(graph.inputs), outputs)


def low_bit_values(float_graph: Graph, plan: PatchPlan, calib: np.ndarray, low: np.ndarray,
                   units: list[tuple[str, ...]], max_values: int = MAX_RANGE_VALUES
                   ) -> list[np.ndarray]:
    """Values of each unit's feature maps (float model, float ``calib`` inputs) in the
    windows of the patches where ``low`` (samples x patches) is set; beyond ``max_values``
    values, every k-th position keeps all its channels (a stride over single values
    would keep only some channels whenever k shares a factor with the channel count)."""
    from ..sim import simulate

    windows = feature_map_windows(float_graph, plan)
    take = low if low.any() else np.ones_like(low)  # no low-bit patch: any range will do
    values = simulate(stage_prefix(float_graph, plan.split), calib, keep_intermediates=True)
    samples = []
    for names in units:
        positions = [gather_windows(values[n], windows[n], take).reshape(-1, values[n].shape[-1])
                     for n in names if n in windows]
        stride = max(1, -(-sum(p.size for p in positions) // max_values))
        samples.append(np.concatenate([p[::stride].ravel() for p in positions]))
    return samples


def low_bit_range(values: np.ndarray, bits: int, rule: str = "mse") -> Range:
    """The range of a ``bits``-wide format for ``values`` under ``rule`` (ties in the
    squared error go to the wider range)."""
    full = Range(min(float(values.min()), 0.0), max(float(values.max()), 0.0))
    if rule == "minmax":
        return full
    if rule != "mse":
        raise ValueError(f"unknown range rule {rule!r}; choose one of {', '.join(RANGE_RULES)}")
    best, best_err = full, None
    for factor in CLIP_FACTORS:
        r = Range(full.lo * factor, full.hi * factor)
        fmt = activation_format(r, bits)
        err = float(np.mean((fmt.dequantize(fmt.quantize(values)) - values) ** 2))
        if best_err is None or err < best_err:
            best, best_err = r, err
    return best


def unit_formats(names: tuple[str, ...], values: np.ndarray, bits: int, rule: str
                 ) -> dict[str, AffineFormat]:
    """The low-bit formats of one unit at ``bits`` (none at 8: the int8 formats stay)."""
    if bits == 8:
        return {}
    fmt = activation_format(low_bit_range(values, bits, rule), bits)
    return {n: fmt for n in names}

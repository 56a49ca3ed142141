"""VDPC, value-driven patch classification (QuantMCU): which patches keep 8 bits.

QuantMCU observes that the few values far from zero (outliers) carry much of
what a layer computes and are what low bit widths destroy; a patch whose input
holds an outlier therefore keeps 8-bit feature maps on the branch that follows
it, and every other patch takes the low-bit branch. Classifying per patch
keeps the low-bit branch's ranges narrow (they are calibrated on non-outlier
patches only, :mod:`.vdqs`), which is where its accuracy comes from.

The rule, in integers so that C code can apply exactly the same test:

* offline, ``threshold`` is the ``percentile``-th percentile (NumPy's
  ``"higher"`` method, so an integer that occurs in the data) of
  ``|q - zero_point|`` over every value of the int8-quantized calibration inputs;
* at run time a patch is an *outlier patch*, and takes the 8-bit branch, when
  some value ``q`` of its own input window (the region of the model input its
  stage ops read, halo included) has ``|q - zero_point| > threshold``.

``|q - zero_point|`` measures the distance from real zero, so the test is the
same for signed and skewed ranges and needs no float. A threshold of 255 or
more sends every patch to the low-bit branch; ``-1`` sends every patch to the
8-bit branch.

The paper states the outlier criterion in terms of the value distribution;
the stored copies we could read give no exact rule, so the percentile rule
above is ours (its default, 99.9, marks about one value in a thousand).
"""

from __future__ import annotations

import numpy as np

from ..errors import EdgesmithError
from ..ir import Graph
from ..memory.patch import PatchPlan
from .mixed_patch import feature_map_windows

DEFAULT_OUTLIER_PERCENTILE = 99.9


def distance_from_zero(graph: Graph, x: np.ndarray) -> np.ndarray:
    """``|q - zero_point|`` of the int8 model input values ``x`` (int16, exact)."""
    fmt = graph.tensors[graph.inputs[0]].fmt
    if x.dtype != np.int8:
        raise EdgesmithError(f"VDPC reads the int8 model input; got {x.dtype} values",
                             hint="quantize the inputs with the model's input format first")
    return np.abs(x.astype(np.int16) - np.int16(fmt.scalar()[1]))


def calibrate_threshold(graph: Graph, x: np.ndarray,
                        percentile: float = DEFAULT_OUTLIER_PERCENTILE) -> int:
    """The outlier threshold of the model input from int8 calibration inputs ``x``."""
    if not 0 <= percentile <= 100:
        raise EdgesmithError(f"outlier percentile {percentile} is not within [0, 100]")
    if x.size == 0:
        raise EdgesmithError("the calibration set is empty")
    return int(np.percentile(distance_from_zero(graph, x), percentile, method="higher"))


def route_patches(graph: Graph, plan: PatchPlan, x: np.ndarray, threshold: int) -> np.ndarray:
    """Which patches take the 8-bit branch: bool (samples, patches), True = 8-bit.

    Patch p of sample n is an outlier patch when its input window holds a value
    farther than ``threshold`` from the zero point.
    """
    distance = distance_from_zero(graph, x)
    windows = feature_map_windows(graph, plan)[graph.inputs[0]]
    routes = np.empty((x.shape[0], len(windows)), dtype=bool)
    for p, (rows, cols) in enumerate(windows):
        window = distance[:, rows.start:rows.stop, cols.start:cols.stop]
        routes[:, p] = window.reshape(x.shape[0], -1).max(axis=1) > threshold
    return routes

"""Turn each library's split rule into one float32 ``x <= t`` test, exactly.

The libraries compare differently: scikit-learn casts features to float32
and tests ``x <= t`` against a float64 threshold; LightGBM widens the feature
to double and tests ``x <= t`` too; XGBoost tests ``x < t`` in float32. For a
float32 feature ``x``:

- ``x <= t64``  equals ``x <= t32`` with ``t32`` the largest float32 ``<= t64``;
- ``x < t32``   equals ``x <= t32'`` with ``t32'`` the float32 just below ``t32``.

so a single float32 compare reproduces every library's decision for every
finite or infinite float32 value (NaN, the libraries' missing value, is not
an input edgesmith accepts).
"""

from __future__ import annotations

import numpy as np


def le_float64(threshold: np.ndarray) -> np.ndarray:
    """float32 ``t32`` with ``x <= t32  <=>  x <= threshold`` for every float32 x."""
    t64 = np.asarray(threshold, np.float64)
    t32 = t64.astype(np.float32)  # round to nearest: may land above t64
    above = t32.astype(np.float64) > t64
    t32[above] = np.nextafter(t32[above], np.float32(-np.inf))
    return t32


def lt_float32(threshold: np.ndarray) -> np.ndarray:
    """float32 ``t'`` with ``x <= t'  <=>  x < threshold`` for every float32 x."""
    t32 = np.asarray(threshold, np.float32)
    return np.nextafter(t32, np.float32(-np.inf))


def integer_thresholds(t32: np.ndarray, scale: np.ndarray, zero_point: np.ndarray,
                       qmin: int = -128, qmax: int = 127) -> np.ndarray:
    """Integer thresholds for quantized features, per node: ``q <= qt  <=>  x(q) <= t32``.

    ``x(q) = float32(scale * (q - zero_point))`` is the feature's dequantized
    value (monotonic in q), so the largest q whose value passes the test is the
    threshold; every decision on a quantized input equals the float decision
    on its dequantized value. ``qmin - 1`` means "never left", ``qmax`` "always".
    ``scale`` and ``zero_point`` are the per-node feature's parameters.
    """
    q = np.arange(qmin, qmax + 1, dtype=np.int32)
    x = (np.asarray(scale, np.float32)[:, None]
         * (q[None, :] - np.asarray(zero_point, np.int32)[:, None]).astype(np.float32))
    passes = x.astype(np.float32) <= np.asarray(t32, np.float32)[:, None]
    count = passes.sum(axis=1)  # passes is a prefix of q (monotonic), so count gives the last
    return (qmin - 1 + count).astype(np.int32)

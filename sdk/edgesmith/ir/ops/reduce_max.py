"""reduce_max: the largest value over some axes (TFLite REDUCE_MAX)."""

from __future__ import annotations

import numpy as np

from .reduce_select import reduce_op

REDUCE_MAX = reduce_op("reduce_max", "REDUCE_MAX", np.max)

"""reduce_min: the smallest value over some axes (TFLite REDUCE_MIN)."""

from __future__ import annotations

import numpy as np

from .reduce_select import reduce_op

REDUCE_MIN = reduce_op("reduce_min", "REDUCE_MIN", np.min)

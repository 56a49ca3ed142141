"""maximum: the larger of a and b, elementwise with broadcasting (TFLite MAXIMUM)."""

from __future__ import annotations

import numpy as np

from .select import select_op

MAXIMUM = select_op("maximum", "MAXIMUM", "Maximum", np.maximum)

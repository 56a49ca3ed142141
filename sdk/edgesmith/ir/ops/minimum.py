"""minimum: the smaller of a and b, elementwise with broadcasting (TFLite MINIMUM)."""

from __future__ import annotations

import numpy as np

from .select import select_op

MINIMUM = select_op("minimum", "MINIMUM", "Minimum", np.minimum)

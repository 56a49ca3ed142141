"""arg_min: the index of the smallest value along one axis (TFLite ARG_MIN)."""

from __future__ import annotations

import numpy as np

from .arg_select import arg_op

ARG_MIN = arg_op("arg_min", "ARG_MIN", np.argmin)

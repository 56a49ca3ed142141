"""arg_max: the index of the largest value along one axis (TFLite ARG_MAX)."""

from __future__ import annotations

import numpy as np

from .arg_select import arg_op

ARG_MAX = arg_op("arg_max", "ARG_MAX", np.argmax)

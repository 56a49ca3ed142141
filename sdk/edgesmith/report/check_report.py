"""What every comparison reports: how many samples differed and where the first one did.

Each verifier (LiteRT, TFLite Micro, host C, QEMU, serial boards, HLS C-simulation) fills one
:class:`CheckReport`; :func:`samples_differ` is the one per-sample comparison.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass
class CheckReport:
    model: str
    samples: int
    mismatched_samples: int
    #: None, or where the first mismatching sample first differs: op_index,
    #: op_type, origin, tensor, sample, index (element index within the
    #: sample), ours, theirs
    first_mismatch: dict | None = None
    #: the generated code that ran (C name, planner strategy, in-place, patch plan, arena
    #: bytes), or None for a runtime's own kernels
    code: dict | None = None

    @property
    def ok(self) -> bool:
        return self.mismatched_samples == 0

    def to_json(self) -> dict:
        return asdict(self)


def mismatch_record(op_index: int, op, tensor: str, sample: int, index: tuple, ours,
                    theirs) -> dict:
    """A ``CheckReport.first_mismatch``: where the first difference is and both values."""
    return {"op_index": op_index, "op_type": op.type, "origin": op.origin, "tensor": tensor,
            "sample": sample, "index": index, "ours": ours, "theirs": theirs}


def samples_differ(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Per sample (axis 0 of both batches): does any value differ? Other sizes differ."""
    n = theirs.shape[0]
    a, b = np.asarray(ours).reshape(n, -1), np.asarray(theirs).reshape(n, -1)
    if a.shape != b.shape:
        return np.ones(n, dtype=bool)
    return np.any(a != b, axis=1)

"""mirror_pad: padding that mirrors the tensor at its borders (TFLite MIRROR_PAD): ``reflect``
leaves the border element out of the mirror, ``symmetric`` repeats it."""

from __future__ import annotations

import numpy as np

from ...errors import ModelFormatError
from .base import Attr, OpDef, register
from .tflite_read import option, paddings

MODES = ("reflect", "symmetric")


def _shape(shapes, a):
    x, pads = shapes[0], a["pads"]
    if len(pads) != len(x) or tuple(pads[0]) != (0, 0):
        raise ValueError(f"mirror_pad needs {len(x)} (before, after) pairs, (0, 0) for the batch")
    room = 1 if a["mode"] == "reflect" else 0  # the border is not mirrored in reflect mode
    for axis, (d, (lo, hi)) in enumerate(zip(x, pads)):
        if min(lo, hi) < 0 or max(lo, hi) > d - room:
            raise ValueError(f"{a['mode']} padding ({lo}, {hi}) of axis {axis} exceeds its "
                             f"size {d} less {room}")
    return [tuple(d + lo + hi for d, (lo, hi) in zip(x, pads))]


def _move(x, a):
    return np.pad(x, [tuple(p) for p in a["pads"]], mode=a["mode"])


def _from_tflite(imp, op) -> None:
    mode = option(op, "Mode", 0)
    if mode not in (0, 1):
        raise ModelFormatError(f"{imp.path}: {op.title}: unknown mirror mode {mode}")
    imp.emit(op, "mirror_pad", op.inputs[:1],
             {"pads": paddings(imp, op), "mode": MODES[mode]})


MIRROR_PAD = register(OpDef(
    "mirror_pad", ("x",), {"pads": Attr("pairs", required=True),
                           "mode": Attr("str", "reflect", MODES)}, _shape,
    doc="Padding mirrored at the borders (reflect: without the border element; symmetric: with).",
    pattern="injective", quant="shares", move=_move, tflite=("MIRROR_PAD",),
    from_tflite=_from_tflite))

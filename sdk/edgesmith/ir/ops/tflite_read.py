"""Option readers shared by the TFLite mappings of the op definitions.

A definition's ``from_tflite(imp, op)`` receives the importer (``imp``: its
``path``, ``tflite(index)``, ``const_values``, ``emit``) and the operator
(``op``: ``title``, ``inputs``, ``outputs``, ``options``).
"""

from __future__ import annotations

import numpy as np

from ...errors import ModelFormatError, UnsupportedError
from .base import same_padding

FUSED_ACTIVATIONS = {0: "none", 1: "relu", 2: "relu_n1_to_1", 3: "relu6"}
_ACTIVATION_NAMES = {4: "TANH", 5: "SIGN_BIT"}
PADDING_SAME, PADDING_VALID = 0, 1


def option(op, getter: str, default):
    """Option ``getter`` of ``op``'s options table, ``default`` when it has none."""
    if op.options is None:
        return default
    try:
        return getattr(op.options, getter)()
    except Exception as exc:  # a damaged options table: the flatbuffer reader raises anything
        raise ModelFormatError(f"{op.title}: its options cannot be read ({exc})") from None


def fused_activation(imp, op) -> str:
    code = option(op, "FusedActivationFunction", 0)
    if code not in FUSED_ACTIVATIONS:
        name = _ACTIVATION_NAMES.get(code, str(code))
        raise UnsupportedError(f"{imp.path}: {op.title}: fused activation {name} is not "
                               f"supported (supported: {', '.join(FUSED_ACTIVATIONS.values())})")
    return FUSED_ACTIVATIONS[code]


def positive(imp, op, what: str, values) -> tuple[int, ...]:
    """``values`` as ints, refused unless every one is at least 1."""
    values = tuple(int(v) for v in values)
    if any(v < 1 for v in values):
        raise ModelFormatError(f"{imp.path}: {op.title}: {what} {list(values)} must be >= 1")
    return values


def window_pads(imp, op, size_hw, kernel_hw, stride, dilation) -> tuple:
    """(top, bottom, left, right) of SAME or VALID padding, as TFLite computes them."""
    padding = option(op, "Padding", PADDING_SAME)
    if padding == PADDING_VALID:
        return (0, 0, 0, 0)
    if padding != PADDING_SAME:
        raise UnsupportedError(f"{imp.path}: {op.title}: unknown padding code {padding}")
    top, bottom = same_padding(size_hw[0], kernel_hw[0], stride[0], dilation[0])
    left, right = same_padding(size_hw[1], kernel_hw[1], stride[1], dilation[1])
    return (top, bottom, left, right)


def optional_input(op, index: int) -> int:
    """The tensor index of optional input ``index`` (-1 when absent)."""
    return op.inputs[index] if len(op.inputs) > index else -1


def paddings(imp, op) -> tuple[tuple[int, int], ...]:
    """The constant (before, after) pairs of a PAD-like op, refused on the batch axis."""
    pairs = imp.const_values(op, 1, "paddings").astype(np.int64)
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise ModelFormatError(f"{imp.path}: {op.title}: paddings of shape {pairs.shape}")
    if pairs[0].any():
        raise UnsupportedError(f"{imp.path}: {op.title}: padding the batch axis is not supported")
    return tuple((int(a), int(b)) for a, b in pairs)

"""Resource bounds every loaded model must respect before anything is allocated.

A model file declares sizes (shapes, bit widths, strides, dilations) that
later code turns into allocations and loops. Checking the declared numbers
here, against limits far above any microcontroller or FPGA model, keeps a
damaged or hostile file from asking for gigabytes or looping for hours. Every
refusal names the place, the declared size and the limit.
"""

from __future__ import annotations

import math

from ..errors import ResourceLimitError

#: elements of one tensor (a 64 MiB float32 activation)
MAX_TENSOR_ELEMENTS = 1 << 24
#: bytes of all constants of a model together
MAX_CONST_BYTES = 256 << 20
#: bytes an archive may decompress to (all members together)
MAX_DECOMPRESSED_BYTES = 512 << 20
#: bytes of one planned activation arena (far above any MCU or FPGA on-chip RAM)
MAX_ARENA_BYTES = 256 << 20
#: ops of one graph
MAX_OPS = 10_000
#: tensors of one graph
MAX_TENSORS = 50_000
#: dimensions of one tensor
MAX_RANK = 8
#: stride, dilation, kernel size and padding of a window op
MAX_WINDOW = 1 << 12
#: bits of one stored number
MAX_BITS = 32
#: samples of one generated batch (--samples) times the elements of one sample
MAX_BATCH_ELEMENTS = 1 << 26


def check_limit(where: str, what: str, size: int, limit: int) -> None:
    """Refuse ``size`` above ``limit``, naming the place, the size and the limit."""
    if size > limit:
        raise ResourceLimitError(f"{where}: {what} is {size:,}, more than edgesmith accepts "
                                 f"({limit:,})",
                                 hint="this is far beyond any model edgesmith targets; "
                                      "the file is probably damaged")


def check_shape(where: str, shape, *, allow_zero: bool = False) -> tuple[int, ...]:
    """``shape`` as a tuple of ints after checking rank, each dimension and the element count."""
    if not isinstance(shape, (list, tuple)) or not all(
            isinstance(d, int) and not isinstance(d, bool) for d in shape):
        raise ResourceLimitError(f"{where}: shape {shape!r} is not a list of integers")
    check_limit(where, "the rank", len(shape), MAX_RANK)
    low = 0 if allow_zero else 1
    if any(d < low for d in shape):
        raise ResourceLimitError(f"{where}: shape {list(shape)} has a dimension below {low}")
    elements = math.prod(shape)
    check_limit(where, f"the element count of shape {list(shape)}", elements, MAX_TENSOR_ELEMENTS)
    return tuple(shape)


#: window attributes of IR ops and the smallest value each may take
_WINDOW_ATTRS = {"stride": 1, "dilation": 1, "kernel": 1, "pads": 0}


def check_graph_bounds(graph, source: str) -> None:
    """Op count, tensor sizes, constant bytes, bit widths and window attributes of ``graph``."""
    check_limit(source, "the op count", len(graph.ops), MAX_OPS)
    check_limit(source, "the tensor count", len(graph.tensors), MAX_TENSORS)
    const_bytes = 0
    for t in graph.tensors.values():
        where = f"{source}: tensor {t.name!r}"
        check_shape(where, tuple(t.shape), allow_zero=t.is_const)
        if t.fmt is not None:
            bits = getattr(t.fmt, "bits", 0)
            if not isinstance(bits, int) or not 1 <= bits <= MAX_BITS:
                raise ResourceLimitError(f"{where}: a format of {bits!r} bits; edgesmith "
                                         f"stores 1 to {MAX_BITS} bits")
        if t.is_const:
            const_bytes += int(t.data.nbytes)
    check_limit(source, "the constant bytes", const_bytes, MAX_CONST_BYTES)
    for i, op in enumerate(graph.ops):
        for key, low in _WINDOW_ATTRS.items():
            value = op.attrs.get(key)
            if value is None:
                continue
            flat = flat_ints(value)
            if flat is None or any(v < low or v > MAX_WINDOW for v in flat):
                raise ResourceLimitError(
                    f"{source}: op {i} ({op.type}, {op.origin or 'no origin'}): {key} "
                    f"{value!r} is outside [{low}, {MAX_WINDOW:,}]")


def flat_ints(value) -> list[int] | None:
    """The ints of an int or a nested list of ints, in order; None if anything else is there."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return [value]
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            inner = flat_ints(v)
            if inner is None:
                return None
            out.extend(inner)
        return out
    return None

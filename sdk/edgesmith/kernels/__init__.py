"""Which kernels each backend has, found by (op, format tag).

A kernel is named after its op and the tag of the number format it runs:
``s8`` (int8 affine), ``s4`` (packed 4-/2-bit affine), ``fx`` (fixed point),
``p2`` (power-of-two weights), ``f32`` (float). The C runtime's kernels are
``es_<op>_<tag>`` in ``runtime/include/es_nn.h``, whose prototypes
:mod:`.c_prototypes` reads, so the header stays the one list of C kernels.
"""

from __future__ import annotations

from .c_prototypes import runtime_prototypes

TAGS = ("s8", "s4", "fx", "p2", "f32")


def c_kernel_names() -> frozenset[str]:
    """Every function the C runtime header declares."""
    return frozenset(runtime_prototypes())


def c_kernel(op_type: str, tag: str) -> str | None:
    """The C kernel of ``op_type`` on ``tag`` tensors, or None when the runtime has none."""
    name = f"es_{op_type}_{tag}"
    return name if name in c_kernel_names() else None

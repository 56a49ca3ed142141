"""Sub-byte affine quantization (``--scheme int8 --weight-bits 4|2 --act-bits 4|2``).

The arithmetic is that of int8 (FORMATS.md): weights symmetric in
[-(2^(b-1) - 1), 2^(b-1) - 1], per output channel (a scale per channel is
what keeps 4- and 2-bit convolutions usable: one channel's large weights no
longer coarsen every other channel's grid), activations asymmetric per
tensor. The IR keeps one value per int8 element; the C runtime packs them
(``es_*_s4`` kernels, layout in ``runtime/include/es_nn_types.h``).

Which activations go below 8 bits: those between layers that have packed C
kernels (dense, conv2d, depthwise conv2d, max and average pooling, and
reshape, a view). The model's inputs and outputs stay int8, so the sensor
data and the scores keep their precision and the generated API keeps int8
buffers; so does every tensor that shares a format with one of them
(reshape, pooling) and the input of softmax and other fixed-format ops.
"""

from __future__ import annotations

from ..errors import EdgesmithError
from ..ir import OP_DEFS, Graph, op_types
from ..kernels import c_kernel
from .calibrate import Range
from .int8 import _share_groups, quantize_int8

SUBBYTE_BITS = (8, 4, 2)


def packed_ops() -> frozenset[str]:
    """Op types whose inputs and outputs may be packed sub-byte tensors in the C runtime:
    those with an ``es_<op>_s4`` kernel, and views."""
    return frozenset(n for n in OP_DEFS if c_kernel(n, "s4")) | op_types(view=True)


def check_bits(weight_bits: int, act_bits: int) -> None:
    for what, bits in (("--weight-bits", weight_bits), ("--act-bits", act_bits)):
        if bits not in SUBBYTE_BITS:
            raise EdgesmithError(f"{what} {bits}: the affine scheme takes 8, 4 or 2 bits")


def narrow_activations(graph: Graph, bits: int) -> dict[str, int]:
    """Activation tensor -> ``bits`` for the tensors that may be narrowed (module docstring)."""
    if bits == 8:
        return {}
    group = _share_groups(graph)
    wide = {group[n] for n in graph.inputs + graph.outputs}
    packed = packed_ops()
    for op in graph.ops:
        if op.type not in packed:
            wide.update(group[n] for n in op.inputs + op.outputs if n is not None)
    return {name: bits for name, t in graph.tensors.items()
            if not t.is_const and group[name] not in wide}


def quantize_subbyte(graph: Graph, ranges: dict[str, Range], *, weight_bits: int = 8,
                     act_bits: int = 8, per_channel: bool = True) -> Graph:
    """An affine graph with ``weight_bits``-wide weights and ``act_bits``-wide activations."""
    check_bits(weight_bits, act_bits)
    q = quantize_int8(graph, ranges, per_channel=per_channel, weight_bits=weight_bits,
                      act_bits=narrow_activations(graph, act_bits))
    if (weight_bits, act_bits) != (8, 8):
        q.meta["quantized"] = f"affine post-training, {weight_bits}-bit weights, " \
                              f"{act_bits}-bit activations"
    return q

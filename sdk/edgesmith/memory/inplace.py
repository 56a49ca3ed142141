"""In-place execution: an op writes its output over an input that dies at that op.

The planner then gives the output the input's address, and the two tensors
form one buffer (:mod:`.lifetimes`). An op runs in place only when all of
these hold:

* its kernel can overwrite that input (the rules below);
* the input's buffer (the input and its views) is read by no later op and is
  no graph output, so nothing needs the overwritten bytes;
* no other input of the op lives in the same buffer, so no operand is
  clobbered before it is read;
* when graph inputs and outputs live outside the arena, neither tensor is one
  of them (the caller owns those buffers).

Kernel contracts the generated code must keep:

* **Elementwise** (op definitions with ``inplace == "elementwise"``: ``add``,
  ``mul``, the relu family, ``logistic``, ``tanh``, and ``quantize`` between
  integer formats of equal width): the overwritten input has the output's shape and byte size, and
  output element ``k`` is computed only from input element ``k`` (and from
  the broadcast other operand of ``add``/``mul``), read before it is written.
  Any loop over elements keeps this. ``softmax`` does not: a row is read
  twice (max, then sum) and written once, so it is never run in place.
* **Per channel** (``inplace == "channel"``: depthwise conv2d, TinyEngine's
  in-place depthwise), depth multiplier 1,
  input and output items of equal width, output bytes <= input bytes (stride
  or padding may shrink H x W, never grow it). Output channel ``c`` reads
  only input channel ``c``. The kernel loops over channels; for channel ``c``
  it computes all ``OH*OW`` outputs of that channel into a scratch buffer of
  ``OH*OW`` items, reading the input where it lies, and only then writes the
  scratch back to the channel-``c`` slots of the first ``OH*OW`` pixels
  (byte ``(p*C + c) * itemsize`` for pixel ``p``, the output's NHWC layout).
  Those slots held input channel ``c`` only, which no other channel reads
  and this channel has finished reading, so every later channel still finds
  its input intact. The scratch is planned as a buffer of its own, live at
  the op's step only. After the op, only the first ``OH*OW*C`` items of the
  buffer stay in use, and the planner may reuse the rest. The C runtime's
  ``es_depthwise_conv2d_s8_inplace`` is this kernel for int8 (the generated
  code passes it the scratch's arena address); its other depthwise kernels
  run out of place (:mod:`edgesmith.codegen.c_plan`).
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Iterable

from ..ir.graph import Graph, Op, Tensor
from ..ir.ops import op_def_or_opaque, with_defaults
from .lifetimes import Lifetime, TensorGroups

#: which ops may run in place: all the definitions allow (True), none (False), or those a
#: backend's kernels can (a predicate)
InplacePolicy = bool | Callable[[Op], bool]


@dataclass(frozen=True)
class InplaceOp:
    """An op that writes its output over one of its inputs."""

    op_index: int
    op_type: str
    #: the input whose bytes the output overwrites (the two share an offset)
    input: str
    output: str
    #: the per-channel scratch buffer of an in-place depthwise conv2d (a key of
    #: ``ArenaPlan.offsets``), else None
    scratch: str | None = None
    scratch_bytes: int = 0


def _whole_bytes(t: Tensor) -> bool:
    return t.fmt is None or t.fmt.bits >= 8


def overwritable_inputs(graph: Graph, op: Op) -> tuple[list[str], int]:
    """The inputs ``op``'s kernel can overwrite with its output, and the scratch bytes it needs.

    These are the rules local to the op; whether the input is still needed
    later is decided by :func:`choose_inplace_ops`.
    """
    acts = [graph.tensors[n] for n in op.inputs if n is not None and not graph.tensors[n].is_const]
    if len(op.outputs) != 1 or not acts:
        return [], 0
    out = graph.tensors[op.outputs[0]]
    if not _whole_bytes(out):
        return [], 0
    kind = op_def_or_opaque(op.type).inplace
    if kind == "elementwise":
        if op_def_or_opaque(op.type).pattern == "convert" and (out.fmt is None or acts[0].fmt is None):
            return [], 0  # float <-> integer conversions change the item width anyway
        same = [t.name for t in acts
                if t.shape == out.shape and t.nbytes == out.nbytes and _whole_bytes(t)]
        return same, 0
    if kind == "channel":
        x = acts[0]
        if (with_defaults(op.type, op.attrs).get("depth_multiplier", 1) != 1 or not _whole_bytes(x)
                or x.itemsize != out.itemsize or out.nbytes > x.nbytes):
            return [], 0
        _, oh, ow, _ = out.shape
        return [x.name], oh * ow * out.itemsize
    return [], 0


def must_survive(graph: Graph, groups: TensorGroups, outside_arena: set[str]) -> set[str]:
    """Tensors no op may overwrite: graph outputs, their views, and caller-owned buffers."""
    return outside_arena | {m for name in graph.outputs for m in groups.members(name)}


def choose_inplace_ops(graph: Graph, lifetimes: dict[str, Lifetime], groups: TensorGroups,
                       outside_arena: set[str],
                       allowed: Callable[[Op], bool] | None = None) -> list[InplaceOp]:
    """Pick the ops that run in place, in execution order, and join each pair in ``groups``.

    ``groups`` holds the view groups on entry and gains the in-place pairs.
    ``outside_arena`` names tensors in caller-owned buffers (empty when graph
    inputs and outputs live in the arena); ``allowed``, when given, vetoes ops whose
    kernel cannot run in place.
    """
    keep_intact = must_survive(graph, groups, outside_arena)
    chosen = []
    for step, op in enumerate(graph.ops):
        if allowed is not None and not allowed(op):
            continue
        candidates, scratch_bytes = overwritable_inputs(graph, op)
        out = op.outputs[0]
        if not candidates or out in outside_arena:
            continue
        for name in candidates:
            members = groups.members(name)
            readers = sum(1 for n in op.inputs if n in members)
            if (name in keep_intact or readers > 1
                    or max(lifetimes[m].last for m in members) != step):
                continue
            groups.union(name, out)
            scratch = graph.unique_name(f"{out}.scratch") if scratch_bytes else None
            chosen.append(InplaceOp(step, op.type, name, out, scratch, scratch_bytes))
            break
    return chosen


def scratch_lifetimes(inplace_ops: Iterable[InplaceOp]) -> dict[str, Lifetime]:
    """The scratch buffers of in-place ops, each live at its op's step only."""
    return {op.scratch: Lifetime(op.scratch, op.scratch_bytes, op.op_index, op.op_index)
            for op in inplace_ops if op.scratch is not None}

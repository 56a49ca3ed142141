"""The arena plan of generated C code: the memory planner limited to what the C kernels allow.

The planner (:mod:`edgesmith.memory`) may run an op in place whenever the
contract of :mod:`edgesmith.memory.inplace` allows it. Generated code may do
so only where the runtime kernel it calls keeps that contract:

* the elementwise kernels (``es_add_s8``, ``es_mul_s8``, ``es_relu_s8``,
  ``es_requantize_s8``, ``es_logistic_s8``, ``es_tanh_s8``) compute output
  element ``k`` from input element ``k`` only, reading it before writing it,
  so their output may overwrite an input of the same shape;
* an int8 depthwise conv2d (the ops that call ``es_depthwise_conv2d_s8``)
  runs in place as ``es_depthwise_conv2d_s8_inplace``, which keeps the
  planner's per-channel scratch scheme to the letter; the call gets the
  arena address of the op's scratch buffer (``InplaceOp.scratch``, planned
  like a tensor, :meth:`~.c_steps.ScheduleBuilder.written_args`). The
  fixed-point, power-of-two and sub-byte depthwise kernels write pixel by
  pixel and stay out of place.

Every other op but views is hidden from the in-place choice, so an op type the
planner learns to run in place later stays out of place here until its C
kernel is checked for it.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import EdgesmithError
from ..ir import Graph, Op
from ..memory import ArenaPlan, InvalidPlanError, check_plan, plan_arena
from ..memory.inplace import ELEMENTWISE_INPLACE_OPS
from ..memory.lifetimes import VIEW_OPS
from .c_params import kernel_params
from .c_prototypes import runtime_prototypes

#: op types whose reference C kernel may write its output over an input (depthwise_conv2d:
#: only where its kernel has an in-place variant, see :data:`VARIANT_INPLACE_OPS`)
C_INPLACE_OPS = frozenset({"add", "mul", "relu", "relu6", "relu_n1_to_1", "quantize", "logistic",
                           "tanh", "depthwise_conv2d"})

#: op types that run in place only through a kernel's ``<kernel>_inplace`` variant (it takes
#: a scratch buffer), so only where es_nn.h declares that variant
VARIANT_INPLACE_OPS = frozenset({"depthwise_conv2d"})

#: op types the planner may run in place
_PLANNER_INPLACE_OPS = frozenset({*ELEMENTWISE_INPLACE_OPS, "depthwise_conv2d"})

_HIDDEN = ":out-of-place"


def runs_in_place_in_c(op: Op, graph: Graph) -> bool:
    """Whether the C kernel ``op`` calls may write its output over an input."""
    if op.type not in C_INPLACE_OPS:
        return False
    if op.type not in VARIANT_INPLACE_OPS:
        return True
    try:
        return f"{kernel_params(op, graph).kernel}_inplace" in runtime_prototypes()
    except EdgesmithError:  # no C kernel at all (e.g. float): generation refuses it anyway
        return False


def plan_c_arena(graph: Graph, strategy: str = "optimal", *, inplace: bool = True,
                 time_limit_s: float = 10) -> ArenaPlan:
    """The arena plan of ``graph``'s generated code: inputs and outputs in the arena,
    16-byte alignment, in place only where :func:`runs_in_place_in_c`. The plan is checked."""
    planned = graph
    if inplace:
        # The planner asks an op's type whether it can run in place; a renamed
        # type cannot, and lifetimes depend on inputs and outputs only.
        ops = [op if op.type in VIEW_OPS or runs_in_place_in_c(op, graph)
               else replace(op, type=op.type + _HIDDEN) for op in graph.ops]
        planned = replace(graph, ops=ops)
    plan = plan_arena(planned, strategy, inplace=inplace, time_limit_s=time_limit_s,
                      inputs_in_arena=True, alignment=16)
    check_plan(graph, plan)
    unsafe = [r for r in plan.inplace_ops if not runs_in_place_in_c(graph.ops[r.op_index], graph)]
    if unsafe:
        raise InvalidPlanError(f"the C runtime cannot run {unsafe} in place")
    return plan


def out_of_place_op_types(graph: Graph) -> list[str]:
    """Op types of ``graph`` the planner may run in place but generated C code runs out of place
    (e.g. depthwise_conv2d on fixed-point tensors)."""
    return sorted({op.type for op in graph.ops
                   if op.type in _PLANNER_INPLACE_OPS and not runs_in_place_in_c(op, graph)})

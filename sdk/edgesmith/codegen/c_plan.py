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

The planner is given :func:`runs_in_place_in_c` as its in-place policy, so an
op runs in place here only where both the op's definition and its C kernel
allow it.
"""

from __future__ import annotations

from ..errors import EdgesmithError
from ..ir import Graph, Op
from ..ir.ops import op_def_or_opaque, op_types
from ..kernels.c_prototypes import runtime_prototypes
from ..memory import ArenaPlan, InvalidPlanError, check_plan, plan_arena
from .c_params import kernel_params

#: op types whose C kernels may run in place (the depthwise conv2d only through its int8
#: kernel's ``_inplace`` twin)
C_INPLACE_OPS = op_types(inplace="elementwise") | op_types(inplace="channel")


def runs_in_place_in_c(op: Op, graph: Graph) -> bool:
    """Whether the C kernel ``op`` calls may write its output over an input: every kernel
    of an elementwise in-place op does; a per-channel in-place op (depthwise conv2d) only
    through a kernel whose ``<kernel>_inplace`` twin the runtime has."""
    kind = op_def_or_opaque(op.type).inplace
    if kind != "channel":
        return kind == "elementwise"
    try:
        return f"{kernel_params(op, graph).kernel}_inplace" in runtime_prototypes()
    except EdgesmithError:  # no C kernel at all (e.g. float): generation refuses it anyway
        return False


def plan_c_arena(graph: Graph, strategy: str = "optimal", *, inplace: bool = True,
                 time_limit_s: float = 10) -> ArenaPlan:
    """The arena plan of ``graph``'s generated code: inputs and outputs in the arena,
    16-byte alignment, in place only where :func:`runs_in_place_in_c`. The plan is checked."""
    policy = (lambda op: runs_in_place_in_c(op, graph)) if inplace else False
    plan = plan_arena(graph, strategy, inplace=policy, time_limit_s=time_limit_s,
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
                   if op_def_or_opaque(op.type).inplace and not runs_in_place_in_c(op, graph)})

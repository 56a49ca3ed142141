"""The arena plan of generated C code: the memory planner limited to what the C kernels allow.

The planner (:mod:`edgesmith.memory`) may run an op in place whenever the
contract of :mod:`edgesmith.memory.inplace` allows it. Generated code may do
so only where the runtime kernel it calls keeps that contract:

* the elementwise kernels (``es_add_s8``, ``es_mul_s8``, ``es_relu_s8``,
  ``es_requantize_s8``, ``es_logistic_s8``, ``es_tanh_s8``) compute output
  element ``k`` from input element ``k`` only, reading it before writing it,
  so their output may overwrite an input of the same shape;
* the reference ``es_depthwise_conv2d_s8`` writes each output pixel while
  later pixels still read the input, and has no per-channel scratch scheme,
  so a depthwise conv2d is never planned in place (it costs RAM on models
  whose depthwise input dies at the op, e.g. str_ww_ref_model: 6,656 B
  instead of 6,144 B).

Every other op but views is hidden from the in-place choice, so an op type the
planner learns to run in place later stays out of place here until its C
kernel is checked for it.
"""

from __future__ import annotations

from dataclasses import replace

from ..ir import Graph
from ..memory import ArenaPlan, InvalidPlanError, check_plan, plan_arena
from ..memory.inplace import ELEMENTWISE_INPLACE_OPS
from ..memory.lifetimes import VIEW_OPS

#: op types whose reference C kernel may write its output over an input
C_INPLACE_OPS = frozenset({"add", "mul", "relu", "relu6", "relu_n1_to_1", "quantize", "logistic",
                           "tanh"})

#: op types the planner could run in place but the C runtime does not
C_OUT_OF_PLACE_OPS = frozenset({*ELEMENTWISE_INPLACE_OPS, "depthwise_conv2d"}) - C_INPLACE_OPS

_HIDDEN = ":out-of-place"


def plan_c_arena(graph: Graph, strategy: str = "optimal", *, inplace: bool = True,
                 time_limit_s: float = 10) -> ArenaPlan:
    """The arena plan of ``graph``'s generated code: inputs and outputs in the arena,
    16-byte alignment, in place only for :data:`C_INPLACE_OPS`. The plan is checked."""
    planned = graph
    if inplace:
        # The planner asks an op's type whether it can run in place; a renamed
        # type cannot, and lifetimes depend on inputs and outputs only.
        ops = [op if op.type in C_INPLACE_OPS or op.type in VIEW_OPS
               else replace(op, type=op.type + _HIDDEN) for op in graph.ops]
        planned = replace(graph, ops=ops)
    plan = plan_arena(planned, strategy, inplace=inplace, time_limit_s=time_limit_s,
                      inputs_in_arena=True, alignment=16)
    check_plan(graph, plan)
    unsafe = [r for r in plan.inplace_ops if r.op_type not in C_INPLACE_OPS]
    if unsafe:
        raise InvalidPlanError(f"the C runtime cannot run {unsafe} in place")
    return plan


def out_of_place_op_types(graph: Graph) -> list[str]:
    """Op types of ``graph`` the planner may run in place but generated C code runs out of place."""
    return sorted({op.type for op in graph.ops} & C_OUT_OF_PLACE_OPS)

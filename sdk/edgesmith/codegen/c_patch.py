"""Patch-based generated C code (MCUNetV2): the entry point.

:func:`generate_patched_c` writes a model folder whose ops ``0..split`` run
patch by patch; the patch stage itself is built by :mod:`.c_patch_steps`
and laid out by ``codegen/templates/patch_stage.c.jinja``.
"""

from __future__ import annotations

import os

from ..ir import Graph
from ..memory.patch import PatchPlan
from .c_context import CPatchStage
from .c_kernel_sets import DEFAULT_KERNEL_SET
from .c_patch_plan import c_patch_layout, plan_c_patch_arena
from .c_patch_steps import PatchScheduleBuilder
from .c_writer import GeneratedC, generate_c

__all__ = ["CPatchStage", "PatchScheduleBuilder", "c_patch_layout", "generate_patched_c",
           "plan_c_patch_arena"]


def generate_patched_c(graph: Graph, plan: PatchPlan, out_dir: str | os.PathLike, *,
                       name: str | None = None, strategy: str = "optimal", inplace: bool = True,
                       model_path: str | os.PathLike | None = None,
                       kernel_set: str = DEFAULT_KERNEL_SET) -> GeneratedC:
    """:func:`~.c_writer.generate_c` with ops ``0..plan.split`` run patch by patch."""
    return generate_c(graph, out_dir, name=name, strategy=strategy, inplace=inplace,
                      model_path=model_path, patch=plan, kernel_set=kernel_set)

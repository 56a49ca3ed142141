"""The options of a model's generated C code, given once and honoured by every target:
host verification, an emulated board, a board at a serial port, a firmware build.

:func:`generate_code` is the one path from a graph to its C folder that all of them take,
so an option (memory strategy, in-place ops, C name, patch plan) cannot be dropped on the
way to one target and kept on the way to another.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..ir import Graph
from .c_kernel_sets import kernel_set_for
from .c_layouts import check_optimize, choose_layouts
from ..memory.patch import PatchPlan
from ..quant.mixed_patch import MixedPatchModel, mixed_model_of

#: arena planner strategies the generated code may use
STRATEGIES = ("optimal", "greedy")


@dataclass(frozen=True)
class CodeOptions:
    """How to generate a model's C code (defaults: the CLI's)."""

    #: C name of the model (default: from the graph)
    name: str | None = None
    strategy: str = "optimal"
    inplace: bool = True
    #: run ops 0..split patch by patch (MCUNetV2), or None for layer by layer
    patch: PatchPlan | None = None
    #: a mixed-precision patch model of the graph (QuantMCU); None: the one the graph
    #: carries from `edgesmith quantize-mixed`, if any
    mixed: MixedPatchModel | None = field(default=None, compare=False)
    #: the file the graph came from, for the generated banners
    model_path: str | os.PathLike | None = None
    #: the C kernel set (.c_kernel_sets); None: the fast set, or a board's choice (for_core)
    kernel_set: str | None = None
    #: weight layouts (.c_layouts): "speed" (int16), "size" (int8), None: the fastest that fits
    optimize: str | None = None
    #: the board's flash in bytes, which the default layouts fit (None: no limit)
    flash_bytes: int | None = None

    def __post_init__(self):
        check_optimize(self.optimize)

    def for_core(self, core: str, stack_bytes: int | None = None,
                 flash_bytes: int | None = None) -> "CodeOptions":
        """These options for a board's core: its kernel set unless one was asked for, and
        its flash size for the default weight layouts."""
        options = self if flash_bytes is None else replace(self, flash_bytes=flash_bytes)
        if self.kernel_set is not None:
            return options
        return replace(options, kernel_set=kernel_set_for(core, stack_bytes))

    def for_board(self, board) -> "CodeOptions":
        """These options for ``board`` (a board file): its core, stack and flash."""
        return self.for_core(board.core, board.stack_bytes, board.flash.size)

    def layouts(self, graph: Graph) -> list:
        """The weight layout each conv/dense layer of ``graph`` gets with these options."""
        from ..passes.lowering import lower
        from ..trees.graph import is_tree_graph
        from .c_params import C_OP_TYPES

        if is_tree_graph(graph) or self.patch is not None or \
                (self.mixed or mixed_model_of(graph)) is not None:
            return []  # tree code has no weights to lay out; patch-based code keeps int8
        return choose_layouts(lower(graph, C_OP_TYPES), kernel_set_for(requested=self.kernel_set),
                              self.optimize, self.flash_bytes)

    def describe(self, generated_name: str, arena_bytes: int) -> dict:
        """What a report says about the code it ran."""
        return {"name": generated_name, "strategy": self.strategy, "inplace": self.inplace,
                "patch": None if self.patch is None else f"{self.patch.split}:{self.patch.grid}",
                "arena_bytes": arena_bytes}


def generate_code(graph: Graph, out_dir: str | os.PathLike, options: CodeOptions | None = None):
    """The C model folder of ``graph`` at ``out_dir``, generated with ``options``."""
    from ..trees.graph import is_tree_graph
    from .c_writer import generate_c

    o = options or CodeOptions()
    if is_tree_graph(graph):  # a tree ensemble has its own code form (codegen/c_trees.py)
        from .c_trees import generate_tree_c
        return generate_tree_c(graph, Path(out_dir), name=o.name,
                               model_path=o.model_path or graph.meta.get("path"))
    mixed = o.mixed if o.mixed is not None else mixed_model_of(graph)
    return generate_c(graph, Path(out_dir), name=o.name, strategy=o.strategy, inplace=o.inplace,
                      model_path=o.model_path or graph.meta.get("path"),
                      patch=None if mixed is not None else o.patch, mixed=mixed,
                      kernel_set=kernel_set_for(requested=o.kernel_set), optimize=o.optimize,
                      flash_bytes=o.flash_bytes)

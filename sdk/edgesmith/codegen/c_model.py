"""Everything the C templates print, computed in Python (docs/INTERNALS.md, generated C API).

:func:`build_c_model` turns an int8 graph into a :class:`CModel`: the arena
plan (:mod:`.c_plan`), every constant tensor as exact integer literals, one
``static const`` struct per kernel parameter argument, one step per op (a
kernel call, or nothing for a view; :mod:`.c_steps`) and the runtime files
the model needs. The templates only lay these values out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .. import __version__
from ..errors import EdgesmithError, UnsupportedError
from ..ir import Graph, describe_format
from ..memory import ArenaPlan
from ..passes.lowering import lower
from .c_formats import check_formats, port_is_supported, port_scale
from .c_names import c_comment_text, model_identifier
from .c_params import C_OP_TYPES
from .c_plan import out_of_place_op_types, plan_c_arena
from .c_runtime import header_files

if TYPE_CHECKING:
    from ..memory.patch import PatchPlan
    from ..quant.mixed_patch import MixedPatchModel
    from .c_patch import CPatchStage


@dataclass(frozen=True)
class CData:
    """A constant array: weights in ``<name>_weights.c``, parameter arrays in ``<name>.c``."""

    #: the declaration up to the name, e.g. ``static const int32_t``
    decl: str
    name: str
    length: int
    lines: list[str]
    comment: str
    nbytes: int


@dataclass(frozen=True)
class CDecl:
    """A ``static const`` parameter struct, one initializer line per field."""

    ctype: str
    name: str
    fields: list[str]


@dataclass(frozen=True)
class CStep:
    """One op of the schedule: a kernel call laid out by ``template``, or a view (None)."""

    index: int
    op_type: str
    kernel: str
    comment: str
    template: str | None
    #: C expressions of the call's arguments by role (names, pointers, sizes)
    args: dict[str, str]
    tensor_literal: str
    tensor_md: str
    output: str
    offset: int
    output_bytes: int


@dataclass(frozen=True)
class CPort:
    """A graph input or output: where it lives in the arena and its number format."""

    index: int
    tensor: str
    tensor_md: str
    size: int
    offset: int
    zero_point: int
    scale: str


@dataclass
class CModel:
    name: str
    macro: str
    banner: list[str]
    source_md: str
    plan: ArenaPlan
    inputs: list[CPort]
    outputs: list[CPort]
    out_of_place: list[str]
    weights: list[CData] = field(default_factory=list)
    param_data: list[CData] = field(default_factory=list)
    params: list[CDecl] = field(default_factory=list)
    steps: list[CStep] = field(default_factory=list)
    kernel_sources: list[str] = field(default_factory=list)
    #: the patch stage (MCUNetV2) run before ``steps``, or None for layer-based code
    patch: CPatchStage | None = None

    @property
    def num_ops(self) -> int:
        return len(self.steps) + (self.patch.split + 1 if self.patch else 0)

    @property
    def weights_bytes(self) -> int:
        """Flash bytes of the constant tensors."""
        return sum(d.nbytes for d in self.weights)

    @property
    def params_bytes(self) -> int:
        """Flash bytes of the per-op parameter arrays (multipliers, shifts, scales, tables)
        on a 32-bit target; the small parameter structs are not counted."""
        return sum(d.nbytes for d in self.param_data)

    @property
    def runtime_files(self) -> list[str]:
        return header_files() + self.kernel_sources

    @property
    def run_signature(self) -> str:
        ins = [f"const int8_t *in{p.index}" for p in self.inputs]
        outs = [f"int8_t *out{p.index}" for p in self.outputs]
        return ", ".join(ins + outs)

    @property
    def run_null_check(self) -> str:
        names = [f"in{p.index}" for p in self.inputs] + [f"out{p.index}" for p in self.outputs]
        return " || ".join(f"{n} == NULL" for n in names)

    @property
    def plan_md(self) -> str:
        p = self.plan
        proven = "proven optimal" if p.proven_optimal else "not proven optimal"
        inplace = f", {len(p.inplace_ops)} ops in place" if p.inplace_ops else ""
        return f"strategy {p.strategy}, {proven}{inplace}"

    @property
    def plan_lines(self) -> list[str]:
        """The arena plan in words, for the schedule's header comment."""
        p = self.plan
        bound = f"lower bound {p.lower_bound_bytes} bytes"
        lines = [f"Arena: {p.arena_bytes} bytes ({self.plan_md}); {bound}."]
        lines += [c_comment_text(f"Op {r.op_index} ({r.op_type}) runs in place: {r.output} over "
                                 f"{r.input}.", 200) for r in p.inplace_ops]
        lines += [f"Never in place here (its reference kernel cannot run in place): {t}."
                  for t in self.out_of_place]
        return lines + (self.patch.plan_lines if self.patch else [])


def markdown_text(text: str) -> str:
    """``text`` as one Markdown table cell, in code style."""
    clean = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text).replace("`", "'")
    return "`" + clean.replace("|", "\\|") + "`"


def model_source(model_path: str | Path | None, graph: Graph) -> str:
    """``file.tflite (sha256 ...)`` for the banners, or the graph's name without a file."""
    if model_path is None:
        return f"graph {graph.name!r} (built in Python, no model file)"
    path = Path(model_path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return f"{path.name} (sha256 {digest})"


def c_name_of(graph: Graph, name: str | None) -> str:
    """The model's C name: ``name`` if given (it must be a usable identifier), else the
    sanitized graph name."""
    if name is None:
        return model_identifier(graph.name)
    if model_identifier(name) != name:
        raise EdgesmithError(f"model name {name!r} is not a usable C identifier",
                             hint=f"use {model_identifier(name)!r}")
    return name


def build_c_model(graph: Graph, *, name: str | None = None, strategy: str = "optimal",
                  inplace: bool = True, model_path: str | Path | None = None,
                  patch: PatchPlan | None = None, mixed: MixedPatchModel | None = None
                  ) -> CModel:
    """The render context of ``graph``'s C code (see the module docstring); with ``patch``,
    ops ``0..patch.split`` run patch by patch (:mod:`.c_patch`); with ``mixed`` (a
    mixed-precision patch model of ``graph``), patch by patch on two branches."""
    from .c_patch import PatchScheduleBuilder, c_patch_layout, plan_c_patch_arena
    from .c_steps import ScheduleBuilder

    if mixed is not None:
        if mixed.graph is not graph or (patch is not None and patch != mixed.plan):
            raise EdgesmithError("the mixed-precision patch model belongs to another graph "
                                 "or patch plan")
        patch = mixed.plan
    check_integer_model(graph)
    graph = lower(graph, C_OP_TYPES)  # op indices and tensor names stay (traces still match)
    cname = c_name_of(graph, name)
    if patch is None:
        plan = plan_c_arena(graph, strategy, inplace=inplace)
    else:
        layout = c_patch_layout(graph, patch)
        plan = layout.in_graph_terms(plan_c_patch_arena(layout, strategy, inplace=inplace))
    source = model_source(model_path, graph)
    model = CModel(
        name=cname, macro=cname.upper(), plan=plan,
        banner=[f"Generated by edgesmith {__version__} from {c_comment_text(source, 200)}.",
                "Do not edit: regenerate with `edgesmith generate c`."],
        source_md=markdown_text(source),
        inputs=[_port(graph, plan, n, k) for k, n in enumerate(graph.inputs)],
        outputs=[_port(graph, plan, n, k) for k, n in enumerate(graph.outputs)],
        out_of_place=out_of_place_op_types(graph) if inplace else [])
    if patch is None:
        ScheduleBuilder(graph, model).build()
    else:
        PatchScheduleBuilder(graph, model, layout, mixed).build()
    return model


def check_integer_model(graph: Graph) -> None:
    """Raise UnsupportedError unless generated C code can run ``graph`` (int8 throughout)."""
    if not graph.is_quantized():
        raise UnsupportedError(f"model {graph.name!r} has float tensors; the C runtime is int8 "
                               "only", hint="quantize it first: edgesmith quantize MODEL "
                                            "--calib X.npy -o model.esm")
    check_formats(graph)
    for name in graph.inputs + graph.outputs:
        t = graph.tensors[name]
        if not port_is_supported(t):
            raise UnsupportedError(f"model input/output {name!r} is {t.dtype} "
                                   f"({describe_format(t.fmt)}); generated C code takes int8 "
                                   "affine tensors with one scale, or fixed-point (raw int32)")


def _port(graph: Graph, plan: ArenaPlan, tensor: str, index: int) -> CPort:
    t = graph.tensors[tensor]
    scale, zero_point = port_scale(t)
    # str() of a float32 is its shortest decimal that reads back as the same float32
    return CPort(index, tensor, markdown_text(tensor), t.nbytes, plan.offsets[tensor],
                 zero_point, f"{np.float32(scale)}f")

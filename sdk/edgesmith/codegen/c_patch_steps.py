"""Patch-based generated C code (MCUNetV2): the patch stage as a loop over constant tables.

With a :class:`~edgesmith.memory.patch.PatchPlan`, the generated
``<name>_invoke()`` runs the stage ops ``0..split`` once per patch, then the
rest of the graph layer by layer as usual (:mod:`.c_steps`). In each patch,
every stage op calls its ordinary reference kernel on the patch's window:

* the window's shapes and padding (non-zero only on true image borders) are
  the ones the simulator uses for that patch (``sim.patch``'s one-op window
  graph), turned into kernel arguments by the very code that makes the
  layer-based arguments (:func:`~.c_calls.call_values`), so the patched code
  computes every output from the same taps as the layer-based code;
* windows and buffers come from :mod:`.c_patch_plan` (crops, tile, arena).

Patches differ in few ways (first, inner and last rows and columns), so the
arguments that differ are emitted once per *variant*, a patch's tuple of
arguments over the whole stage: ``patch_variant[patch]`` picks the row of
every table. Only the window copies (crop and tile offsets) have one entry
per patch. No geometry is computed in C.

With a :class:`~edgesmith.quant.mixed_patch.MixedPatchModel` (QuantMCU), the
model input's cells are scanned once (VDPC, :mod:`.c_routing`) and each patch
sets ``low_bit`` from the cells its input window covers; the stage
then runs the same kernels with the low-bit branch's arguments
(:mod:`.c_mixed`), chosen by ``patch_variant[low_bit * patches + patch]``,
and ``<name>_patch_branches()`` tells which branch each patch took.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import UnsupportedError
from ..ir import Graph
from ..quant.mixed_patch import MixedPatchModel
from ..sim.patch import window_op_graph  # the simulator's windows, reused
from .c_calls import ArenaPointer, CObject, call_values, render_call
from .c_context import CCopy, CModel, CPatchCall, CPatchStage, CRouting
from .c_mixed import input_requantize_table, low_bit_call_values, routing_cells
from .c_routing import outlier_test
from .c_names import c_comment_text, c_string_literal
from .c_params import CArray, CStruct, CSymbol
from .c_layouts import LaidOut, w16_call
from .c_patch_plan import CPatchLayout, WindowCopy, kernel_inputs
from .c_steps import ScheduleBuilder

#: names the patch stage adds to the generated .c file (types, functions, locals)
_PATCH_NAMES = ("window_copy", "copy_window", "copy_window_through", "patch", "variant",
                "low_bit", "patch_branch", "outlier_test", "cell_block", "outside_bytes",
                "row_outside", "mark_outlier_cells", "block_has_outlier", "band_outliers")


def _either(low: str, eight: str) -> str:
    """The pointer of the branch the patch takes (one expression when both agree)."""
    if low == eight:
        return eight
    either = f"(low_bit ? {low} : {eight})"
    return ArenaPointer(either) if isinstance(low, ArenaPointer) and \
        isinstance(eight, ArenaPointer) else either


def _key(value):
    """A hashable stand-in of a parameter value (CArray compares by identity)."""
    if isinstance(value, CArray):
        return ("array", value.ctype, tuple(_key(v) for v in value.values))
    if isinstance(value, CStruct):
        return ("struct", value.ctype, _key(value.fields))
    if isinstance(value, dict):
        return tuple((k, _key(v)) for k, v in value.items())
    return value


class PatchScheduleBuilder(ScheduleBuilder):
    """Fills ``model`` with the patch stage of ``layout.plan``, then the rest of the graph;
    with ``mixed``, both branches of its patch stage and the routing between them."""

    def __init__(self, graph: Graph, model: CModel, layout: CPatchLayout,
                 mixed: MixedPatchModel | None = None):
        self.low_graph = mixed.low_bit_graph() if mixed is not None else None
        if self.low_graph is not None:  # its rescaled biases become constants of the code
            extra = {n: t for n, t in self.low_graph.tensors.items() if n not in graph.tensors}
            graph = Graph(graph.name, {**graph.tensors, **extra}, graph.ops, graph.inputs,
                          graph.outputs, graph.meta)
        super().__init__(graph, model)
        self.layout, self.mixed = layout, mixed
        model.low_bit_loops = mixed is not None and min(mixed.widths().values(), default=8) < 8
        for name in _PATCH_NAMES:
            self.names.reserve(name)
        self.variant_used = False
        self._input_table: str | None = None  # "" once known to be needless

    def _branches(self) -> list[tuple[Graph, object]]:
        """(graph, call builder) of each branch: the 8-bit one, then the low-bit one."""
        eight = [(self.graph, call_values)]
        return eight if self.low_graph is None else eight + [(self.low_graph, low_bit_call_values)]

    def build(self) -> None:
        plan = self.layout.plan
        # every stage op on every patch of every branch, as the simulator runs it:
        # (kernel, argument values); row b * patches + p is patch p on branch b
        windows = [[(g, values(g.ops[0], g))
                    for g in (window_op_graph(graph, step, window, patch)
                              for step, window in zip(plan.steps, patch.ops, strict=True))]
                   for graph, values in self._branches() for patch in plan.patches]
        odd = sorted({kernel for row in windows for _, (kernel, _) in row
                      if not kernel.endswith("_s8")})
        if odd:  # other formats' kernels have parameter structs this stage does not table yet
            raise UnsupportedError(f"patch-based C code runs int8 stage ops only; the patch "
                                   f"stage of {self.graph.name!r} calls {', '.join(odd)}",
                                   hint="generate it layer-based (without --patch)")
        calls = self._laid_out(windows)
        variant_of: dict[tuple, int] = {}
        variants = [variant_of.setdefault(tuple(_key(v) for _, v in c), len(variant_of))
                    for c in calls]
        firsts = [variants.index(v) for v in range(len(variant_of))]
        stage = tuple(self._stage_call(k, calls[0][k][0], [calls[r][k][1] for r in firsts])
                      for k in range(len(plan.steps)))
        table = None
        if self.variant_used:
            ctype = "uint8_t" if len(variant_of) <= 256 else "int32_t"
            table = self._declare_array("patch_variant", CArray(ctype, tuple(variants)))
        split = self.graph.tensors[plan.split_tensor]
        self.model.patch = CPatchStage(
            split=plan.split, grid=plan.grid, num_patches=len(plan.patches), calls=stage,
            tile=self._copy("tile", self.layout.tile), variant_table=table,
            num_variants=len(variant_of), tensor_literal=c_string_literal(split.name),
            output=self.pointer(split.name), output_bytes=split.nbytes,
            plan_lines=self._plan_lines(), routing=self._routing())
        super().build(plan.split + 1, {s.kernel for s in stage})

    def _laid_out(self, windows: list[list[tuple[Graph, tuple[str, dict]]]]) -> list[list]:
        """The (kernel, values) of every stage step on every window, on int16 weights where
        the layer's layout says so and every window of both branches can take them (the
        input offset folded into the bias differs between branches); else int8, and the
        layout says so too."""
        wide = {x.index for x in self.model.layouts if x.layout == "int16"}
        steps = self.layout.plan.steps
        calls = [[call for _, call in row] for row in windows]
        for k, step in enumerate(steps):
            if step.op_index not in wide:
                continue
            laid = [w16_call(g.ops[0], g, *row[k][1]) for row in windows for g in (row[k][0],)]
            if all(c is not None for c in laid):
                for row, call in zip(calls, laid):
                    row[k] = call
            else:
                self.model.layouts = [replace(x, layout="int8") if x.index == step.op_index
                                      else x for x in self.model.layouts]
        return calls

    def _stage_call(self, k: int, kernel: str, values: list[dict]) -> CPatchCall:
        """Stage step ``k`` with the argument values of each variant."""
        step, layout = self.layout.plan.steps[k], self.layout
        index = step.op_index
        args = {role: self._variant_parameter(f"op{index}_{role}", [v[role] for v in values])
                for role in values[0]}
        is_split = k == len(layout.plan.steps) - 1
        output = self.pointer(layout.tile.source if is_split else step.output)
        kernel, written = self.written_args(index, kernel, output)  # in place: + scratch
        branch_args = [self._stage_pointers(k, kernel, graph, values[0])
                       for graph, _ in self._branches()]
        for role, eight in branch_args[0].items():  # e.g. the low-bit branch's rescaled bias
            args[role] = _either(branch_args[-1][role], eight)
        args.update(written)
        crops = tuple(self._copy(f"op{index}_crop", c, self._low_bit_table(c))
                      for c in layout.crops[k])
        op = self.graph.ops[index]
        folded = "" if step.folded_pad is None else f", pad op {step.folded_pad} folded in"
        where = "its tile" if is_split else "its window"
        comment = c_comment_text(f"op {index}: {op.origin or op.type}{folded} -> {where} of "
                                 f"{step.output}", 200)
        return CPatchCall(index, kernel, comment, render_call(kernel, args), crops)

    def _stage_pointers(self, k: int, kernel: str, graph: Graph, values: dict) -> dict[str, str]:
        """The input pointers of stage step ``k`` on ``graph`` (one branch's graph)."""
        step = self.layout.plan.steps[k]
        inputs = kernel_inputs(graph, graph.ops[step.op_index], self.layout.step_inputs[k])
        return self.pointer_args(step.op_index, kernel, inputs, values)

    def _low_bit_table(self, copy: WindowCopy) -> str | None:
        """The table the low-bit branch cuts a crop of the model input through (its input
        format), declared once; None for other crops and when the formats agree."""
        if self.low_graph is None or copy.source != self.graph.inputs[0]:
            return None
        if self._input_table is None:
            codes = input_requantize_table(self.mixed, self.low_graph)
            # indexed by the code's byte read unsigned: codes 0 .. 127 first, then -128 .. -1
            self._input_table = "" if codes is None else self._declare_array(
                "low_bit_input_table", CArray("int8_t", codes[128:] + codes[:128]))
        return self._input_table or None

    def _routing(self) -> CRouting | None:
        if self.mixed is None:
            return None
        read = self.layout.step_inputs  # the stage must cut the model input into crops
        model_input = self.graph.inputs[0]
        if self.low_graph.tensors[model_input].fmt != self.graph.tensors[model_input].fmt and \
                any(model_input in inputs for inputs in read):
            raise UnsupportedError("the low-bit branch requantizes the model input in the crops "
                                   "its stage ops read, but a stage op reads it uncut",
                                   hint="keep the model input at 8 bits, or use a finer grid")
        cells = routing_cells(self.mixed)
        test = outlier_test(self.mixed.input_zero_point, int(self.mixed.threshold))
        bands = CArray("window_copy", tuple(vars(b) for b in cells.bands))
        blocks = CArray("cell_block", tuple(vars(b) for b in cells.blocks))
        return CRouting(
            self.pointer(model_input), self._declare_array("input_bands", bands),
            len(cells.bands), self._declare_array("byte_cell", CArray("uint8_t", cells.byte_cell)),
            self._declare_array("patch_cells", blocks),
            self._declare_struct("vdpc_test", CStruct("outlier_test", dict(vars(test)))),
            self.mixed.input_zero_point, int(self.mixed.threshold))

    def _variant_parameter(self, base: str, values: list) -> str:
        """The C expression of an argument: one declaration if every variant agrees, else a
        table indexed by ``variant``."""
        first = values[0]
        if len({_key(v) for v in values}) == 1:
            return self._parameter(base, first)
        self.variant_used = True
        if isinstance(first, CStruct):
            # arrays a struct points to (per-channel quantization): one per distinct value
            declared: dict[tuple, CSymbol] = {}
            rows = []
            for v in values:
                row = dict(v.fields)
                for field, array in v.fields.items():
                    if isinstance(array, CArray):
                        key = (field, _key(array))
                        if key not in declared:
                            declared[key] = CSymbol(self._declare_array(f"{base}_{field}", array))
                        row[field] = declared[key]
                rows.append(row)
            return CObject(f"{self._declare_array(base, CArray(first.ctype, tuple(rows)))}[variant]")
        if isinstance(first, LaidOut):  # e.g. each branch's folded bias: each once, by pointer
            names: dict[tuple, CSymbol] = {}
            for v in values:
                names.setdefault(_key(v), CSymbol(self._parameter(base, v)))
            pointers = tuple(names[_key(v)] for v in values)
            table = self._declare_array(f"{base}_of", CArray(f"const {first.ctype} *", pointers))
            return f"{table}[variant]"
        if isinstance(first, CArray):  # e.g. concat's input shapes: one row per variant
            flat = CArray(first.ctype, tuple(x for v in values for x in v.values))
            return f"&{self._declare_array(base, flat)}[variant * {len(first.values)}]"
        return f"{self._declare_array(base, CArray('int32_t', tuple(values)))}[variant]"

    def _copy(self, base: str, copy: WindowCopy, low_bit_table: str | None = None) -> CCopy:
        rows = tuple(vars(r) for r in copy.regions)
        table = self._declare_array(base, CArray("window_copy", rows))
        return CCopy(self.pointer(copy.target), self.pointer(copy.source), table, low_bit_table)

    def _plan_lines(self) -> list[str]:
        plan, ram = self.layout.plan, self.model.plan.ram_bytes
        return [
            (f"Patch-based (MCUNetV2): ops 0..{plan.split} run on {plan.grid}x{plan.grid} "
             f"patches of {c_comment_text(plan.split_tensor, 120)}, one at a time, then the "
             "rest layer by layer."),
            (f"Patch planner peak {plan.peak_bytes} bytes (layer-based "
             f"{plan.layer_based_peak_bytes}); this arena {ram} bytes, with crop buffers "
             f"({self.layout.crop_bytes} B) and a tile buffer "
             f"({self.layout.tile.largest_bytes} B)."),
            f"The halo costs {plan.extra_macs} extra MACs (+{plan.extra_macs_pct:.1f}%).",
        ]

"""What the C templates print: plain data, computed in Python (docs/INTERNALS.md).

A :class:`CModel` holds everything ``codegen/templates/`` lays out: the
arena plan, constants, parameter declarations, one :class:`CStep` per op
(its call already rendered from the kernel's prototype, :mod:`.c_calls`),
and, for patch-based code, the :class:`CPatchStage`. The builders fill it
(:mod:`.c_model`, :mod:`.c_steps`, :mod:`.c_patch_steps`); this module
imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..memory import ArenaPlan
from .c_names import c_comment_text
from .c_runtime import header_files


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
    """One op of the schedule: a kernel call, or a view (no call)."""

    index: int
    op_type: str
    kernel: str
    comment: str
    #: the call's C text (:func:`~.c_calls.render_call`), or None for a view
    call: str | None
    tensor_literal: str
    tensor_md: str
    output: str
    offset: int
    output_bytes: int


@dataclass(frozen=True)
class CFixedPort:
    """A fixed-point port's ``ap_fixed`` format, as its macros and float helpers state it."""

    width: int
    frac_bits: int
    signed: int
    #: the ``es_fx_rounding`` / ``es_fx_overflow`` enumerators
    rounding: str
    overflow: str
    #: 2^-frac_bits as an exact C float literal
    step: str


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
    #: the C type of one element (``float``, ``uint8_t``, ``int16_t``, ``int32_t``, ``int8_t``)
    ctype: str = "int8_t"
    #: elements per sample
    count: int = 0
    #: whether the port has no number format (float32, or int32/int64 indices): no scale, no
    #: zero point
    is_float: bool = False
    #: the tensor's shape, batch first, and its layout letters (channels last)
    shape: tuple[int, ...] = ()
    layout: str = ""
    #: the stored integers' range (affine and fixed point)
    qmin: int = 0
    qmax: int = 0
    #: the fixed-point format, or None for an affine or float port
    fixed: CFixedPort | None = None
    #: the number format in words, for the README
    format_md: str = ""

    @property
    def shape_c(self) -> str:
        """The shape as a C initializer, e.g. ``{1, 96, 96, 3}``."""
        return "{" + ", ".join(str(d) for d in self.shape) + "}"

    @property
    def qmin_c(self) -> str:
        """The smallest stored value as a C int32 expression (INT32_MIN has no literal)."""
        return "(-2147483647 - 1)" if self.qmin == -2**31 else str(self.qmin)

    @property
    def wide(self) -> bool:
        """An int32 affine port: (q - zero point) may not fit a float exactly, so its helper
        rounds the product in double first, as the simulator does."""
        return self.fixed is None and self.ctype == "int32_t"


@dataclass(frozen=True)
class CStateFill:
    """One state tensor's bytes in the state block and the byte init/reset writes there."""

    tensor: str
    offset: int
    nbytes: int
    byte: int


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
    #: the C kernel set the folder carries (.c_kernel_sets)
    kernel_set: str = "reference"
    #: the patch stage (MCUNetV2) run before ``steps``, or None for layer-based code
    patch: CPatchStage | None = None
    #: the state tensors' places in the state block (empty for a stateless model)
    state: list[CStateFill] = field(default_factory=list)
    #: the weight layout of each conv/dense layer that could take int16 (.c_layouts.LayerLayout)
    layouts: list = field(default_factory=list)
    #: whether the fast kernels keep their loops for a QuantMCU low-bit branch
    #: (ES_FAST_LOW_BIT_LOOPS in the folder's runtime/include/es_nn_config.h)
    low_bit_loops: bool = False

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
    def has_float_ports(self) -> bool:
        return any(p.is_float for p in self.inputs + self.outputs)

    @property
    def has_helpers(self) -> bool:
        """Whether any port has float helpers (float ports need none)."""
        return any(not p.is_float for p in self.inputs + self.outputs)

    @property
    def has_fixed_ports(self) -> bool:
        return any(p.fixed is not None for p in self.inputs + self.outputs)

    @property
    def run_signature(self) -> str:
        ins = [f"const {p.ctype} *in{p.index}" for p in self.inputs]
        outs = [f"{p.ctype} *out{p.index}" for p in self.outputs]
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
        if p.state_bytes:
            lines.append(f"State: {p.state_bytes} bytes outside the arena, kept across "
                         "invocations, reset by init and reset.")
        lines += [c_comment_text(f"Op {r.op_index} ({r.op_type}) runs in place: {r.output} over "
                                 f"{r.input}.", 200) for r in p.inplace_ops]
        lines += [f"Never in place here (its reference kernel cannot run in place): {t}."
                  for t in self.out_of_place]
        return lines + (self.patch.plan_lines if self.patch else [])


def markdown_text(text: str) -> str:
    """``text`` as one Markdown table cell, in code style."""
    clean = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text).replace("`", "'")
    return "`" + clean.replace("|", "\\|") + "`"




@dataclass(frozen=True)
class CCopy:
    """``copy_window(to, source, &table[patch])``; with ``low_bit_table``, the low-bit
    branch copies through that 256-entry table instead (``copy_window_through``)."""

    to: str
    source: str
    table: str
    low_bit_table: str | None = None


@dataclass(frozen=True)
class CPatchCall:
    """One stage op inside the patch loop: its crops, then its kernel call."""

    index: int
    kernel: str
    comment: str
    #: the call's C text (:func:`~.c_calls.render_call`)
    call: str
    crops: tuple[CCopy, ...]


@dataclass(frozen=True)
class CRouting:
    """What ``patch_stage.c.jinja`` needs to route patches (VDPC)."""

    #: the model input in the arena; the band table (``window_copy``), the cell column of
    #: each byte of a band's row, the per-patch ``cell_block`` table, and the
    #: ``outlier_test`` struct (:mod:`.c_routing`)
    input: str
    bands: str
    num_bands: int
    byte_cell: str
    blocks: str
    test: str
    #: VDPC's rule as the header states it: |q - zero_point| > threshold
    zero_point: int
    threshold: int


@dataclass(frozen=True)
class CPatchStage:
    """What ``patch_stage.c.jinja`` lays out, and the numbers behind the arena."""

    split: int
    grid: int
    num_patches: int
    calls: tuple[CPatchCall, ...]
    tile: CCopy
    #: the patch -> variant table, or None when every patch takes the same arguments
    variant_table: str | None
    num_variants: int
    #: the split output, traced once assembled
    tensor_literal: str
    output: str
    output_bytes: int
    plan_lines: list[str]
    #: VDPC routing of a mixed-precision model, or None
    routing: CRouting | None = None

    @property
    def copies_through_tables(self) -> bool:
        """Does the low-bit branch cut a crop through a table (``copy_window_through``)?"""
        return any(c.low_bit_table for call in self.calls for c in call.crops)

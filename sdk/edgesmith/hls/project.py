"""The render context of a generated HLS project: names, types, the top function's calls.

:func:`build_hls_project` takes a fixed-point graph and the user's choices
(I/O style, reuse factor, part, clock) and decides everything the templates
print: the C++ type and variable of every tensor, one call per layer (array
or stream flavour), stream clones for tensors with several readers, trace
statements, the constant arrays, and the testbench's input and output
layouts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import __version__
from ..codegen.c_names import CNamespace, c_comment_text, c_string_literal, model_identifier
from ..codegen.c_writer import GENERATED_MARKER
from ..errors import UnsupportedError
from ..ir import Graph
from .layers import ConstArray, HlsLayer, build_layers, describe
from .types import ApFixed

IO_STYLES = ("parallel", "stream")


@dataclass
class TensorVar:
    tensor: str  # IR tensor name
    var: str  # C++ variable (argument, array or stream)
    type_name: str  # its typedef
    cpp: str  # the ap_fixed type
    width: int
    size: int  # elements of one sample
    comment: str
    raw_min: int = 0  # range of the raw integers (testbench input check)
    raw_max: int = 0
    offset: int = 0  # where a graph input or output starts in a testbench line
    label: str = '""'  # how the testbench names a graph output (a C string literal)


@dataclass
class Statement:
    """One line of the top function: a layer call, a stream clone or a trace."""

    code: str
    comment: str = ""


@dataclass
class CopyLayer:
    """An identity cast into a graph output (after a reshape, or an output read
    by another layer): a config of its own for es_hls::activation."""

    config: str
    n_elem: int
    accum: str


@dataclass
class HlsProject:
    name: str
    io: str
    part: str
    clock_ns: float
    reuse_factor: int
    board: str | None
    source: str
    precision: str
    graph: Graph
    layers: list[HlsLayer]
    inputs: list[TensorVar]
    outputs: list[TensorVar]
    locals: list[TensorVar] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    copies: list[CopyLayer] = field(default_factory=list)
    tb_samples: int = 0

    @property
    def stream(self) -> bool:
        return self.io == "stream"

    @property
    def arrays(self) -> list[ConstArray]:
        return [a for layer in self.layers if not layer.alias for a in layer.arrays]

    @property
    def configured_layers(self) -> list[HlsLayer]:
        return [layer for layer in self.layers if not layer.alias]

    @property
    def guard(self) -> str:
        return self.name.upper()

    @property
    def banner(self) -> str:
        what = f" ({self.precision})" if self.precision else ""
        return c_comment_text(f"{GENERATED_MARKER} {__version__} from "
                              f"{self.source or self.graph.name}{what}; do not edit.", limit=300)

    @property
    def provenance(self) -> str:
        """Where the graph came from and its precision, for the README."""
        what = f" ({self.precision})" if self.precision else ""
        return f"`{self.source or self.graph.name}`{what}"

    @property
    def io_summary(self) -> str:
        if self.stream:
            return ("io_stream: hls::stream ports (AXI4-Stream), one value per element in NHWC "
                    "order; layers run as a DATAFLOW pipeline")
        return (f"io_parallel: array ports, fully partitioned; pipelined, II = {self.reuse_factor}"
                " (the reuse factor)")

    @property
    def input_values(self) -> int:
        return sum(v.size for v in self.inputs)

    @property
    def output_values(self) -> int:
        return sum(v.size for v in self.outputs)

    @property
    def call_arguments(self) -> str:
        return ", ".join(v.var for v in self.inputs + self.outputs)

    @property
    def type_defs(self) -> list[TensorVar]:
        """One variable per tensor type, for its typedef."""
        seen: dict[str, TensorVar] = {}
        for v in self.inputs + self.outputs + self.locals:
            seen.setdefault(v.type_name, v)
        return list(seen.values())

    @property
    def signature(self) -> str:
        if self.stream:
            return ", ".join([f"hls::stream<{v.type_name}>& {v.var}"
                              for v in self.inputs + self.outputs])
        return ", ".join([f"const {v.type_name} {v.var}[{v.size}]" for v in self.inputs] +
                         [f"{v.type_name} {v.var}[{v.size}]" for v in self.outputs])

    @property
    def interface_pragmas(self) -> list[str]:
        ports = self.inputs + self.outputs
        if self.stream:
            return [f"INTERFACE mode=axis port={v.var}" for v in ports] + ["DATAFLOW"]
        return ([f"ARRAY_RESHAPE variable={v.var} complete dim=0" for v in self.inputs] +
                [f"ARRAY_PARTITION variable={v.var} complete dim=0" for v in self.outputs] +
                [f"INTERFACE mode=ap_vld port={v.var}" for v in ports] +
                [f"PIPELINE II={self.reuse_factor}"])

    @property
    def local_declarations(self) -> list[tuple[str, str, str]]:
        """(declaration, pragma, comment) of every local array or stream."""
        if self.stream:  # FIFOs as deep as the tensor: no branch can stall another
            return [(f'hls::stream<{v.type_name}> {v.var}("{v.var}");',
                     f"STREAM variable={v.var} depth={v.size}", v.comment) for v in self.locals]
        return [(f"{v.type_name} {v.var}[{v.size}];",
                 f"ARRAY_PARTITION variable={v.var} complete dim=0", v.comment)
                for v in self.locals]

    def output_label(self, k: int) -> str:
        """How the testbench names output k: the tensor and the op that wrote it."""
        tensor = self.outputs[k].tensor
        producer = self.graph.producer(tensor)
        op_index = self.graph.ops.index(producer) if producer is not None else -1
        what = describe(producer) if producer is not None else "graph input"
        return c_string_literal(f"output {k} {tensor!r} (op {op_index} {what})")


def build_hls_project(graph: Graph, *, io: str = "parallel", reuse_factor: int = 1,
                      part: str, clock_ns: float, board: str | None = None,
                      name: str | None = None, source: str = "", precision: str = "") -> HlsProject:
    if io not in IO_STYLES:
        raise UnsupportedError(f"unknown I/O style {io!r}; one of {', '.join(IO_STYLES)}")
    if reuse_factor < 1:
        raise UnsupportedError(f"the reuse factor must be at least 1, not {reuse_factor}")
    layers = build_layers(graph, reuse_factor)
    model = model_identifier(name or graph.name)
    names = CNamespace([model])
    for layer in layers:  # generated names first: a tensor named like one gets a suffix
        for ident in (layer.config, f"{layer.name}_t", f"{layer.name}_copy_config",
                      *(a.name for a in layer.arrays)):
            names.reserve(ident)
    project = HlsProject(model, io, part, clock_ns, reuse_factor, board, source, precision,
                         graph, layers, [], [])

    def tensor_var(tensor: str, var: str, type_name: str) -> TensorVar:
        t = graph.tensors[tensor]
        fmt = ApFixed.of(t.fmt)
        size = t.size // t.shape[0]
        return TensorVar(tensor, var, type_name, fmt.cpp(), fmt.width, size,
                         c_comment_text(f"{tensor}: {list(t.shape[1:])} {t.fmt.describe()}"),
                         t.fmt.qmin, t.fmt.qmax)

    single_in, single_out = len(graph.inputs) == 1, len(graph.outputs) == 1
    for k, tensor in enumerate(graph.inputs):
        type_name = names.reserve("input_t" if single_in else f"input{k}_t")
        project.inputs.append(tensor_var(tensor, names.unique(tensor, fallback="in"), type_name))
    for k, tensor in enumerate(graph.outputs):
        if tensor in graph.inputs:
            raise UnsupportedError(f"graph output {tensor!r} is a graph input; nothing to compute")
        type_name = names.reserve("result_t" if single_out else f"result{k}_t")
        project.outputs.append(tensor_var(tensor, names.unique(tensor, fallback="out"), type_name))
    for group in (project.inputs, project.outputs):
        offset = 0
        for v in group:
            v.offset, offset = offset, offset + v.size
    for k, v in enumerate(project.outputs):
        v.label = project.output_label(k)
    _plan_calls(project, names, tensor_var)
    return project


def _plan_calls(project: HlsProject, names: CNamespace, tensor_var) -> None:
    """Variables of every layer output, and the statements of the top function in order.

    Arrays (io_parallel) may be read any number of times. A stream has one
    reader, so a tensor read by several layers (or read and also a graph
    output) is cloned once per extra reader."""
    graph, stream = project.graph, project.stream
    outputs = {v.tensor: v for v in project.outputs}
    queue: dict[str, list[TensorVar]] = {}  # tensor -> one variable per reader, in order

    def reads(tensor: str) -> int:
        return sum(op.inputs.count(tensor) for op in graph.ops)

    def take(tensor: str) -> TensorVar:
        return queue[tensor].pop(0) if stream else queue[tensor][0]

    def local(tensor: str, var: str, type_name: str) -> TensorVar:
        v = tensor_var(tensor, names.unique(var), type_name)
        project.locals.append(v)
        return v

    def publish(tensor: str, v: TensorVar, layer: HlsLayer | None) -> None:
        """``v`` holds ``tensor``: hand it to its readers and into its graph output."""
        out_arg = outputs.get(tensor)
        copy_to = out_arg if out_arg is not None and v.var != out_arg.var else None
        if not stream:
            queue[tensor] = [v]
            if copy_to is not None:
                _copy(project, layer, v, copy_to)
            return
        slots = reads(tensor) + (copy_to is not None)
        if slots == 1 and copy_to is not None:
            _copy(project, layer, v, copy_to)
            queue[tensor] = []
            return
        readers, source = [], v
        for k in range(slots - 1):
            a = local(tensor, f"{v.var}_to{k}", v.type_name)
            last = k == slots - 2
            b = copy_to if (last and copy_to is not None) else \
                local(tensor, f"{v.var}_to{k + 1}" if last else f"{v.var}_rest{k}", v.type_name)
            project.statements.append(Statement(
                f"es_hls::clone_stream<{v.size}>({source.var}, {a.var}, {b.var});",
                "a stream has one reader"))
            readers.append(a)
            source = b
        if copy_to is None:
            readers.append(source)
        queue[tensor] = readers

    for v in project.inputs:
        publish(v.tensor, v, None)
    for layer in project.layers:
        out = layer.op.outputs[0]
        inputs = [t for t in layer.op.inputs if t is not None and not graph.tensors[t].is_const]
        if layer.alias:  # a reshape: the same array or stream, seen with a new shape
            v = _alias(take(inputs[0]), tensor_var(out, "", ""))
            _trace(project, layer.op_index, v)
            publish(out, v, layer)
            continue
        in_vars = [take(t) for t in inputs]
        target = outputs[out] if out in outputs and reads(out) == 0 else \
            local(out, f"layer{layer.op_index}_out", f"layer{layer.op_index}_t")
        suffix = "_stream" if stream else ""
        types = ", ".join([v.type_name for v in in_vars] + [target.type_name, layer.config])
        args = ", ".join([v.var for v in in_vars] + [target.var] + [a.name for a in layer.arrays])
        project.statements.append(Statement(
            f"es_hls::{layer.kernel}{suffix}<{types}>({args});",
            c_comment_text(f"op {layer.op_index}: {describe(layer.op)}")))
        _trace(project, layer.op_index, target)
        publish(out, target, layer)


def _alias(source: TensorVar, shaped: TensorVar) -> TensorVar:
    return TensorVar(shaped.tensor, source.var, source.type_name, source.cpp, source.width,
                     source.size, shaped.comment)


def _trace(project: HlsProject, op_index: int, v: TensorVar) -> None:
    kind = "STREAM" if project.stream else "ARRAY"
    project.statements.append(Statement(f"ES_HLS_TRACE_{kind}({op_index}, {v.size}, {v.var});"))


def _copy(project: HlsProject, layer: HlsLayer, source: TensorVar, target: TensorVar) -> None:
    """An identity cast into a graph output (es_hls::activation with no activation)."""
    config = f"{layer.name}_copy_config"
    project.copies.append(CopyLayer(config, target.size, source.cpp))
    suffix = "_stream" if project.stream else ""
    project.statements.append(Statement(
        f"es_hls::activation{suffix}<{source.type_name}, {target.type_name}, {config}>"
        f"({source.var}, {target.var});", "copy into the graph output"))

"""Import float ONNX models (opset 13 and later) as IR graphs.

Nodes are converted in graph order by the converters of :mod:`.onnx_nn`,
:mod:`.onnx_elementwise` and :mod:`.onnx_movement`; a node whose inputs are all constants
(Constant, the Shape -> Gather -> Concat chains of a dynamic-batch Flatten) is evaluated at
import instead (:mod:`.onnx_fold`). Channels-first images become NHWC once, at the graph inputs; see
:mod:`.onnx_layout` for how layouts travel without transposes between ops.

Ports: a rank-4 graph input is an NCHW image, and the IR input is its NHWC transpose;
outputs keep the layout their producer has (NHWC for an image). ``graph.meta["onnx_ports"]``
records, for every IR port, its ONNX name and the permutation from ONNX to IR
(``ports="nchw"`` keeps the ONNX layouts at the ports instead, with a transpose at each edge).
Only the float outputs are imported: an integer output (the label a classifier exported by
skl2onnx computes by ArgMax from its probabilities) is left out, with the nodes only it
needs, and named in ``graph.meta["onnx_dropped_outputs"]``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from ..errors import ModelFormatError, UnsupportedError
from ..ir import Graph
from .builder import GraphBuilder
from .onnx_layout import NHWC, Value, inverse

MIN_OPSET = 13


def load_onnx(path: str | os.PathLike, *, ports: str = "nhwc") -> Graph:
    """The float IR graph of the ONNX model at ``path`` (see the module doc for ports)."""
    import onnx

    path = Path(path)
    if ports not in ("nhwc", "nchw"):
        raise ValueError(f"ports must be 'nhwc' or 'nchw', not {ports!r}")
    try:
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
    except Exception as exc:  # protobuf decode errors and checker errors have no common base
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelFormatError(f"{path}: not a valid ONNX model ({first})",
                               hint="export it again (torch.onnx.export, tf2onnx, skl2onnx)") \
            from None
    return OnnxImporter(model, path, ports).run()


class OnnxImporter:
    """State of one import: the IR being built and what each ONNX name stands for."""

    def __init__(self, model, path: Path, ports: str):
        self.model, self.path, self.ports = model, path, ports
        self.opset = _default_opset(model, path)
        name = model.graph.name or path.stem
        self.builder = GraphBuilder(name, {"source": "onnx", "path": str(path),
                                           "opset": self.opset})
        self.values: dict[str, Value] = {}
        self.consts: dict[str, np.ndarray] = {}
        self.node_title = ""
        self.qdq = None  # QdqParams while importing a QDQ model

    # -- the conversion loop --------------------------------------------------------------
    def run(self) -> Graph:
        from onnx import numpy_helper

        from .onnx_elementwise import CONVERTERS as ELEMENTWISE
        from .onnx_fold import fold_node
        from .onnx_movement import CONVERTERS as MOVEMENT
        from .onnx_nn import CONVERTERS as NN
        from .onnx_qdq import CONVERTERS as QDQ
        from .onnx_qdq import QdqParams, is_qdq, note_dequantized_constant

        converters = {**NN, **ELEMENTWISE, **MOVEMENT}
        if is_qdq(self.model):
            self.qdq = QdqParams()
            converters.update(QDQ)
        graph = self.model.graph
        for init in graph.initializer:
            self.consts[init.name] = numpy_helper.to_array(init)
        for inp in graph.input:
            if inp.name not in self.consts:
                self._input(inp)
        outputs = [o.name for o in graph.output if o.type.tensor_type.elem_type == 1]
        dropped = [o.name for o in graph.output if o.name not in outputs]
        if not outputs:
            raise UnsupportedError(f"{self.path}: the model has no float output")
        self.builder.graph.meta["onnx_dropped_outputs"] = dropped
        needed = _needed(graph.node, outputs)
        for i, node in enumerate(graph.node):
            if i not in needed:
                continue
            self.node_title = f"{self.path}: node {i} {node.op_type}" + \
                (f" {node.name!r}" if node.name else "")
            if node.domain not in ("", "ai.onnx"):
                raise UnsupportedError(f"{self.node_title}: operators of domain {node.domain!r} "
                                       "are not supported (only the standard ONNX domain)")
            if self.qdq is not None:
                note_dequantized_constant(self, node)
            if fold_node(self, node):
                continue
            if node.op_type not in converters:
                raise UnsupportedError(f"{self.node_title}: ONNX operator {node.op_type} is not "
                                       f"supported; supported: {', '.join(sorted(converters))}")
            try:
                converters[node.op_type](self, node)
            except (ValueError, IndexError, KeyError, TypeError, ZeroDivisionError,
                    OverflowError) as exc:  # attributes or constants that do not fit together
                raise ModelFormatError(f"{self.node_title}: malformed node "
                                       f"({type(exc).__name__}: {exc})") from None
        return self._finish(outputs)

    def _input(self, inp) -> None:
        dims = inp.type.tensor_type.shape.dim
        elem = inp.type.tensor_type.elem_type
        if elem != 1:  # FLOAT
            raise UnsupportedError(f"{self.path}: input {inp.name!r} is not float32 (ONNX type "
                                   f"{elem}); only float inputs are supported")
        shape = [d.dim_value if d.HasField("dim_value") else None for d in dims]
        if not shape or any(d is None or d <= 0 for d in shape[1:]):
            raise UnsupportedError(f"{self.path}: input {inp.name!r} has shape {shape}; every "
                                   "dimension but the batch must be fixed")
        if shape[0] not in (None, 1):
            raise UnsupportedError(f"{self.path}: input {inp.name!r} has batch {shape[0]}",
                                   hint="export with batch 1 or a dynamic batch axis")
        shape = (1, *shape[1:])
        perm = NHWC if len(shape) == 4 and self.ports == "nhwc" else None
        ir_shape = tuple(shape[p] for p in perm) if perm else shape
        self.values[inp.name] = Value(self.builder.input(inp.name, ir_shape), shape, perm)

    def _finish(self, outputs: list[str]) -> Graph:
        names, port_meta = [], {}
        for name in self.builder.graph.inputs:
            port_meta[name] = {"onnx": name, "perm": _perm_list(self.values[name].perm)}
        for name in outputs:
            if name not in self.values:
                raise UnsupportedError(f"{self.path}: output {name!r} is a constant; "
                                       "only computed outputs are supported")
            value = held = self.values[name]
            if value.order or (value.perm and self.ports == "nchw"):
                value = self.onnx_order(value)
            if self.qdq is not None and held.name in self.qdq.formats:
                self.qdq.moved(held, value)
            ir = self.builder.rename_output(value.name, name)
            if self.qdq is not None and ir != value.name and value.name in self.qdq.formats:
                self.qdq.formats[ir] = self.qdq.formats.pop(value.name)
                self.qdq.sources[ir] = self.qdq.sources.pop(value.name)
            names.append(ir)
            port_meta[ir] = {"onnx": name, "perm": _perm_list(value.perm)}
        self.builder.graph.meta["onnx_ports"] = port_meta
        graph = self.builder.finish(names)
        if self.qdq is None:
            return graph
        from .onnx_qdq import quantize_as_written

        return quantize_as_written(graph, self.qdq, self.path)

    # -- what converters use --------------------------------------------------------------
    def emit(self, op_type: str, inputs: list[str | None], attrs: dict | None = None,
             name: str = "") -> str:
        return self.builder.op(op_type, inputs, attrs, name=name or op_type,
                               origin=self.node_title.split(": ", 1)[-1])

    def value(self, ir_name: str, perm=None, order=None) -> Value:
        """The Value of IR tensor ``ir_name`` held in layout (perm, order)."""
        shape = self.builder.shape(ir_name)
        if perm:
            shape = tuple(shape[i] for i in inverse(perm))
        return Value(ir_name, tuple(shape), tuple(perm) if perm else None,
                     tuple(order) if order else None)

    def define(self, onnx_name: str, value: Value) -> None:
        self.check_shape(value.shape)
        self.values[onnx_name] = value

    def check_shape(self, shape) -> None:
        """Refuse a shape above the resource limits before anything of its size exists."""
        from ..io.limits import MAX_RANK, MAX_TENSOR_ELEMENTS, check_limit

        check_limit(self.node_title, "the rank", len(shape), MAX_RANK)
        if any(int(d) <= 0 for d in shape):
            raise ModelFormatError(f"{self.node_title}: shape {list(shape)} has an empty or "
                                   "negative dimension")
        check_limit(self.node_title, "the element count", math.prod(int(d) for d in shape),
                    MAX_TENSOR_ELEMENTS)

    def act(self, onnx_name: str) -> Value:
        if onnx_name in self.values:
            return self.values[onnx_name]
        raise UnsupportedError(f"{self.node_title}: input {onnx_name!r} is neither computed "
                               "before this node nor a graph input")

    def is_const(self, onnx_name: str) -> bool:
        return onnx_name in self.consts

    def const(self, onnx_name: str, what: str) -> np.ndarray:
        if onnx_name not in self.consts:
            raise UnsupportedError(f"{self.node_title}: {what} computed at run time is not "
                                   "supported (only constants)")
        return self.consts[onnx_name]

    def ir_const(self, name: str, data: np.ndarray) -> str:
        return self.builder.const(name, np.asarray(data, dtype=np.float32))

    def onnx_order(self, value: Value) -> Value:
        """``value`` held in its ONNX layout (a transpose or feature gather if it is not)."""
        if value.perm:
            out = self.emit("transpose", [value.name], {"perm": inverse(value.perm)},
                            f"{value.name}/onnx_layout")
            return self.value(out)
        if value.order:
            back = tuple(int(i) for i in np.argsort(value.order))
            out = self.emit("take", [value.name], {"axis": 1, "indices": back,
                                                   "indices_shape": (len(back),)},
                            f"{value.name}/onnx_order")
            return self.value(out)
        return value

    def nhwc(self, value: Value) -> Value:
        """A rank-4 ``value`` held as NHWC (what the window ops of the IR read)."""
        if value.rank != 4:
            raise UnsupportedError(f"{self.node_title}: expected a rank-4 NCHW input, got "
                                   f"shape {list(value.shape)}")
        if value.perm == NHWC:
            return value
        value = self.onnx_order(value)
        out = self.emit("transpose", [value.name], {"perm": NHWC}, f"{value.name}/nhwc")
        return self.value(out, NHWC)


def node_attrs(node) -> dict:
    """A node's attributes as Python values (strings decoded)."""
    from onnx import helper

    out = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        out[a.name] = v.decode() if isinstance(v, bytes) else v
    return out


def _needed(nodes, outputs: list[str]) -> set[int]:
    """Indices of the nodes the ``outputs`` depend on."""
    wanted, needed = set(outputs), set()
    for i in range(len(nodes) - 1, -1, -1):
        if wanted.intersection(nodes[i].output):
            needed.add(i)
            wanted.update(n for n in nodes[i].input if n)
    return needed


def _perm_list(perm) -> list[int] | None:
    return list(perm) if perm else None


def _default_opset(model, path: Path) -> int:
    for imp in model.opset_import:
        if imp.domain in ("", "ai.onnx"):
            if imp.version < MIN_OPSET:
                raise UnsupportedError(f"{path}: ONNX opset {imp.version} is not supported "
                                       f"(opset {MIN_OPSET} or later)",
                                       hint=f"export again with opset_version={MIN_OPSET} "
                                            "or later")
            return int(imp.version)
    raise ModelFormatError(f"{path}: the model imports no standard ONNX opset")

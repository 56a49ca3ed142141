"""The schedule of a generated model: one :class:`~.c_context.CStep` per op.

For each op this decides the C expression of every kernel argument: tensor
data (``&arena[offset]`` for activations, the array's name for constants),
``static const`` parameter structs and arrays (from :mod:`.c_params`), and
shapes, then renders the call from the kernel's prototype (:mod:`.c_calls`).
A kernel variant (the in-place depthwise conv2d) is chosen here, in
:meth:`ScheduleBuilder.written_args`, never in a template. Names come from
one :class:`~.c_names.CNamespace`, so nothing generated can collide with the
model's API or with another name.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..errors import UnsupportedError
from ..ir import FixedFormat, Graph, Op, Tensor, describe_format
from .c_calls import (ArenaPointer, CObject, call_values, pointer_expression, render_call,
                      tensor_params, variant)
from .c_context import CData, CDecl, CModel, CStep, markdown_text
from .c_formats import c_constant
from .c_layouts import LaidOut, w16_call
from .c_names import CNamespace, c_comment_text, c_string_literal
from .c_params import (VIEW_OPS, CArray, CStruct, CSymbol, c_array_lines, c_initializer,
                       c_struct_lines)
from ..kernels.c_prototypes import PrototypeError, prototype, runtime_layouts
from .c_runtime import kernel_sources

#: C element types of constant tensors, by dtype
C_TYPES = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int32_t",
           "int64": "int64_t"}
#: names the generated .c file uses for itself
_FIXED_NAMES = ("arena", "state", "trace_fn", "trace_user", "copy_bytes", "status")
_API = ("init", "reset", "input", "output", "invoke", "run", "set_trace", "patch_branches")


def _element_bytes(array: CArray) -> int:
    """Bytes of one element on a 32-bit target: the runtime headers' layout, else (the
    generated file's own structs, e.g. ``window_copy``) 4 bytes a field."""
    try:
        return runtime_layouts().sizeof(array.ctype)
    except PrototypeError:
        def leaves(value) -> int:
            return sum(leaves(v) for v in value.values()) if isinstance(value, dict) else 1

        return 4 * leaves(array.values[0])


class ScheduleBuilder:
    """Fills ``model`` with the steps, constants and parameters of ``graph``."""

    def __init__(self, graph: Graph, model: CModel):
        self.graph, self.model = graph, model
        self.names = CNamespace([f"{model.name}_{s}" for s in _API] + list(_FIXED_NAMES))
        self.const_names: dict[str, str] = {}

    def build(self, first_op: int = 0, kernels: Iterable[str] = ()) -> None:
        """Steps of ops ``first_op`` on; earlier ops (a patch stage) call ``kernels``."""
        kernels = set(kernels)
        for index, op in enumerate(self.graph.ops[first_op:], start=first_op):
            step = self._view(index, op) if op.type in VIEW_OPS else self._call(index, op)
            kernels.add(step.kernel)
            self.model.steps.append(step)
        self.model.kernel_sources = kernel_sources(sorted(kernels - {"(view)"}),
                                                  self.model.kernel_set)

    # -- tensors ----------------------------------------------------------------------
    def pointer(self, tensor: str | None, use: str = "", ctype: str | None = None) -> str:
        """The C expression of a tensor's data: its place in the arena, or its constant array
        (named after its first ``use``, e.g. ``op3_filter``: framework tensor names are long),
        in ``ctype`` (the kernel parameter's) where that stores a fixed-point constant in
        fewer bytes (the ``_w8``/``_w16`` kernels, :func:`.c_fixed.filter_storage`)."""
        if tensor is None:
            return "NULL"
        if tensor in self.model.plan.state_offsets:
            return ArenaPointer(f"&state[{self.model.plan.state_offsets[tensor]}]")
        if tensor in self.model.plan.offsets or not self.graph.tensors[tensor].is_const:
            return ArenaPointer(f"&arena[{self.model.plan.offsets[tensor]}]")
        data = c_constant(self.graph.tensors[tensor])  # sub-byte and pow2 codes packed
        narrow = narrower_dtype(self.graph.tensors[tensor], data, ctype)
        key = tensor if narrow is None else f"{tensor} as {narrow}"
        if key not in self.const_names:
            self.const_names[key] = self._declare_constant(
                tensor, use, data if narrow is None else narrowed_constant(tensor, data, narrow))
        return self.const_names[key]

    def _declare_constant(self, tensor: str, use: str, data: np.ndarray) -> str:
        t = self.graph.tensors[tensor]
        if str(data.dtype) not in C_TYPES:
            raise UnsupportedError(f"constant {tensor!r} ({t.dtype}, {describe_format(t.fmt)}) "
                                   "has no C representation yet")
        name = self.names.unique(use or tensor, prefix=f"{self.model.name}_")
        per_line = 16 if data.itemsize == 1 else 8
        comment = c_comment_text(f"{tensor} {list(t.shape)} {describe_format(t.fmt)}", 200)
        self.model.weights.append(CData(f"const {C_TYPES[str(data.dtype)]}", name, data.size,
                                        c_array_lines(data, per_line), comment, data.nbytes))
        return name

    # -- steps --------------------------------------------------------------------------
    def _step(self, index: int, op: Op, kernel: str, call: str | None, comment: str) -> CStep:
        out = self.graph.tensors[op.outputs[0]]
        return CStep(index, op.type, kernel, c_comment_text(comment, 200), call,
                     c_string_literal(out.name), markdown_text(out.name), self.pointer(out.name),
                     self.model.plan.offsets[out.name], out.nbytes)

    def _view(self, index: int, op: Op) -> CStep:
        src, out = op.inputs[0], op.outputs[0]
        if self.graph.tensors[src].is_const:  # the planner gives it arena bytes nobody writes
            raise UnsupportedError(f"{op.origin or op.type}: {op.type} of the constant {src!r}",
                                   hint="fold constants first (edgesmith.passes.constant_fold)")
        comment = (f"op {index}: {op.origin or op.type}, a view (no call): "
                   f"{list(self.graph.tensors[out].shape)} of {src} -> {out}")
        return self._step(index, op, "(view)", None, comment)

    def _call(self, index: int, op: Op) -> CStep:
        kernel, values = call_values(op, self.graph)
        if any(x.index == index and x.layout == "int16" for x in self.model.layouts):
            kernel, values = w16_call(op, self.graph, kernel, values)
        args = {role: self._parameter(f"op{index}_{role}", value) for role, value in values.items()}
        kernel, written = self.written_args(index, kernel, self.pointer(op.outputs[0]))
        args.update(self.pointer_args(index, kernel, op.inputs, values))
        args.update(written)
        inplace = next((r for r in self.model.plan.inplace_ops if r.op_index == index), None)
        where = " (in place)" if inplace else ""
        comment = f"op {index}: {op.origin or op.type}{where} -> {op.outputs[0]}"
        return self._step(index, op, kernel, render_call(kernel, args), comment)

    def written_args(self, index: int, kernel: str, output: str) -> tuple[str, dict[str, str]]:
        """The kernel op ``index`` calls and the pointers it writes: ``output``; or, when it
        runs in place with a scratch buffer (depthwise conv2d), the kernel's ``_inplace``
        variant, on the output's buffer (planned over its input, so it is the input too)
        with the scratch's arena address."""
        record = next((r for r in self.model.plan.inplace_ops if r.op_index == index), None)
        if record is None or record.scratch is None:
            return kernel, {"output": output}
        return variant(kernel, "_inplace"), {"input": output,
                                             "scratch": self.pointer(record.scratch)}

    def pointer_args(self, index: int, kernel: str, inputs: list[str | None],
                     values: dict) -> dict[str, str]:
        """The C expressions of the input pointers of op ``index``'s call to ``kernel``,
        reading ``inputs`` (the op's inputs, or the buffers a patch stage reads instead);
        ``values``: the roles its parameter values fill (:func:`~.c_calls.tensor_params`)."""
        params = tensor_params(prototype(kernel), values)
        args = {p.name: "NULL" for p in params[len(inputs):]}  # optional inputs it lacks (bias)
        for param, tensor in zip(params, inputs):
            if param.pointer == 2:  # one array of pointers to all the inputs
                ctype = param.element
                pointers = tuple(CSymbol(pointer_expression(ctype, self.pointer(
                    n, f"op{index}_input{k}"))) for k, n in enumerate(inputs))
                args[param.name] = self._declare_array(f"op{index}_{param.name}",
                                                       CArray(ctype, pointers))
            else:
                args[param.name] = self.pointer(tensor, f"op{index}_{param.name}",
                                                param.ctype if param.pointer == 1 else None)
        return args

    # -- parameters ---------------------------------------------------------------------
    def _parameter(self, base: str, value) -> str:
        if isinstance(value, LaidOut):  # weights in another layout: flash like the tensors
            return self._declare_laid_out(base, value)
        if isinstance(value, CStruct):
            return self._declare_struct(base, value)
        if isinstance(value, CArray):
            return self._declare_array(base, value)
        return c_initializer(value)

    def _declare_laid_out(self, base: str, value: LaidOut) -> str:
        name = self.names.unique(base, prefix=f"{self.model.name}_")
        nbytes = _element_bytes(value) * len(value.values)
        self.model.weights.append(CData(f"const {value.ctype}", name, len(value.values),
                                        c_array_lines(value.values, 8),
                                        f"{base}: laid out offline (es_nn_fast_w16.h)", nbytes))
        return name

    def _declare_struct(self, base: str, value: CStruct) -> CObject:
        fields = {k: CSymbol(self._declare_array(f"{base}_{k}", v)) if isinstance(v, CArray)
                  else v for k, v in value.fields.items()}
        name = self.names.unique(base)
        self.model.params.append(CDecl(value.ctype, name, c_struct_lines(fields)))
        return CObject(name)

    def _declare_array(self, base: str, value: CArray) -> str:
        name = self.names.unique(base)
        per_line = 16 if value.ctype in ("int8_t", "uint8_t", "int32_t") else 1
        # an array of pointers is const itself: "static const int8_t *const"
        decl = (f"static {value.ctype}const" if value.ctype.endswith("*")
                else f"static const {value.ctype}")
        self.model.param_data.append(CData(decl, name, len(value.values),
                                           c_array_lines(value.values, per_line), "",
                                           _element_bytes(value) * len(value.values)))
        return name


def narrower_dtype(t: Tensor, data: np.ndarray, ctype: str | None) -> str | None:
    """The dtype of a kernel parameter ``ctype`` narrower than a fixed-point constant's, if
    any (a ``_w16`` kernel's ``const int16_t *filter``); None: the constant stays as it is."""
    if ctype is None or not isinstance(t.fmt, FixedFormat):
        return None
    words = ctype.replace("*", " ").split()
    base = next((d for d, c in C_TYPES.items() if c in words), None)
    if base is None or np.dtype(base).itemsize >= data.itemsize:
        return None
    return base


def narrowed_constant(tensor: str, data: np.ndarray, dtype: str) -> np.ndarray:
    narrow = data.astype(dtype)
    if not np.array_equal(narrow, data):  # the kernel variant was chosen from the format
        raise UnsupportedError(f"constant {tensor!r} holds values outside {dtype}, the type its "
                               "kernel reads")
    return narrow

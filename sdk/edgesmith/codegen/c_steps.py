"""The schedule of a generated model: one :class:`~.c_model.CStep` per op.

For each op this decides the C expression of every kernel argument: tensor
data (``&arena[offset]`` for activations, the array's name for constants),
``static const`` parameter structs and arrays (from :mod:`.c_params`), and
shapes. Names come from one :class:`~.c_names.CNamespace`, so nothing
generated can collide with the model's API or with another name.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import UnsupportedError
from ..ir import Graph, Op, describe_format
from .c_formats import (FORMAT_CALL_TEMPLATES, FORMAT_DIMS_ROLES, FORMAT_INPUT_ROLES,
                        FORMAT_POINTER_ARRAYS, c_constant)
from .c_model import CData, CDecl, CModel, CStep, markdown_text
from .c_names import CNamespace, c_comment_text, c_string_literal
from .c_params import (VIEW_OPS, CArray, CStruct, CSymbol, c_array_lines, c_initializer,
                       c_struct_lines, dims, kernel_params)
from .c_runtime import kernel_sources

#: C element types of constant tensors, by dtype
C_TYPES = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int32_t",
           "int64": "int64_t"}
#: bytes of each element type of parameter arrays on a 32-bit microcontroller
_ELEMENT_BYTES = {"int8_t": 1, "uint8_t": 1, "int32_t": 4, "es_exact_scale": 16, "es_dims": 16,
                  "const int8_t *": 4, "es_conv_params": 40, "es_dw_conv_params": 44,
                  "es_pool_params": 32, "es_pad_params": 20, "window_copy": 24,
                  "const int32_t *": 4, "es_relu_fx_params": 40}

#: the call template (``codegen/templates/ops/<name>.c.jinja``) of each kernel
CALL_TEMPLATES = {
    "es_conv2d_s8": "conv2d", "es_depthwise_conv2d_s8": "depthwise_conv2d",
    "es_fully_connected_s8": "fully_connected", "es_avg_pool2d_s8": "avg_pool2d",
    "es_max_pool2d_s8": "max_pool2d", "es_add_s8": "add", "es_mul_s8": "mul",
    "es_requantize_s8": "quantize", "es_relu_s8": "relu", "es_softmax_s8": "softmax",
    "es_logistic_s8": "logistic", "es_tanh_s8": "tanh", "es_mean_s8": "mean", "es_pad_s8": "pad",
    "es_concat_s8": "concat", "es_gather_s8": "gather", **FORMAT_CALL_TEMPLATES,
}
#: roles of each call template's tensor pointers, in op input order
_INPUT_ROLES = {"conv2d": ("input", "filter", "bias"),
                "depthwise_conv2d": ("input", "filter", "bias"),
                "fully_connected": ("input", "filter", "bias"), "add": ("input1", "input2"),
                "mul": ("input1", "input2"), **FORMAT_INPUT_ROLES}
#: tensors whose es_dims a call takes
_DIMS_ROLES = {"conv2d": ("input", "filter", "output"),
               "depthwise_conv2d": ("input", "filter", "output"),
               "avg_pool2d": ("input", "output"), "max_pool2d": ("input", "output"),
               "add": ("input1", "input2", "output"), "mul": ("input1", "input2", "output"),
               "mean": ("input",), "pad": ("input", "output"), "concat": ("output",),
               **FORMAT_DIMS_ROLES}
#: families that take their inputs as one array of pointers, and the pointers' C type
_POINTER_ARRAYS = {"concat": "const int8_t *", **FORMAT_POINTER_ARRAYS}
#: names the generated .c file uses for itself
_FIXED_NAMES = ("arena", "trace_fn", "trace_user", "copy_bytes", "status")
_API = ("init", "input", "output", "invoke", "run", "set_trace", "patch_branches")


def _element_bytes(array: CArray) -> int:
    """Bytes of one element on a 32-bit target: a known type, else a parameter struct whose
    fields (ints, enums, pointers; nested structs flattened) are 4 bytes each."""
    if array.ctype in _ELEMENT_BYTES:
        return _ELEMENT_BYTES[array.ctype]

    def leaves(value) -> int:
        return sum(leaves(v) for v in value.values()) if isinstance(value, dict) else 1

    return 4 * leaves(array.values[0])


def call_template(kernel: str) -> str:
    return f"ops/{CALL_TEMPLATES[kernel]}.c.jinja"


def call_values(op: Op, graph: Graph) -> tuple[str, dict]:
    """The kernel of ``op`` and its call's arguments that are values, by role: parameter
    structs, arrays and ints (:func:`kernel_params`) and tensor shapes (``<role>_dims``).
    Tensor pointers are not values; see :meth:`ScheduleBuilder.pointer_args`."""
    kp = kernel_params(op, graph)
    family = CALL_TEMPLATES[kp.kernel]
    values = dict(kp.args)
    if family in _POINTER_ARRAYS:
        values["input_dims"] = CArray("es_dims", tuple(dims(graph.tensors[n].shape)
                                                       for n in op.inputs))
    tensors = {**dict(zip(_INPUT_ROLES.get(family, ("input",)), op.inputs)),
               "output": op.outputs[0]}
    for role in _DIMS_ROLES.get(family, ()):
        values[f"{role}_dims"] = CStruct("es_dims", dims(graph.tensors[tensors[role]].shape))
    return kp.kernel, values


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
        self.model.kernel_sources = kernel_sources(sorted(kernels - {"(view)"}))

    # -- tensors ----------------------------------------------------------------------
    def pointer(self, tensor: str | None, use: str = "") -> str:
        """The C expression of a tensor's data: its place in the arena, or its constant array
        (named after its first ``use``, e.g. ``op3_filter``: framework tensor names are long)."""
        if tensor is None:
            return "NULL"
        if tensor in self.model.plan.offsets or not self.graph.tensors[tensor].is_const:
            return f"&arena[{self.model.plan.offsets[tensor]}]"
        if tensor not in self.const_names:
            self.const_names[tensor] = self._declare_constant(tensor, use)
        return self.const_names[tensor]

    def _declare_constant(self, tensor: str, use: str) -> str:
        t = self.graph.tensors[tensor]
        data = c_constant(t)  # sub-byte values and pow2 codes packed (c_formats)
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
    def _step(self, index: int, op: Op, kernel: str, template: str | None, args: dict,
              comment: str) -> CStep:
        out = self.graph.tensors[op.outputs[0]]
        return CStep(index, op.type, kernel, c_comment_text(comment, 200), template, args,
                     c_string_literal(out.name), markdown_text(out.name), self.pointer(out.name),
                     self.model.plan.offsets[out.name], out.nbytes)

    def _view(self, index: int, op: Op) -> CStep:
        src, out = op.inputs[0], op.outputs[0]
        if self.graph.tensors[src].is_const:  # the planner gives it arena bytes nobody writes
            raise UnsupportedError(f"{op.origin or op.type}: {op.type} of the constant {src!r}",
                                   hint="fold constants first (edgesmith.passes.constant_fold)")
        comment = (f"op {index}: {op.origin or op.type}, a view (no call): "
                   f"{list(self.graph.tensors[out].shape)} of {src} -> {out}")
        return self._step(index, op, "(view)", None, {}, comment)

    def _call(self, index: int, op: Op) -> CStep:
        kernel, values = call_values(op, self.graph)
        args = {role: self._parameter(f"op{index}_{role}", value) for role, value in values.items()}
        args.update(self.pointer_args(index, kernel, op.inputs))
        args["output"] = self.pointer(op.outputs[0])
        args.update(self.inplace_args(index))
        inplace = next((r for r in self.model.plan.inplace_ops if r.op_index == index), None)
        where = " (in place)" if inplace else ""
        comment = f"op {index}: {op.origin or op.type}{where} -> {op.outputs[0]}"
        return self._step(index, op, kernel, call_template(kernel), args, comment)

    def inplace_args(self, index: int) -> dict[str, str]:
        """The extra arguments of op ``index``'s call when it runs in place: the arena address
        of an in-place depthwise conv2d's scratch buffer (``scratch``, which makes its call
        template call the ``_inplace`` kernel); none for other ops."""
        record = next((r for r in self.model.plan.inplace_ops if r.op_index == index), None)
        if record is None or record.scratch is None:
            return {}
        return {"scratch": self.pointer(record.scratch)}

    def pointer_args(self, index: int, kernel: str, inputs: list[str | None]) -> dict[str, str]:
        """The C expressions of the input pointers of op ``index``'s call to ``kernel``,
        reading ``inputs`` (the op's inputs, or the buffers a patch stage reads instead)."""
        family = CALL_TEMPLATES[kernel]
        if family in _POINTER_ARRAYS:
            ctype = _POINTER_ARRAYS[family]
            cast = "" if family == "concat" else f"({ctype})"  # the arena is int8_t
            pointers = tuple(CSymbol(cast + self.pointer(n, f"op{index}_input{k}"))
                             for k, n in enumerate(inputs))
            return {"inputs": self._declare_array(f"op{index}_inputs", CArray(ctype, pointers))}
        roles = _INPUT_ROLES.get(family, ("input",))
        padded = list(inputs) + [None] * (len(roles) - len(inputs))
        return {role: self.pointer(t, f"op{index}_{role}") for role, t in zip(roles, padded)}

    # -- parameters ---------------------------------------------------------------------
    def _parameter(self, base: str, value) -> str:
        if isinstance(value, CStruct):
            return self._declare_struct(base, value)
        if isinstance(value, CArray):
            return self._declare_array(base, value)
        return c_initializer(value)

    def _declare_struct(self, base: str, value: CStruct) -> str:
        fields = {k: CSymbol(self._declare_array(f"{base}_{k}", v)) if isinstance(v, CArray)
                  else v for k, v in value.fields.items()}
        name = self.names.unique(base)
        self.model.params.append(CDecl(value.ctype, name, c_struct_lines(fields)))
        return name

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

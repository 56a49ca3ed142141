"""Kernel calls derived from their prototypes in ``runtime/include/es_nn.h``.

A prototype's parameter names are the roles of its arguments
(:mod:`.c_prototypes`). For one op:

* its parameter values (:func:`.c_params.kernel_params`) fill the roles of
  the same names (``params``, ``quant``, ``table``, ``size`` ...);
* its inputs fill, in order, the prototype's *tensor parameters*: the
  pointers to integers that no parameter value fills, other than
  ``output`` and ``scratch`` (so the int8 ``es_logistic_s8`` gets its
  ``table`` as a value and the op's input as ``input``); a pointer to
  pointers (``inputs``) takes all of them as one array;
* its output fills ``output``;
* each ``<role>_dims`` parameter gets that role's tensor's shape, or the
  shapes of the pointer array's tensors (``input_dims`` of ``inputs``).

:func:`render_call` prints the call from the prototype and the C
expressions of the roles, so adding a kernel takes its prototype and its
parameter values, and no call template or role table.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import zip_longest

from ..ir import Graph, Op
from .c_params import kernel_params
from ..kernels.c_prototypes import CParam, Prototype, prototype, runtime_prototypes
from .c_values import CArray, CStruct, dims

#: pointer roles that no op input fills
_WRITTEN = ("output", "scratch")
#: where a generated call starts in model.c (``    status = ``) and the line it keeps to
_CALL_COLUMN, _LINE_WIDTH = 13, 100
_CONTINUATION = " " * 8


class KernelCallError(ValueError):
    """A call that does not fit its kernel's prototype: a bug in the generator, not input."""


class CObject(str):
    """A C expression naming a parameter struct: the call passes its address."""


class ArenaPointer(str):
    """A C expression pointing into the ``int8_t`` arena: the call casts it to the
    parameter's pointer type when that points to something else (raw int32 values)."""


def _describe(proto: Prototype) -> str:
    return f"its prototype in es_nn.h is {proto}"


def tensor_params(proto: Prototype, supplied) -> tuple[CParam, ...]:
    """The parameters op inputs fill, in order (see the module docstring); ``supplied``:
    the roles parameter values fill."""
    return tuple(p for p in proto.params if p.points_to_integers
                 and p.name not in supplied and p.name not in _WRITTEN)


def op_tensors(op: Op, proto: Prototype, supplied) -> dict[str, str | None | tuple]:
    """Tensor name by role: each tensor parameter's (None for a missing optional input), the
    pointer array's (a tuple) and ``output``."""
    params = tensor_params(proto, supplied)
    arrays = [p for p in params if p.pointer == 2]
    if arrays:
        if len(params) != 1:
            raise KernelCallError(f"{proto.name}: a pointer array must be its only tensor "
                                  f"parameter; {_describe(proto)}")
        tensors = {arrays[0].name: tuple(op.inputs)}
    else:
        if len(op.inputs) > len(params):
            raise KernelCallError(
                f"{op.type} has {len(op.inputs)} inputs but {proto.name} takes "
                f"{len(params)} tensors ({', '.join(p.name for p in params)}); {_describe(proto)}")
        tensors = {p.name: t for p, t in zip_longest(params, op.inputs)}
    tensors["output"] = op.outputs[0]
    return tensors


def call_values(op: Op, graph: Graph) -> tuple[str, dict]:
    """The kernel of ``op`` and its call's arguments that are values, by role: parameter
    structs, arrays and ints (:func:`kernel_params`) and tensor shapes (``<role>_dims``).
    Tensor pointers are not values (:meth:`~.c_steps.ScheduleBuilder.pointer_args`)."""
    kp = kernel_params(op, graph)
    proto = prototype(kp.kernel)
    values = dict(kp.args)
    tensors = op_tensors(op, proto, kp.args)
    for p in proto.params:
        if p.name.endswith("_dims") and p.base == "es_dims" and p.name not in values:
            role = p.name.removesuffix("_dims")
            if isinstance(tensors.get(role), str):
                values[p.name] = CStruct("es_dims", dims(graph.tensors[tensors[role]].shape))
            elif isinstance(tensors.get(f"{role}s"), tuple):
                values[p.name] = CArray("es_dims", tuple(dims(graph.tensors[n].shape)
                                                         for n in tensors[f"{role}s"]))
            else:
                raise KernelCallError(f"{proto.name}: {p.name} names no tensor parameter "
                                      f"({role} or {role}s); {_describe(proto)}")
    return kp.kernel, values


def variant(kernel: str, suffix: str) -> str:
    """A kernel's variant (e.g. ``_inplace``), which has a prototype of its own."""
    name = f"{kernel}{suffix}"
    if name not in runtime_prototypes():
        raise KernelCallError(f"es_nn.h declares no {name}, the {suffix} variant of {kernel}")
    return name


def pointer_expression(ctype: str, expr: str) -> str:
    """``expr`` passed as a ``ctype`` pointer: arena pointers cast from ``int8_t *``."""
    if isinstance(expr, ArenaPointer) and CParam(ctype, "_").base != "int8_t":
        return f"({ctype}){expr}"
    return str(expr)


def _argument(proto: Prototype, param: CParam, value: str) -> str:
    if isinstance(value, CObject):
        if param.pointer != 1:
            raise KernelCallError(f"{proto.name}: {param.name} ({param.ctype}) takes no struct; "
                                  f"{_describe(proto)}")
        return f"&{value}"
    return pointer_expression(param.ctype, value) if param.pointer == 1 else str(value)


def render_call(kernel: str | Prototype, args: Mapping[str, str]) -> str:
    """The C call of ``kernel`` (its name in es_nn.h, or a prototype) with ``args`` (C
    expression by role), in the prototype's order: ``ctx`` is NULL unless given (the
    reference kernels need no scratch context). A role the prototype lacks, or a parameter
    without an argument, is a KernelCallError."""
    proto = kernel if isinstance(kernel, Prototype) else prototype(kernel)
    kernel = proto.name
    unknown = sorted(set(args) - set(proto.names))
    if unknown:
        raise KernelCallError(f"{kernel} has no parameter {', '.join(map(repr, unknown))}; "
                              f"{_describe(proto)}")
    texts = []
    for p in proto.params:
        if p.name in args:
            texts.append(_argument(proto, p, args[p.name]))
        elif p.name == "ctx":
            texts.append("NULL")
        else:
            raise KernelCallError(f"no argument for {p.name!r} ({p.ctype}) of {kernel}; "
                                  f"{_describe(proto)}")
    return _wrapped(f"{kernel}(", texts)


def _wrapped(head: str, texts: list[str]) -> str:
    """``head`` and the arguments, broken between arguments to keep lines short."""
    lines, line, column = [], head, _CALL_COLUMN
    for k, text in enumerate(texts):
        piece = text + (")" if k == len(texts) - 1 else ",")
        if line not in (head, _CONTINUATION) and column + len(line) + 1 + len(piece) > _LINE_WIDTH:
            lines.append(line)
            line, column = _CONTINUATION, 0
        line += piece if line in (head, _CONTINUATION) else " " + piece
    if not texts:
        line += ")"
    return "\n".join(lines + [line])

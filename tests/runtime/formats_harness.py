"""The fixed-point (``es_*_fx``), power-of-two (``es_*_p2``) and sub-byte (``es_*_s4``) C
kernels run from Python next to the golden simulator.

A one-op graph (:func:`one_op`) is simulated; the same op's C call is built
from what the code generator uses: ``kernel_params`` (through
``edgesmith.codegen.c_formats``) for the parameter structs, ``c_constant``
for the stored weights (packed), and the kernel's parameter names read from
``es_nn.h`` to place every argument: so the tests exercise the very values
generated code passes. Outputs are compared as raw integers.
"""

from __future__ import annotations

import functools
import re

import numpy as np
from edgesmith.codegen.c_formats import c_constant
from edgesmith.codegen.c_params import CStruct, kernel_params
from edgesmith.codegen.c_steps import narrowed_constant, narrower_dtype
from edgesmith.ir import Graph, NumberFormat, Op, Tensor, infer_shape, verify_graph
from edgesmith.ir.packing import pack_subbyte, unpack_subbyte
from edgesmith.sim import simulate
from edgesmith.arith.widened import is_subbyte
from edgesmith.boards.host_build import STRICT_C99_FLAGS, build_host_library

from .harness import INCLUDE, RUNTIME, SANITIZE, Runtime, public_cdef

SOURCES = sorted(p for kind in ("fx", "p2", "s4")
                 for p in (RUNTIME / "kernels" / "ref").glob(f"es_*_{kind}.c"))
_DECL = re.compile(r"es_status\s+(es_\w+)\s*\(([^)]*)\)\s*;")


@functools.cache
def formats_runtime() -> Runtime:
    ffi, lib = build_host_library(SOURCES, [INCLUDE], public_cdef(), cflags=STRICT_C99_FLAGS,
                                  sanitize=SANITIZE)
    return Runtime(ffi, lib)


@functools.cache
def parameter_names(kernel: str) -> tuple[str, ...]:
    """The parameter names of ``kernel`` as es_nn.h declares them."""
    for name, params in _DECL.findall((INCLUDE / "es_nn.h").read_text()):
        if name == kernel:
            return tuple(p.split()[-1].lstrip("*") for p in params.split(","))
    raise KeyError(kernel)


def one_op(op_type: str, inputs: list, out_fmt: NumberFormat, attrs: dict | None = None) -> tuple:
    """(graph, feeds) of one op. ``inputs`` holds ``(array, format, is_const)`` or None;
    activations are batched on axis 0."""
    g, feeds, names, shapes = Graph(f"one_{op_type}"), {}, [], []
    for i, item in enumerate(inputs):
        if item is None:
            names.append(None)
            continue
        arr, fmt, is_const = item
        if is_const:
            t = g.add_const(f"c{i}", arr, fmt)
        else:
            t = g.add_tensor(Tensor(f"x{i}", (1,) + arr.shape[1:], str(arr.dtype), fmt))
            feeds[t.name] = np.ascontiguousarray(arr)
            g.inputs.append(t.name)
        names.append(t.name)
        shapes.append(t.shape)
    (shape,) = infer_shape(op_type, shapes, attrs or {})
    g.add_tensor(Tensor("y", tuple(shape), out_fmt.storage_dtype, out_fmt))
    g.add_op(Op(op_type, names, ["y"], dict(attrs or {}), origin=f"test {op_type}"))
    g.outputs = ["y"]
    verify_graph(g)
    return g, feeds


def _stored(t: Tensor, value: np.ndarray) -> np.ndarray:
    """A tensor's bytes as the C kernels read them (sub-byte activations packed)."""
    if t.is_const:
        return np.ascontiguousarray(c_constant(t))
    return pack_subbyte(value, t.fmt.bits) if is_subbyte(t.fmt) else np.ascontiguousarray(value)


def run_c(graph: Graph, feeds: dict, rt: Runtime | None = None, expect_status: str = "ES_OK",
          stored: dict[str, np.ndarray] | None = None, as_bytes: bool = False):
    """The op's C kernel on every sample; returns the batched raw output (its bytes, one row
    a sample, with ``as_bytes``; None when a status other than ES_OK was expected and
    returned). ``stored`` replaces a constant's bytes."""
    rt = rt or formats_runtime()
    op = graph.ops[0]
    kp = kernel_params(op, graph)
    fn = getattr(rt.lib, kp.kernel)
    arg_types = rt.ffi.typeof(fn).args
    out_t = graph.tensors[op.outputs[0]]
    roles = {"input": 0, "input1": 0, "filter": 1, "input2": 1, "bias": 2}
    batch = next(iter(feeds.values())).shape[0]
    result = np.zeros((batch,) + out_t.shape[1:], out_t.dtype)
    all_bytes = []
    for s in range(batch):
        out_bytes = np.zeros(out_t.nbytes if is_subbyte(out_t.fmt)
                             else out_t.size * np.dtype(out_t.dtype).itemsize, np.uint8)
        keep, args = [], []
        for name, ctype in zip(parameter_names(kp.kernel), arg_types):
            role = name.removesuffix("_dims")
            tensor = out_t.name if role == "output" else (
                op.inputs[roles[role]] if role in roles and roles[role] < len(op.inputs) else None)
            if name == "ctx" or (role in roles and tensor is None):
                args.append(rt.ffi.NULL)
            elif name.endswith("_dims"):
                args.append(rt.dims(graph.tensors[tensor].shape))
            elif name in kp.args:
                value = kp.args[name]
                args.append(rt.struct(value) if isinstance(value, CStruct) else value)
            elif name == "output":
                args.append(rt.ffi.from_buffer(f"{ctype.item.cname}[]", out_bytes))
            else:
                t = graph.tensors[tensor]
                data = (stored or {}).get(tensor)
                if data is None:
                    data = _stored(t, None if t.is_const else feeds[tensor][s:s + 1])
                if (narrow := narrower_dtype(t, data, ctype.item.cname + " *")) is not None:
                    data = narrowed_constant(tensor, data, narrow)  # a _w8/_w16 kernel's filter
                keep.append(data)
                args.append(rt.ffi.from_buffer(f"{ctype.item.cname}[]", data))
        status = fn(*args)
        if expect_status != "ES_OK":
            assert rt.status_name(status) == expect_status
            return None
        rt.ok(status)
        all_bytes.append(out_bytes)
        if is_subbyte(out_t.fmt):
            result[s] = unpack_subbyte(out_bytes, out_t.fmt.bits, out_t.size, True).reshape(
                out_t.shape[1:])
        else:
            result[s] = out_bytes.view(out_t.dtype).reshape(out_t.shape[1:])
    return np.stack(all_bytes) if as_bytes else result


def assert_c_equals_simulator(graph: Graph, feeds: dict) -> np.ndarray:
    golden = simulate(graph, feeds)["y"]
    np.testing.assert_array_equal(run_c(graph, feeds), golden)
    return golden

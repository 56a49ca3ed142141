"""Run the C reference kernels of ``runtime/`` from Python, next to their golden twins.

The C side: every ``runtime/kernels/ref/es_*_s8.c`` plus a test shim, built
once per session with the strict C99 flags through
:func:`edgesmith.boards.host_build.build_host_library`; the cffi declarations
come from preprocessing the public header ``es_nn.h`` itself, so the tests
cannot drift from the API. With ``ES_RUNTIME_SANITIZE=1`` in the environment
the library is built with ASan+UBSan (the process must have been started with
:func:`~edgesmith.boards.host_build.sanitizer_env`).

The golden side: a one-op IR graph run by ``edgesmith.sim.simulate``. Both
sides take their integers from ``edgesmith.arith.params.compute_params``; the C
side gets them as parameter structs from ``edgesmith.codegen.c_params``, the
very conversion the C code generator uses (:meth:`Runtime.struct`).
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edgesmith.codegen.c_kernel_sets import KERNEL_SETS
from edgesmith.codegen.c_params import (CArray, CStruct, CSymbol, KernelParams, dims, exact_scale,
                                        kernel_params)
from edgesmith.ir import AffineFormat, Graph, Op, Tensor, infer_shape, with_defaults
from edgesmith.arith.params import compute_params
from edgesmith.resources import data_path
from edgesmith.sim import simulate
from edgesmith.verify.host import header_cdef
from edgesmith.boards.host_build import STRICT_C99_FLAGS, build_host_library

__all__ = ["exact_scale"]  # re-exported for test_primitives

RUNTIME = data_path("runtime")
INCLUDE = RUNTIME / "include"
KERNEL_SOURCES = sorted((RUNTIME / "kernels" / "ref").glob("es_*_s8.c")) + sorted(
    (RUNTIME / "kernels" / "ref").glob("es_*_s16.c"))  # 16x8 kernels: reference only
#: the fast set's own int8 kernels (edgesmith.codegen.c_kernel_sets)
FAST_SOURCES = sorted((RUNTIME / "kernels" / "fast").glob("es_*_s8.c"))
SHIM = Path(__file__).parent / "c" / "es_test_shim.c"
SANITIZE = os.environ.get("ES_RUNTIME_SANITIZE") == "1"

SHIM_CDEF = """
void es_test_multiply_by_quantized_multiplier(const int32_t *x, int32_t n, int32_t multiplier,
                                              int32_t shift, int32_t *out);
void es_test_round_exact_scale(const int32_t *x, int32_t n, int64_t mantissa, int32_t exponent,
                               int32_t *out);
void es_test_round_double(const int32_t *x, int32_t n, double scale, int32_t *out);
"""


def public_cdef() -> str:
    """es_nn.h preprocessed, with the standard headers replaced by cffi's built-in types."""
    return header_cdef(INCLUDE / "es_nn.h", [INCLUDE])


class Runtime:
    """The loaded C library and small converters from NumPy to its argument types."""

    def __init__(self, ffi, lib):
        self.ffi, self.lib = ffi, lib
        self._alive: list = []  # arrays that structs point to, kept for the session

    def new(self, ctype: str, init=None):
        return self.ffi.new(ctype, init)

    def ptr(self, ctype: str, arr: np.ndarray):
        """A pointer into ``arr`` (which must stay alive and C-contiguous during the call)."""
        assert arr.flags.c_contiguous
        return self.ffi.from_buffer(f"{ctype}[]", arr)

    def dims(self, shape) -> object:
        return self.new("es_dims *", dims(shape))

    def struct(self, value: CStruct):
        """A pointer to a parameter struct of edgesmith.codegen.c_params."""
        return self.new(f"{value.ctype} *", self._value(value.fields))

    def array(self, value: CArray):
        arr = self.new(f"{value.ctype}[]", [self._value(v) for v in value.values])
        self._alive.append(arr)
        return arr

    def _value(self, value):
        if isinstance(value, dict):
            return {k: self._value(v) for k, v in value.items()}
        if isinstance(value, CArray):
            return self.array(value)
        if isinstance(value, CSymbol):
            return getattr(self.lib, value.name)
        return self.ffi.NULL if value is None else value

    def kernel(self, kp: KernelParams):
        return getattr(self.lib, kp.kernel)

    def status_name(self, status: int) -> str:
        return self.ffi.string(self.ffi.cast("es_status", status))

    def ok(self, status: int) -> None:
        assert status == self.lib.ES_OK, f"kernel returned {self.status_name(status)}"


@functools.cache
def runtime(kernel_set: str = "reference") -> Runtime:
    """The int8 kernels of ``kernel_set`` (edgesmith.codegen.c_kernel_sets): the fast set's own
    sources where it has them, the reference's elsewhere, as a generated folder takes them."""
    cdef = public_cdef() + SHIM_CDEF
    folder = RUNTIME / "kernels" / KERNEL_SETS[kernel_set]
    sources = [folder / p.name if (folder / p.name).is_file() else p for p in KERNEL_SOURCES]
    ffi, lib = build_host_library([*sources, SHIM], [INCLUDE], cdef,
                                  cflags=STRICT_C99_FLAGS, sanitize=SANITIZE, libraries=("m",))
    return Runtime(ffi, lib)


# -- one-op graphs --------------------------------------------------------------------
def fmt(scale: float, zero_point: int) -> AffineFormat:
    return AffineFormat([scale], [zero_point])


@dataclass
class Case:
    """A one-op int8 graph, the batch to feed it, and the integer parameters of its op."""

    graph: Graph
    op: Op
    feeds: dict[str, np.ndarray]

    @property
    def params(self):
        return compute_params(self.op, self.graph)

    def c_params(self, **options) -> KernelParams:
        """The op's kernel and parameter structs, as the C code generator emits them."""
        return kernel_params(self.op, self.graph, **options)

    @property
    def attrs(self) -> dict:
        return with_defaults(self.op.type, self.op.attrs)

    def tensor(self, index: int) -> Tensor:
        return self.graph.tensors[self.op.inputs[index]]

    def value(self, index: int) -> np.ndarray:
        """Input ``index`` as stored (constants) or fed (activations, batched)."""
        t = self.tensor(index)
        return t.data if t.is_const else self.feeds[t.name]

    @property
    def output(self) -> Tensor:
        return self.graph.tensors[self.op.outputs[0]]

    def golden(self) -> np.ndarray:
        return simulate(self.graph, self.feeds)[self.op.outputs[0]]


def single_op(op_type: str, inputs: list[tuple], out_fmt: AffineFormat, attrs: dict | None = None,
              out_shape: tuple | None = None) -> Case:
    """A graph of one op. ``inputs`` holds ``(array, format, is_const)`` per op input
    (``None`` for an absent optional input); activations are batched on axis 0."""
    attrs = dict(attrs or {})
    g = Graph(f"single_{op_type}")
    names, feeds, shapes = [], {}, []
    for i, item in enumerate(inputs):
        if item is None:
            names.append(None)
            continue
        arr, f, is_const = item
        if is_const:
            t = g.add_const(f"c{i}", arr, f)
            shapes.append(t.shape)
        else:
            t = g.add_tensor(Tensor(f"x{i}", (1,) + arr.shape[1:], str(arr.dtype), f))
            feeds[t.name] = np.ascontiguousarray(arr)
            g.inputs.append(t.name)
            shapes.append(t.shape)
        names.append(t.name)
    if out_shape is None:
        (out_shape,) = infer_shape(op_type, shapes, attrs)
    g.add_tensor(Tensor("y", tuple(out_shape), "int8", out_fmt))
    op = g.add_op(Op(op_type, names, ["y"], attrs, origin=f"test {op_type}"))
    g.outputs = ["y"]
    return Case(g, op, feeds)


def per_sample(batch: np.ndarray, out_shape, fn) -> np.ndarray:
    """Run ``fn(sample, out)`` on each sample (C kernels take one sample per call)."""
    out = np.zeros((batch.shape[0],) + tuple(out_shape[1:]), np.int8)
    for i in range(batch.shape[0]):
        fn(np.ascontiguousarray(batch[i:i + 1]), out[i:i + 1])
    return out


# -- random data ----------------------------------------------------------------------
def random_int8(rng: np.random.Generator, shape, extremes: bool = False) -> np.ndarray:
    """Uniform int8 values; with ``extremes`` about half of them are -128 or 127."""
    x = rng.integers(-128, 128, shape, dtype=np.int8)
    if extremes:
        mask = rng.random(shape) < 0.5
        x[mask] = rng.choice(np.array([-128, 127], np.int8), size=int(mask.sum()))
    return x


def random_scale(rng: np.random.Generator, lo: float = 1e-3, hi: float = 1.0) -> float:
    return float(np.float32(math.exp(rng.uniform(math.log(lo), math.log(hi)))))


def random_zero_point(rng: np.random.Generator) -> int:
    return int(rng.choice([-128, 127, int(rng.integers(-128, 128))]))

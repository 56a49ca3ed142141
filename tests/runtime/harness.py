"""Run the C reference kernels of ``runtime/`` from Python, next to their golden twins.

The C side: every ``runtime/kernels/ref/es_*_s8.c`` plus a test shim, built
once per session with the strict C99 flags through
:func:`edgesmith.verify.host_build.build_host_library`; the cffi declarations
come from preprocessing the public header ``es_nn.h`` itself, so the tests
cannot drift from the API. With ``ES_RUNTIME_SANITIZE=1`` in the environment
the library is built with ASan+UBSan (the process must have been started with
:func:`~edgesmith.verify.host_build.sanitizer_env`).

The golden side: a one-op IR graph run by ``edgesmith.sim.simulate``. Both
sides take their integers from ``edgesmith.quant.params.compute_params``.
"""

from __future__ import annotations

import functools
import math
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edgesmith.ir import AffineFormat, Graph, Op, Tensor, infer_shape, with_defaults
from edgesmith.quant.params import compute_params
from edgesmith.resources import data_path
from edgesmith.sim import simulate
from edgesmith.verify.host_build import STRICT_C99_FLAGS, build_host_library, default_compiler

RUNTIME = data_path("runtime")
INCLUDE = RUNTIME / "include"
KERNEL_SOURCES = sorted((RUNTIME / "kernels" / "ref").glob("es_*_s8.c"))
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
    with tempfile.TemporaryDirectory() as fake:
        for name in ("stdint.h", "stddef.h"):
            Path(fake, name).write_text("")
        proc = subprocess.run([default_compiler(), "-E", "-P", "-nostdinc", f"-I{fake}",
                               f"-I{INCLUDE}", str(INCLUDE / "es_nn.h")],
                              capture_output=True, text=True, check=True)
    return proc.stdout


class Runtime:
    """The loaded C library and small converters from NumPy to its argument types."""

    def __init__(self, ffi, lib):
        self.ffi, self.lib = ffi, lib

    def new(self, ctype: str, init=None):
        return self.ffi.new(ctype, init)

    def ptr(self, ctype: str, arr: np.ndarray):
        """A pointer into ``arr`` (which must stay alive and C-contiguous during the call)."""
        assert arr.flags.c_contiguous
        return self.ffi.from_buffer(f"{ctype}[]", arr)

    def dims(self, shape) -> object:
        n, h, w, c = as_dims4(shape)
        return self.new("es_dims *", {"n": n, "h": h, "w": w, "c": c})

    def status_name(self, status: int) -> str:
        return self.ffi.string(self.ffi.cast("es_status", status))

    def ok(self, status: int) -> None:
        assert status == self.lib.ES_OK, f"kernel returned {self.status_name(status)}"


@functools.cache
def runtime() -> Runtime:
    cdef = public_cdef() + SHIM_CDEF
    ffi, lib = build_host_library([*KERNEL_SOURCES, SHIM], [INCLUDE], cdef,
                                  cflags=STRICT_C99_FLAGS, sanitize=SANITIZE, libraries=("m",))
    return Runtime(ffi, lib)


# -- shapes -------------------------------------------------------------------------
def as_dims4(shape) -> tuple[int, int, int, int]:
    """A per-sample shape (batch first) of rank <= 4 as NHWC, size-1 dimensions in front."""
    shape = tuple(int(d) for d in shape)
    if len(shape) > 4:
        raise ValueError(f"the C kernels take rank <= 4, got {shape}")
    return (1,) * (4 - len(shape)) + shape


def axis4(axis: int, rank: int) -> int:
    """The NHWC axis of ``axis`` of a rank-``rank`` tensor padded by :func:`as_dims4`."""
    return 4 - rank + axis % rank


def activation(p) -> dict:
    return {"min": p.act_min, "max": p.act_max}


def exact_scale(real: float) -> dict:
    """The double ``real`` as mantissa * 2^exponent with a 53-bit integer mantissa."""
    if real == 0.0:
        return {"mantissa": 0, "exponent": 0}
    fraction, exponent = math.frexp(real)
    mantissa = int(fraction * (1 << 53))
    assert mantissa * 2.0 ** (exponent - 53) == real
    return {"mantissa": mantissa, "exponent": exponent - 53}


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

"""The model graph: tensors and a topologically ordered list of ops.

Conventions every stage relies on:

* Activations are NHWC (or N x features); dimension 0 of every activation
  tensor is the batch and is 1 in the stored shape. Executors replace it by
  the number of samples they run at once.
* A constant tensor carries ``data`` (a NumPy array of its storage dtype);
  activations have ``data is None``.
* ``fmt is None`` means a float tensor; otherwise ``fmt`` maps the stored
  integers to real values (see :mod:`edgesmith.ir.formats`).
* ``ops`` is kept in execution order; passes that rewrite it keep that order.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from .formats import NumberFormat

DTYPES = ("float32", "int8", "uint8", "int16", "int32", "int64", "bool")


@dataclass
class Tensor:
    name: str
    shape: tuple[int, ...]
    dtype: str
    fmt: NumberFormat | None = None
    data: np.ndarray | None = None
    #: persistent state (TFLite's ``is_variable``): read and written by its ops, kept from one
    #: invocation to the next, zeroed (its zero point) at init and by a reset; never a constant
    variable: bool = False

    @property
    def is_const(self) -> bool:
        return self.data is not None

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def itemsize(self) -> int:
        if self.fmt is not None and self.fmt.bits < 8 and np.dtype(self.dtype).itemsize == 1:
            raise ValueError("sub-byte tensors have no whole-byte item size")
        return np.dtype(self.dtype).itemsize

    @property
    def nbytes(self) -> int:
        """Bytes in memory: sub-byte values held in byte storage are packed (4/2-bit
        affine, pow2 codes); formats kept in wider words (fixed-point in int32) are not."""
        itemsize = np.dtype(self.dtype).itemsize
        if self.fmt is not None and 0 < self.fmt.bits < 8 and itemsize == 1:
            return (self.size * self.fmt.bits + 7) // 8
        return self.size * itemsize


@dataclass
class Op:
    type: str
    inputs: list[str | None]
    outputs: list[str]
    attrs: dict[str, Any] = field(default_factory=dict)
    #: where the op came from, for error messages ("tflite op 12 CONV_2D")
    origin: str = ""

    def __repr__(self) -> str:
        return f"Op({self.type}, in={self.inputs}, out={self.outputs}, {self.attrs})"


@dataclass
class Graph:
    name: str
    tensors: dict[str, Tensor] = field(default_factory=dict)
    ops: list[Op] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    #: free-form facts about the source ("source": "tflite", "path": ...)
    meta: dict[str, Any] = field(default_factory=dict)

    # -- building -----------------------------------------------------------
    def add_tensor(self, tensor: Tensor) -> Tensor:
        if tensor.name in self.tensors:
            raise ValueError(f"duplicate tensor name {tensor.name!r}")
        self.tensors[tensor.name] = tensor
        return tensor

    def unique_name(self, base: str) -> str:
        if base not in self.tensors:
            return base
        i = 1
        while f"{base}_{i}" in self.tensors:
            i += 1
        return f"{base}_{i}"

    def add_const(self, name: str, data: np.ndarray, fmt: NumberFormat | None = None) -> Tensor:
        data = np.ascontiguousarray(data)
        t = Tensor(self.unique_name(name), tuple(data.shape), str(data.dtype), fmt, data)
        return self.add_tensor(t)

    def add_op(self, op: Op) -> Op:
        self.ops.append(op)
        return op

    # -- queries ------------------------------------------------------------
    def tensor(self, name: str) -> Tensor:
        return self.tensors[name]

    def producer(self, name: str) -> Op | None:
        for op in self.ops:
            if name in op.outputs:
                return op
        return None

    def consumers(self, name: str) -> list[Op]:
        return [op for op in self.ops if name in op.inputs]

    def const_tensors(self) -> Iterable[Tensor]:
        return (t for t in self.tensors.values() if t.is_const)

    def state_tensors(self) -> list[Tensor]:
        """The persistent state tensors, in order of first use by an op."""
        seen: dict[str, Tensor] = {}
        for op in self.ops:
            for n in op.inputs:
                if n is not None and self.tensors[n].variable:
                    seen.setdefault(n, self.tensors[n])
        return list(seen.values())

    @property
    def is_stateful(self) -> bool:
        """True when an invocation depends on the ones before it (state tensors)."""
        return any(t.variable for t in self.tensors.values())

    def is_quantized(self) -> bool:
        """True when every activation tensor has an integer format, except the float edges
        of an integer model (:meth:`float_edges`)."""
        edges = self.float_edges()
        acts = [t for t in self.tensors.values() if not t.is_const and t.name not in edges]
        return bool(acts) and all(t.fmt is not None for t in acts)

    def float_edges(self) -> set[str]:
        """Float model inputs read only by quantize ops and float model outputs written by a
        dequantize op: published int8 models keep these, and convert them themselves."""
        def is_float(name: str) -> bool:
            return self.tensors[name].fmt is None

        def integer(name: str | None) -> bool:
            return name is not None and self.tensors[name].fmt is not None

        edges = set()
        for name in self.inputs:
            readers = self.consumers(name)
            if is_float(name) and readers and all(
                    op.type == "quantize" and integer(op.outputs[0]) for op in readers):
                edges.add(name)
        for name in self.outputs:
            op = self.producer(name)
            if is_float(name) and op is not None and op.type == "dequantize" \
                    and integer(op.inputs[0]) and not self.consumers(name):
                edges.add(name)
        return edges

    def remove_unused_tensors(self) -> None:
        used = set(self.inputs) | set(self.outputs)
        for op in self.ops:
            used.update(n for n in op.inputs if n)
            used.update(op.outputs)
        for name in list(self.tensors):
            if name not in used:
                del self.tensors[name]

    def rename_tensor_uses(self, old: str, new: str) -> None:
        """Make every reader of ``old`` (ops and graph outputs) read ``new``."""
        for op in self.ops:
            op.inputs = [new if n == old else n for n in op.inputs]
        self.outputs = [new if n == old else n for n in self.outputs]

    def copy(self) -> "Graph":
        """A deep copy; constant arrays are copied too, so passes may edit them."""
        return copy.deepcopy(self)

    def summary(self) -> str:
        lines = [f"graph {self.name}: {len(self.ops)} ops"]
        for i, op in enumerate(self.ops):
            outs = ", ".join(f"{n}{list(self.tensors[n].shape)}" for n in op.outputs)
            lines.append(f"  {i:3d} {op.type:<18} -> {outs}")
        return "\n".join(lines)

"""Operator specifications: declared attributes, arity and shape rules.

Each op type is described once by an :class:`OpSpec`. The verifier uses the
spec to check attributes (names, types, allowed values) and to recompute the
output shape from the input shapes; importers and passes call
:func:`infer_shape` to build outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

ACTIVATIONS = ("none", "relu", "relu6", "relu_n1_to_1")

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Attr:
    """One declared attribute: its kind, default and (optional) check."""

    kind: str  # "int", "float", "str", "ints", "pairs", "bool"
    default: Any = None
    choices: tuple = ()
    required: bool = False

    def check(self, value: Any) -> str | None:
        """A message if ``value`` does not fit, else None."""
        ok = {
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "str": lambda v: isinstance(v, str),
            "bool": lambda v: isinstance(v, bool),
            "ints": lambda v: isinstance(v, (list, tuple))
            and all(isinstance(x, int) and not isinstance(x, bool) for x in v),
            "pairs": lambda v: isinstance(v, (list, tuple))
            and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in v),
        }[self.kind](value)
        if not ok:
            return f"expected {self.kind}, got {value!r}"
        if self.choices and value not in self.choices:
            return f"{value!r} is not one of {self.choices}"
        return None


@dataclass(frozen=True)
class OpSpec:
    name: str
    #: input names in order; a trailing "?" marks an optional input
    inputs: tuple[str, ...]
    attrs: dict[str, Attr] = field(default_factory=dict)
    #: output shapes from input shapes and attrs
    shape_fn: Callable[[Sequence[Shape], dict], list[Shape]] | None = None
    #: variadic ops (concat) accept any number >= 1 of inputs
    variadic: bool = False
    doc: str = ""

    @property
    def min_inputs(self) -> int:
        return sum(1 for n in self.inputs if not n.endswith("?"))


OP_SPECS: dict[str, OpSpec] = {}


def register(spec: OpSpec) -> OpSpec:
    if spec.name in OP_SPECS:
        raise ValueError(f"op {spec.name} registered twice")
    OP_SPECS[spec.name] = spec
    return spec


def spec_of(op_type: str) -> OpSpec:
    try:
        return OP_SPECS[op_type]
    except KeyError:
        raise KeyError(f"unknown op type {op_type!r}") from None


def with_defaults(op_type: str, attrs: dict) -> dict:
    """``attrs`` completed with the declared defaults of ``op_type``."""
    spec = spec_of(op_type)
    out = {k: a.default for k, a in spec.attrs.items() if not a.required}
    out.update(attrs)
    return out


def infer_shape(op_type: str, in_shapes: Sequence[Shape], attrs: dict) -> list[Shape]:
    spec = spec_of(op_type)
    if spec.shape_fn is None:
        return [tuple(in_shapes[0])]
    return [tuple(int(d) for d in s) for s in spec.shape_fn(in_shapes, with_defaults(op_type, attrs))]


# -- shared shape helpers ----------------------------------------------------
def conv_out_size(size: int, k: int, stride: int, dilation: int, pad_a: int, pad_b: int) -> int:
    eff = (k - 1) * dilation + 1
    return (size + pad_a + pad_b - eff) // stride + 1


def same_padding(size: int, k: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """(before, after) padding of TFLite/Keras 'same': the odd pixel goes after."""
    out = -(-size // stride)
    eff = (k - 1) * dilation + 1
    total = max((out - 1) * stride + eff - size, 0)
    return total // 2, total - total // 2


def broadcast_shapes(a: Shape, b: Shape) -> Shape:
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            raise ValueError(f"shapes {a} and {b} do not broadcast")
        out.append(max(x, y))
    return tuple(out)

"""Op definitions: one :class:`OpDef` per op type, the single place its facts live.

An op's definition holds its inputs and attributes (checked by the
verifier), its shape rule, its float reference kernel, its traits and its
frontend mappings. Passes, the quantizer, the memory and patch planners,
the simulator and the code generators ask the definition (:func:`op_def`,
:func:`op_types`) instead of keeping tables of op names of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

ACTIVATIONS = ("none", "relu", "relu6", "relu_n1_to_1")

#: how an op maps input elements to output elements
PATTERNS = ("elementwise", "broadcast", "injective", "window", "mac", "reduction", "opaque",
            "convert")
#: how an op's output format relates to its inputs' when quantized: ``own`` (calibrated),
#: ``shares`` (one format with its activation inputs: the kernel moves values unchanged),
#: ``range`` (fixed by the function's output range), ``none`` (never quantized by PTQ)
QUANT_RULES = ("own", "shares", "range", "none")
#: how a patch window crosses the op (None: it ends a patch stage)
PATCH_RULES = ("window", "pointwise", "join", "pad", "view", None)

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
class OpDef:
    """Everything edgesmith knows about one op type."""

    name: str
    #: input names in order; a trailing "?" marks an optional input
    inputs: tuple[str, ...]
    attrs: dict[str, Attr] = field(default_factory=dict)
    #: output shapes from input shapes and attrs (None: the first input's shape)
    shape_fn: Callable[[Sequence[Shape], dict], list[Shape]] | None = None
    #: variadic ops (concat) accept any number >= 1 of inputs
    variadic: bool = False
    doc: str = ""
    # -- traits ---------------------------------------------------------------------------
    pattern: str = "opaque"
    #: axis of the weights (input 1) that holds the output channels (MAC ops)
    weight_axis: int | None = None
    quant: str = "own"
    #: real output range for ``quant == "range"`` (softmax, logistic: [0, 1); tanh: [-1, 1))
    output_range: tuple[float, float] | None = None
    #: its constant operands are quantized like activations (add, mul, concat)
    quantizes_constants: bool = False
    #: how the kernel may write its output over its activation input (memory/inplace.py):
    #: ``elementwise`` (element k from element k, same shape), ``channel`` (output channel c
    #: from input channel c only, through a per-channel scratch), None
    inplace: str | None = None
    #: the output is the first input's bytes under a new shape
    view: bool = False
    #: a following standalone activation may fuse into its ``activation`` attribute
    fuses_activation: bool = False
    #: a standalone activation op equal to the fused activation of this name
    activation: str | None = None
    #: a zero pad in front of it folds into its ``pads`` (zero taps contribute nothing)
    absorbs_pad: bool = False
    patch: str | None = None
    #: float32 NumPy kernel ``(op, graph, args) -> array`` (None: integer only)
    float_ref: Callable | None = None
    #: a pure data-movement op's ``move(x, attrs) -> array``: rearranges a batched array of
    #: any dtype (its float reference, its exact integer kernel, and the source of its
    #: strided walk when lowered to a gather; :mod:`.movement`)
    move: Callable | None = None
    # -- frontends ------------------------------------------------------------------------
    #: TFLite builtin operator names, and the reader that appends the IR op
    tflite: tuple[str, ...] = ()
    from_tflite: Callable | None = None
    #: Keras layer classes that become this op (``Activation(name)``: that activation
    #: function; ``Layer(option=value)``: the layer so configured), for the coverage tables
    keras: tuple[str, ...] = ()
    #: the converter of those Keras layers, ``(ctx, inputs) -> output name``, where the op
    #: file holds it (others live in edgesmith.frontends.keras_layers / keras_conv)
    from_keras: Callable | None = None
    #: ``(graph, op) -> int``: multiply-accumulates of one inference where the ``mac``
    #: pattern's rule (outputs x weights per output channel) does not fit (recurrent ops)
    macs: Callable | None = None
    #: True: the op reads and updates a state tensor (``Tensor.variable``) in place
    stateful: bool = False

    def __post_init__(self):
        if self.pattern not in PATTERNS:
            raise ValueError(f"{self.name}: pattern {self.pattern!r} not in {PATTERNS}")
        if self.quant not in QUANT_RULES:
            raise ValueError(f"{self.name}: quant {self.quant!r} not in {QUANT_RULES}")
        if self.patch not in PATCH_RULES:
            raise ValueError(f"{self.name}: patch {self.patch!r} not in {PATCH_RULES}")
        if (self.quant == "range") != (self.output_range is not None):
            raise ValueError(f"{self.name}: quant 'range' goes with an output_range")
        if self.inplace not in (None, "elementwise", "channel"):
            raise ValueError(f"{self.name}: inplace {self.inplace!r}")
        if self.move is not None and self.pattern != "injective":
            raise ValueError(f"{self.name}: only an injective op moves values")
        if self.move is not None and self.float_ref is None:
            from .movement import movement_kernel
            object.__setattr__(self, "float_ref", movement_kernel)
        if self.fuses_activation and "activation" not in self.attrs:
            raise ValueError(f"{self.name}: fuses_activation needs an 'activation' attribute")

    @property
    def min_inputs(self) -> int:
        return sum(1 for n in self.inputs if not n.endswith("?"))

    @property
    def is_mac(self) -> bool:
        return self.pattern == "mac"


#: the earlier name of OpDef
OpSpec = OpDef

OP_DEFS: dict[str, OpDef] = {}
OP_SPECS = OP_DEFS
_TFLITE: dict[str, OpDef] = {}


def register(d: OpDef) -> OpDef:
    if d.name in OP_DEFS:
        raise ValueError(f"op {d.name} registered twice")
    for builtin in d.tflite:
        if builtin in _TFLITE:
            raise ValueError(f"TFLite {builtin} maps to {_TFLITE[builtin].name} and {d.name}")
        _TFLITE[builtin] = d
    OP_DEFS[d.name] = d
    return d


def op_def(op_type: str) -> OpDef:
    try:
        return OP_DEFS[op_type]
    except KeyError:
        raise KeyError(f"unknown op type {op_type!r}") from None


spec_of = op_def

#: what the memory planner assumes of an op type it does not know (the pseudo ops of
#: memory graphs, e.g. a patch stage's tile copy): it moves bytes, never in place
OPAQUE = OpDef("(opaque)", (), pattern="opaque")


def op_def_or_opaque(op_type: str) -> OpDef:
    """The definition of ``op_type``, or :data:`OPAQUE` for a memory graph's pseudo op
    (a tile copy, an op renamed so that no planner runs it in place)."""
    return OP_DEFS.get(op_type, OPAQUE)


def op_types(**traits) -> frozenset[str]:
    """Op types whose traits equal every given value, e.g. ``op_types(view=True)``."""
    return frozenset(name for name, d in OP_DEFS.items()
                     if all(getattr(d, k) == v for k, v in traits.items()))


def tflite_op(builtin: str) -> OpDef | None:
    """The definition that reads TFLite builtin ``builtin``, or None."""
    return _TFLITE.get(builtin)


def tflite_builtins() -> tuple[str, ...]:
    return tuple(sorted(_TFLITE))


def with_defaults(op_type: str, attrs: dict) -> dict:
    """``attrs`` completed with the declared defaults of ``op_type``."""
    d = op_def(op_type)
    out = {k: a.default for k, a in d.attrs.items() if not a.required}
    out.update(attrs)
    return out


def infer_shape(op_type: str, in_shapes: Sequence[Shape], attrs: dict) -> list[Shape]:
    d = op_def(op_type)
    if d.shape_fn is None:
        return [tuple(in_shapes[0])]
    return [tuple(int(v) for v in s) for s in d.shape_fn(in_shapes, with_defaults(op_type, attrs))]


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

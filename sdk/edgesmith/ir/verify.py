"""The IR verifier: run after every pass in tests, and after import.

It checks that every op is known, has the inputs its spec declares, carries
only declared attributes of the right kind, that tensors referenced exist,
that ops are in topological order, that each output shape equals the shape
the spec infers, and that formats agree with dtypes.
"""

from __future__ import annotations

from ..errors import InvalidGraphError
from .fixed import FixedFormat
from .formats import AffineFormat
from .graph import DTYPES, Graph
from .ops import OP_SPECS, infer_shape
from .pow2 import Pow2Format


def verify_graph(graph: Graph) -> None:
    """Raise :class:`InvalidGraphError` listing every problem found."""
    problems: list[str] = []
    add = problems.append
    available = set(graph.inputs) | {t.name for t in graph.const_tensors()}
    available |= {t.name for t in graph.tensors.values() if t.variable}

    for name in graph.inputs + graph.outputs:
        if name not in graph.tensors:
            add(f"graph input/output {name!r} is not a tensor")

    # the int32/int64 indices of arg_max and arg_min are the one format-free integer output
    indices = {o for op in graph.ops for o in op.outputs
               if o in graph.tensors and op.attrs.get("output_type") == graph.tensors[o].dtype}
    for t in graph.tensors.values():
        if t.dtype not in DTYPES:
            add(f"tensor {t.name}: unknown dtype {t.dtype}")
        if t.is_const and tuple(t.data.shape) != tuple(t.shape):
            add(f"tensor {t.name}: data shape {t.data.shape} != declared {t.shape}")
        if t.is_const and str(t.data.dtype) != t.dtype:
            add(f"tensor {t.name}: data dtype {t.data.dtype} != declared {t.dtype}")
        if isinstance(t.fmt, AffineFormat):
            if t.fmt.per_channel and (t.fmt.axis >= len(t.shape)
                                      or t.shape[t.fmt.axis] != t.fmt.scale.size):
                add(f"tensor {t.name}: {t.fmt.scale.size} channel scales do not fit "
                    f"shape {t.shape} on axis {t.fmt.axis}")
            if t.dtype != "int32" and t.fmt.storage_dtype != t.dtype:
                add(f"tensor {t.name}: format stores {t.fmt.storage_dtype}, dtype is {t.dtype}")
        if isinstance(t.fmt, (FixedFormat, Pow2Format)) and t.dtype != t.fmt.storage_dtype:
            add(f"tensor {t.name}: {t.fmt.describe()} stores {t.fmt.storage_dtype}, "
                f"dtype is {t.dtype}")
        if t.variable and (t.is_const or t.name in graph.inputs or t.name in graph.outputs):
            add(f"tensor {t.name}: a state tensor is neither a constant nor a graph input/output")
        if (t.fmt is None and t.dtype != "float32" and not t.is_const
                and t.dtype not in ("int32", "float64") and t.name not in indices):
            add(f"tensor {t.name}: integer activation without a number format")

    produced: set[str] = set()
    for i, op in enumerate(graph.ops):
        where = f"op {i} ({op.type})"
        spec = OP_SPECS.get(op.type)
        if spec is None:
            add(f"{where}: unknown op type")
            continue
        n_in = len(op.inputs)
        if n_in < spec.min_inputs or (not spec.variadic and n_in > len(spec.inputs)):
            add(f"{where}: {n_in} inputs, spec declares {spec.inputs}")
        for key, value in op.attrs.items():
            decl = spec.attrs.get(key)
            if decl is None:
                add(f"{where}: undeclared attribute {key!r}")
            elif (msg := decl.check(value)) is not None:
                add(f"{where}: attribute {key}: {msg}")
        for key, decl in spec.attrs.items():
            if decl.required and key not in op.attrs:
                add(f"{where}: missing required attribute {key!r}")
        for name in op.inputs:
            if name is None:
                continue
            if name not in graph.tensors:
                add(f"{where}: input {name!r} is not a tensor")
            elif name not in available:
                add(f"{where}: input {name!r} is used before it is produced")
        for name in op.outputs:
            if name not in graph.tensors:
                add(f"{where}: output {name!r} is not a tensor")
            elif name in produced or name in graph.inputs:
                add(f"{where}: output {name!r} is written twice")
            elif graph.tensors[name].variable:
                add(f"{where}: output {name!r} is a state tensor (its ops update it in place)")
            produced.add(name)
            available.add(name)
        if problems:
            continue
        try:
            shapes = [graph.tensors[n].shape for n in op.inputs if n is not None]
            expected = infer_shape(op.type, shapes, op.attrs)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            add(f"{where}: shape rule failed: {exc}")
            continue
        for name, shape in zip(op.outputs, expected):
            if tuple(graph.tensors[name].shape) != tuple(shape):
                add(f"{where}: output {name} has shape {graph.tensors[name].shape}, "
                    f"inputs imply {shape}")

    for name in graph.outputs:
        if name not in available:
            add(f"graph output {name!r} is never produced")
    if problems:
        raise InvalidGraphError(f"graph {graph.name!r} is invalid:\n  " + "\n  ".join(problems))

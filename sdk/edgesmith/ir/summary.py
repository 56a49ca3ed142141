"""A graph in one line: what `repr` and ``print`` show (never the weights)."""

from __future__ import annotations

from collections import Counter


def graph_summary(graph) -> str:
    """``'name': 8 ops (conv2d x4, ...), in x [1, 49, 10, 1] int8 -> out y [1, 12] int8,
    1,234 constant bytes``."""
    from .formats import describe_format

    counts = Counter(op.type for op in graph.ops)
    kinds = ", ".join(f"{t} x{n}" if n > 1 else t for t, n in counts.most_common(6))
    if len(counts) > 6:
        kinds += ", ..."

    def ports(names) -> str:
        return ", ".join(f"{n} {list(graph.tensors[n].shape)} "
                         f"{describe_format(graph.tensors[n].fmt)}"
                         for n in names if n in graph.tensors)

    const = sum(t.data.nbytes for t in graph.tensors.values() if t.data is not None)
    return (f"{graph.name!r}: {len(graph.ops)} ops ({kinds}), in {ports(graph.inputs)} -> "
            f"out {ports(graph.outputs)}, {const:,} constant bytes")

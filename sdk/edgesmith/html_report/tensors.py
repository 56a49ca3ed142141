"""Report sections about stored numbers: bit widths and saturation of every activation
tensor (from the simulator's intermediate tensors), and flash bytes per layer (from the
constants and parameter arrays of the generated C code).
"""

from __future__ import annotations

import re

import numpy as np

from ..ir import Graph, describe_format
from . import svg
from .sections import Section, Table, short_label


def saturation(fmt, values: np.ndarray) -> tuple[float, float]:
    """(fraction of samples with any element at an extreme of the integer range, fraction of
    elements there). The lowest code counts only when it is not the zero point: a ReLU's
    output sits at its zero point for every negative input, which is not saturation."""
    flat = np.asarray(values).reshape(values.shape[0], -1)
    hit = flat == fmt.qmax
    zero_points = np.asarray(getattr(fmt, "zero_point", [None]))
    if fmt.qmin not in zero_points.tolist():
        hit |= flat == fmt.qmin
    if flat.size == 0:
        return 0.0, 0.0
    return float(hit.any(axis=1).mean()), float(hit.mean())


def tensors_section(graph: Graph, batch: dict[str, np.ndarray], source: str,
                    data: dict) -> Section:
    """Bits and format of the graph's inputs and op outputs, and how often the simulator's
    values reach the ends of the integer range on ``batch`` (described by ``source``)."""
    from ..sim import simulate

    values = simulate(graph, batch, keep_intermediates=True) if graph.is_quantized() else {}
    samples = int(next(iter(batch.values())).shape[0])
    names = list(graph.inputs) + [op.outputs[0] for op in graph.ops]
    rows, table = [], Table(["tensor", "producer", "format", "bits", "samples at an extreme",
                             "values at an extreme"], [], numeric={3, 4, 5})
    producer = {op.outputs[0]: short_label(i, op.type) for i, op in enumerate(graph.ops)}
    for name in names:
        t = graph.tensors[name]
        bits = 32 if t.fmt is None else t.fmt.bits
        hit = (saturation(t.fmt, values[name]) if name in values and hasattr(t.fmt, "qmax")
               else None)
        rows.append({"tensor": name, "format": describe_format(t.fmt), "bits": bits,
                     "saturated_samples": None if hit is None else hit[0],
                     "saturated_values": None if hit is None else hit[1]})
        table.rows.append([name, producer.get(name, "input"), describe_format(t.fmt), str(bits),
                           "" if hit is None else f"{100 * hit[0]:.1f}%",
                           "" if hit is None else f"{100 * hit[1]:.3f}%"])
    data["tensors"] = {"samples": samples, "source": source, "rows": rows}
    notes = [f"saturation over {samples} {source}: a value at the largest code, or at the "
             "smallest one unless that is the zero point (a clamped ReLU)"]
    if not values:
        notes.append("a float model: no integer range to saturate")
    labels = [producer.get(r["tensor"], "input") for r in rows]
    charts = [svg.bar_chart([r["bits"] for r in rows], labels, "Bits per tensor", unit=" bits")]
    if values:
        charts.append(svg.bar_chart([100 * (r["saturated_samples"] or 0) for r in rows], labels,
                                    "Samples at an extreme (%)", unit="%",
                                    colour=svg.PALETTE[1]))
    return Section("tensors", "Bit widths and saturation per tensor", notes, charts, table)


def flash_per_op(graph: Graph) -> tuple[list[int], int] | str:
    """Flash bytes of the generated C code per op: its constants (weights) and parameter
    arrays, found by the ``[<model>_]op<N>_`` names the code gives them; and the bytes no op
    name claims. For a model the C generator does not take, why not."""
    from ..codegen.c_model import build_c_model
    from ..errors import UnsupportedError

    try:
        model = build_c_model(graph)
    except UnsupportedError as exc:  # a float model, or an op C has no kernel for: said so
        return exc.message
    per_op, other = [0] * len(graph.ops), 0
    named = re.compile(rf"(?:{re.escape(model.name)}_)?op(\d+)_")
    for array in model.weights + model.param_data:
        match = named.match(array.name)
        if match and int(match[1]) < len(per_op):
            per_op[int(match[1])] += array.nbytes
        else:
            other += array.nbytes
    return per_op, other


def flash_section(graph: Graph, data: dict) -> Section:
    found = flash_per_op(graph)
    if isinstance(found, str):
        data["flash"] = None
        return Section("flash", "Flash per layer", [f"no C code for this model: {found}"])
    per_op, other = found
    data["flash"] = {"per_op": per_op, "unattributed_bytes": other,
                     "total_bytes": sum(per_op) + other}
    labels = [short_label(i, op.type) for i, op in enumerate(graph.ops)]
    notes = [f"weights and parameter arrays of the layer-based C code: {sum(per_op) + other:,} B "
             f"({other:,} B shared or not named after one op); code and runtime kernels not "
             "counted"]
    return Section("flash", "Flash per layer", notes,
                   [svg.bar_chart(per_op, labels, "Flash bytes per layer", unit=" B",
                                  colour=svg.PALETTE[3])])

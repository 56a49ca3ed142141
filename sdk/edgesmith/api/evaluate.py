"""`edgesmith evaluate` and ``Model.evaluate``: a model's dequantized outputs on data against
labels and the float model, per output and per layer."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..io.arrays import prepare_inputs
from ..ir import Graph
from .metrics import layer_metrics, output_metrics, worst_layer


def dequantized(graph: Graph, outputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Outputs as real values (float tensors as they are)."""
    return {n: (outputs[n] if graph.tensors[n].fmt is None
                else graph.tensors[n].fmt.dequantize(outputs[n]).astype(np.float32))
            for n in graph.outputs}


def simulated_outputs(graph: Graph, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Raw outputs of the simulator, each patch of a mixed-precision model on its branch."""
    from ..quant.mixed_patch import mixed_model_of
    from ..sim import simulate

    mixed = mixed_model_of(graph)
    if mixed is None:
        return simulate(graph, batch)
    from ..quant.mixed_simulate import simulate_mixed_patched

    return simulate_mixed_patched(mixed, batch)[0]


#: samples run at once: progress advances per chunk, and the intermediates stay small
CHUNK = 256


def evaluate_graph(graph: Graph, data, labels=None, float_graph: Graph | None = None,
                   target=None, target_name: str = "simulator",
                   advance: Callable[[int], None] | None = None) -> dict:
    """Metrics of ``graph`` on ``data`` (real values): per output against ``labels`` and the
    float graph's outputs, per layer against its intermediate tensors. ``target`` (a verify
    Target) runs the model instead of the simulator for the outputs. ``advance(n)`` is
    called after every chunk of n samples."""
    batch = prepare_inputs(graph, data)
    f_batch = None if float_graph is None else prepare_inputs(float_graph, data)
    samples = int(next(iter(batch.values())).shape[0])
    parts = []
    for start in range(0, samples, CHUNK):
        chunk = {n: v[start:start + CHUNK] for n, v in batch.items()}
        f_chunk = None if f_batch is None else {n: v[start:start + CHUNK]
                                                for n, v in f_batch.items()}
        parts.append(_run_chunk(graph, chunk, float_graph, f_chunk, target))
        if advance is not None:
            advance(int(next(iter(chunk.values())).shape[0]))
    got, ref, q_values, f_values = (_joined([p[k] for p in parts]) for k in range(4))
    layers = [] if q_values is None else layer_metrics(graph, q_values, float_graph, f_values)
    return {"model": graph.name, "samples": samples, "ran_on": target_name,
            "outputs": output_metrics(graph, got, ref, labels), "layers": layers,
            "worst_layer": worst_layer(layers)}


def _run_chunk(graph: Graph, batch: dict, float_graph: Graph | None, f_batch: dict | None,
               target) -> tuple:
    """(dequantized outputs, float outputs, quantized and float intermediates) of a chunk;
    None where there is nothing to compare with."""
    from ..quant.mixed_patch import mixed_model_of
    from ..sim import simulate

    raw = target.run(batch)[0] if target is not None else simulated_outputs(graph, batch)
    got, ref, q_values, f_values = dequantized(graph, raw), None, None, None
    if float_graph is not None:
        f_values = simulate(float_graph, f_batch, keep_intermediates=True)
        ref = {n: f_values[n] for n in float_graph.outputs}
        if any(n not in ref for n in graph.outputs):  # named differently: match by position
            ref = dict(zip(graph.outputs, (f_values[n] for n in float_graph.outputs)))
        if graph.is_quantized() and mixed_model_of(graph) is None:
            q_values = simulate(graph, batch, keep_intermediates=True)
        else:
            f_values = None
    return got, ref, q_values, f_values


def _joined(parts: list) -> dict | None:
    """Chunks of name -> array joined along the batch axis (None stays None)."""
    if not parts or parts[0] is None:
        return None
    return {n: np.concatenate([p[n] for p in parts]) for n in parts[0]}

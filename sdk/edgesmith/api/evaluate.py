"""`edgesmith evaluate` and ``Model.evaluate``: a model's dequantized outputs on data against
labels and the float model, per output and per layer."""

from __future__ import annotations

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


def evaluate_graph(graph: Graph, data, labels=None, float_graph: Graph | None = None,
                   target=None, target_name: str = "simulator") -> dict:
    """Metrics of ``graph`` on ``data`` (real values): per output against ``labels`` and the
    float graph's outputs, per layer against its intermediate tensors. ``target`` (a verify
    Target) runs the model instead of the simulator for the outputs."""
    from ..quant.mixed_patch import mixed_model_of
    from ..sim import simulate

    batch = prepare_inputs(graph, data)
    raw = target.run(batch)[0] if target is not None else simulated_outputs(graph, batch)
    got = dequantized(graph, raw)
    ref, layers = None, []
    if float_graph is not None:
        f_values = simulate(float_graph, prepare_inputs(float_graph, data),
                            keep_intermediates=True)
        ref = {n: f_values[n] for n in float_graph.outputs}
        missing = [n for n in graph.outputs if n not in ref]
        if missing:  # outputs named differently: match them by position
            ref = dict(zip(graph.outputs, (f_values[n] for n in float_graph.outputs)))
        if graph.is_quantized() and mixed_model_of(graph) is None:
            q_values = simulate(graph, batch, keep_intermediates=True)
            layers = layer_metrics(graph, q_values, float_graph, f_values)
    samples = int(next(iter(batch.values())).shape[0])
    return {"model": graph.name, "samples": samples, "ran_on": target_name,
            "outputs": output_metrics(graph, got, ref, labels), "layers": layers,
            "worst_layer": worst_layer(layers)}

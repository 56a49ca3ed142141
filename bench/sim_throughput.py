"""Simulator throughput vs LiteRT on the four MLPerf Tiny int8 models, in one run.

For each model, the same random int8 inputs go through:
* the edgesmith golden simulator, one batched call;
* LiteRT with the BUILTIN_REF op resolver (the reference kernels, our oracle),
  one interpreter invoked sample by sample;
* LiteRT with its default resolver (optimized kernels, XNNPACK where it applies).
Every edgesmith output is also checked equal to BUILTIN_REF's.

Run: python -m bench.sim_throughput [--samples N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from bench.common import MLPERF_INT8, SHARED_MODELS, markdown_table, publish


def litert_rate(path, x: np.ndarray, reference: bool) -> tuple[float, np.ndarray]:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    kind = OpResolverType.BUILTIN_REF if reference else OpResolverType.AUTO
    interp = Interpreter(model_path=str(path), experimental_op_resolver_type=kind, num_threads=1)
    interp.allocate_tensors()
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    outs = []
    t0 = time.perf_counter()
    for sample in x:
        interp.set_tensor(inp["index"], sample[None])
        interp.invoke()
        outs.append(interp.get_tensor(out["index"])[0].copy())
    return len(x) / (time.perf_counter() - t0), np.stack(outs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=200)
    args = ap.parse_args()

    from edgesmith.frontends.tflite import load_tflite
    from edgesmith.sim import simulate

    rows = []
    rng = np.random.default_rng(0)
    for name, rel in MLPERF_INT8.items():
        path = SHARED_MODELS / rel
        graph = load_tflite(path)
        t = graph.tensors[graph.inputs[0]]
        x = rng.integers(-128, 128, size=(args.samples,) + tuple(t.shape[1:]), dtype=np.int8)
        simulate(graph, {graph.inputs[0]: x[:2]})  # warm up
        t0 = time.perf_counter()
        ours = simulate(graph, {graph.inputs[0]: x})[graph.outputs[0]]
        sim_rate = len(x) / (time.perf_counter() - t0)
        ref_rate, ref_out = litert_rate(path, x, reference=True)
        opt_rate, _ = litert_rate(path, x, reference=False)
        equal = np.array_equal(ours, ref_out)
        rows.append([name, args.samples, f"{sim_rate:,.0f}", f"{ref_rate:,.0f}",
                     f"{opt_rate:,.0f}", f"{sim_rate / ref_rate:.1f}x",
                     "yes" if equal else "NO"])
        print(rows[-1])
    body = markdown_table(["model", "samples", "edgesmith sim /s", "LiteRT BUILTIN_REF /s",
                           "LiteRT default /s", "sim vs REF", "sim == REF"], rows)
    body += ("\n\nInferences per second on one core. The simulator runs all samples in one "
             "batched call; LiteRT is invoked once per sample (its interpreter has batch 1), "
             "with num_threads=1.")
    publish("sim_throughput", "Golden simulator throughput vs LiteRT",
            "python -m bench.sim_throughput --samples 200", body)


if __name__ == "__main__":
    main()

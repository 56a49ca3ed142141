"""Verify generated tree-ensemble code against the simulator, bit for bit.

Random samples for a float ensemble are drawn where its decisions are made:
each feature uniform over its thresholds' span, and one in four samples puts
every feature exactly on a threshold or on the float32 just above it, the
values where ``<=`` and ``<`` and a mis-rounded threshold part ways.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from ..ir import Graph
from ..report.check_report import CheckReport, mismatch_record, samples_differ
from ..sim import simulate
from ..ir.tree_ensemble import decide
from ..trees.graph import graph_ensemble


def tree_random_inputs(graph: Graph, samples: int, seed: int = 0) -> np.ndarray:
    """Seeded samples [N, F] for a tree graph (int8 over the full range if quantized)."""
    rng = np.random.default_rng(seed)
    t = graph.tensors[graph.inputs[0]]
    n_features = t.shape[1]
    if t.fmt is not None:
        return rng.integers(-128, 128, size=(samples, n_features), dtype=np.int8)
    ens = graph_ensemble(graph)
    x = np.zeros((samples, n_features), np.float32)
    for f in range(n_features):
        thresholds = ens.threshold[ens.feature == f].astype(np.float32)
        if thresholds.size == 0:
            x[:, f] = rng.uniform(-1, 1, samples)
            continue
        lo, hi = float(thresholds.min()), float(thresholds.max())
        pad = max(hi - lo, 1.0) * 0.1
        x[:, f] = rng.uniform(lo - pad, hi + pad, samples)
        on = rng.random(samples) < 0.25
        picked = rng.choice(thresholds, samples)
        above = rng.random(samples) < 0.5
        picked = np.where(above, np.nextafter(picked, np.float32(np.inf)), picked)
        x[on, f] = picked[on]
    return x


def verify_tree_host(graph: Graph, x: np.ndarray, *, code_dir: Path | None = None,
                     name: str | None = None, label: str = "") -> CheckReport:
    """Generate (or take) the C folder, run it on the host, compare scores and labels."""
    from ..codegen.c_trees import generate_tree_c
    from .trees_host import run_tree_c_host

    with tempfile.TemporaryDirectory(prefix="edgesmith-trees-") as tmp:
        folder = code_dir or generate_tree_c(graph, Path(tmp) / "c", name=name).folder
        scores, labels = run_tree_c_host(folder, x)
    return compare_tree_outputs(graph, x, scores, labels, label)


def compare_tree_outputs(graph: Graph, x: np.ndarray, scores: np.ndarray,
                         labels: np.ndarray | None, label: str) -> CheckReport:
    """A report of generated-code scores (and class indices) against the simulator's."""
    want = simulate(graph, x)[graph.outputs[0]]
    ens = graph_ensemble(graph)
    bad = samples_differ(scores.astype(want.dtype), want)
    if labels is not None and ens.decision != "none":
        bad |= labels != decide(ens, want)
    first = None
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        k = int(np.flatnonzero(scores[i] != want[i])[0]) if (scores[i] != want[i]).any() else 0
        first = mismatch_record(0, graph.ops[0], graph.outputs[0], i, (k,),
                                float(scores[i, k]), float(want[i, k]))
    return CheckReport(model=label or graph.name, samples=int(x.shape[0]),
                       mismatched_samples=int(bad.sum()), first_mismatch=first,
                       code={"name": name_of(graph), "kind": "tree ensemble"})


def name_of(graph: Graph) -> str:
    from ..codegen.c_names import model_identifier
    return model_identifier(graph.name)


def verify_tree_qemu(graph: Graph, x: np.ndarray, board: str, *, code_dir: Path | None = None,
                     name: str | None = None, label: str = "") -> CheckReport:
    """Build the C folder into the harness firmware, run it on QEMU, compare the scores."""
    from ..boards import get_board
    from ..boards.qemu import run_graph
    from ..codegen.c_trees import generate_tree_c

    with tempfile.TemporaryDirectory(prefix="edgesmith-trees-") as tmp:
        folder = code_dir or generate_tree_c(graph, Path(tmp) / "c", name=name).folder
        outputs, _ = run_graph(graph, get_board(board), {graph.inputs[0]: x}, model_dir=folder)
    return compare_tree_outputs(graph, x, outputs[graph.outputs[0]], None, label)


def verify_tree_csim(graph: Graph, x: np.ndarray, *, code_dir: Path | None = None,
                     label: str = "") -> CheckReport:
    """C-simulate the HLS code of a tree graph on ``x`` and compare with the simulator."""
    import tempfile

    from ..hls.csim import build_testbench, run_testbench
    from ..hls.trees import generate_tree_hls, raw_features, scores_from_raw

    want = simulate(graph, x)[graph.outputs[0]]
    with tempfile.TemporaryDirectory(prefix="edgesmith-trees-hls-") as tmp:
        folder = code_dir or generate_tree_hls(graph, Path(tmp) / "hls").folder
        binary = build_testbench(folder)
        expected = np.ascontiguousarray(want).view(np.int64 if want.dtype == np.float64
                                                   else np.int32)
        run = run_testbench(binary, graph, {graph.inputs[0]: raw_features(graph, x)},
                            {graph.outputs[0]: expected})
    got = run.outputs.get(graph.outputs[0])
    if got is None or got.shape[0] != x.shape[0]:
        from ..errors import EdgesmithError
        raise EdgesmithError(f"the C-simulation of {label or graph.name} stopped: "
                             f"{run.message[:300]}")
    return compare_tree_outputs(graph, x, scores_from_raw(got, want.dtype), None, label)

"""The CLI commands on tree-ensemble models (XGBoost, LightGBM, scikit-learn trees).

``quantize``, ``generate c`` and ``verify`` hand a tree graph here; the
output, messages and exit codes follow the neural-network commands.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

from ..errors import EdgesmithError
from ..ir import Graph
from .common import console, emit_json, load_array_file, say


def quantize_trees(graph: Graph, model: Path, calib: Path, output: Path, *,
                   as_json: bool) -> None:
    from ..io import save_esm
    from ..trees.quantize import quantize_tree_graph

    data = load_array_file(calib, "calibration")
    qgraph = quantize_tree_graph(graph, data)
    save_esm(qgraph, output)  # last: a failure above leaves nothing written
    samples = int(np.asarray(next(iter(data.values())) if isinstance(data, dict)
                             else data).shape[0])
    info = {"model": str(model), "output": str(output), "scheme": "int8 features",
            "calibration_samples": samples, "trees": int(qgraph.tensors[
                qgraph.ops[0].inputs[5]].data.shape[0])}
    if as_json:
        emit_json(info)
        return
    console.print(f"quantized {model} (int8 features, integer thresholds; "
                  f"{samples} calibration samples); wrote {output}")


def generate_trees_c(graph: Graph, model: Path, output: Path, name: str | None, *,
                     as_json: bool) -> None:
    from ..codegen.c_trees import generate_tree_c

    result = generate_tree_c(graph, output, name=name, model_path=model)
    layout = result.model.layout
    info = {"model": str(model), "output": str(result.folder), "name": result.model.name,
            "trees": layout.ens.n_trees, "nested_trees": len(layout.nested_code),
            "table_splits": len(layout.table_rows), "leaves": layout.n_leaves,
            "files": result.files}
    if as_json:
        emit_json(info)
        return
    console.print(f"wrote {result.folder}: {info['trees']} trees ({info['nested_trees']} as "
                  f"nested comparisons), {info['leaves']} leaves", highlight=False)


def verify_trees(graph: Graph, model: Path, target: str | None, samples: int,
                 inputs: Path | None, seed: int, code: Path | None, name: str | None, *,
                 as_json: bool) -> None:
    from ..verify.trees_check import verify_tree_host, verify_tree_qemu

    if target is None or (target != "host" and not target.startswith("qemu:")):
        raise EdgesmithError(f"tree ensembles verify on --target host, qemu:BOARD or hls-csim "
                             f"(not {target})")
    x = _verify_samples(graph, samples, inputs, seed)
    if target == "host":
        report = verify_tree_host(graph, x, code_dir=code, name=name, label=str(model))
        where = "generated C on host"
    else:
        report = verify_tree_qemu(graph, x, target[5:], code_dir=code, name=name,
                                  label=str(model))
        where = f"generated C on {target}"
    _print_report(report, model, where, target, as_json)


def _verify_samples(graph: Graph, samples: int, inputs: Path | None, seed: int) -> np.ndarray:
    """--inputs (if any), then seeded samples on and around the thresholds."""
    from ..io.arrays import prepare_inputs
    from ..verify.trees_check import tree_random_inputs

    parts = [tree_random_inputs(graph, samples, seed)]
    if inputs is not None:
        parts.insert(0, prepare_inputs(graph, load_array_file(inputs))[graph.inputs[0]])
    x = np.concatenate(parts)
    if x.shape[0] == 0:
        raise EdgesmithError("nothing to verify: --samples is 0 and there are no other inputs")
    return x


def _print_report(report, model: Path, what: str, target: str, as_json: bool) -> None:
    if as_json:
        emit_json({**report.to_json(), "target": target, "reference": "edgesmith simulator"})
    elif report.ok:
        say("equal", "green", f": {report.samples} samples, 0 mismatched bit for bit "
                              f"({model.name}: {what} vs the simulator)")
    else:
        f = report.first_mismatch
        say("MISMATCH", "red", f": {report.mismatched_samples} of {report.samples} "
                               f"samples differ; first: sample {f['sample']}, score "
                               f"{f['index'][0]}: {what} gives {f['ours']}, simulator "
                               f"{f['theirs']}")
    if not report.ok:
        raise typer.Exit(1)


def generate_trees_hls(graph: Graph, model: Path, output: Path, name: str | None, part: str,
                       clock_ns: float, *, as_json: bool) -> None:
    from ..hls.trees import generate_tree_hls

    result = generate_tree_hls(graph, output, name=name, part=part, clock_ns=clock_ns,
                               source=model.name)
    p = result.project
    info = {"model": str(model), "name": p.name, "folder": str(result.folder), "part": part,
            "clock_ns": clock_ns, "trees": p.layout.ens.n_trees, "leaves": p.layout.n_leaves,
            "scores": p.layout.score_type, "files": result.files,
            "vitis_hls": "not run here: build_prj.tcl needs Vitis HLS"}
    if as_json:
        emit_json(info)
        return
    console.print(f"wrote {result.folder} ({p.name}: {info['trees']} trees, {info['leaves']} "
                  f"leaves, {p.layout.score_type} scores); C-simulate with `edgesmith verify "
                  f"{model} --target hls-csim`", highlight=False)


def verify_trees_csim(graph: Graph, model: Path, samples: int, inputs: Path | None, seed: int,
                      code: Path | None, *, as_json: bool) -> None:
    from ..verify.trees_check import verify_tree_csim

    x = _verify_samples(graph, samples, inputs, seed)
    report = verify_tree_csim(graph, x, code_dir=code, label=str(model))
    _print_report(report, model, "HLS C-simulation", "hls-csim", as_json)

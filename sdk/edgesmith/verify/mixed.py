"""Mixed-precision patch code (QuantMCU) against the simulator: outputs and routing, bit for bit.

The golden result of a :class:`~edgesmith.quant.mixed_patch.MixedPatchModel`
is :func:`~edgesmith.sim.patch_mixed.simulate_mixed_patched`: the outputs and
the branch every patch took. Generated code reports its branches through
``<name>_patch_branches()`` (read by :class:`~.host.HostModel` on the host,
and written after the outputs by the harness firmware), so a sample matches
only when every output byte *and* every patch's branch are equal.

On a mismatch the report names the first difference: a patch routed to the
other branch (``op_type`` "vdpc routing"), else the first op whose output
differs, found on the ES_TRACE build as for layer-based code.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..errors import EdgesmithError
from ..ir import Graph
from ..quant.mixed_patch import META_KEY, MixedPatchModel
from .check import CheckReport, samples_differ


def mixed_model_of(graph: Graph) -> MixedPatchModel | None:
    """The mixed-precision patch model an ``.esm`` graph carries in its meta, or None."""
    data = graph.meta.get(META_KEY)
    return None if data is None else MixedPatchModel.from_json(data, graph)


def _golden(model: MixedPatchModel, batch: Mapping[str, np.ndarray]):
    from ..sim.patch_mixed import simulate_mixed_patched

    return simulate_mixed_patched(model, dict(batch))


def compare_mixed(model: MixedPatchModel, label: str, golden, outputs: Mapping[str, np.ndarray],
                  branches: np.ndarray | None) -> tuple[CheckReport, np.ndarray]:
    """The report of ``outputs``/``branches`` (the code's) against ``golden`` (the simulator's
    ``(outputs, branches)``), and which samples differ in outputs only."""
    expected, routes = golden
    if branches is None or branches.shape != routes.shape:
        raise EdgesmithError(f"{label}: the code reports no patch branches for "
                             f"{routes.shape[1]} patches; is it a mixed-precision build?",
                             hint="generate it from the mixed-precision .esm")
    samples = routes.shape[0]
    differs = np.zeros(samples, dtype=bool)
    for name in model.graph.outputs:
        differs |= samples_differ(outputs[name], expected[name])
    rerouted = np.any(branches != routes, axis=1)
    report = CheckReport(label, samples, int((differs | rerouted).sum()))
    if rerouted.any():
        sample = int(np.flatnonzero(rerouted)[0])
        patch = int(np.flatnonzero(branches[sample] != routes[sample])[0])
        report.first_mismatch = {
            "op_index": model.plan.split, "op_type": "vdpc routing",
            "origin": f"patch {patch} of the {model.plan.grid}x{model.plan.grid} grid",
            "tensor": "patch branches (1 = 8-bit)", "sample": sample, "index": (patch,),
            "ours": int(branches[sample, patch]), "theirs": int(routes[sample, patch])}
    return report, differs


def verify_mixed_host(model: MixedPatchModel, batch: Mapping[str, np.ndarray], *,
                      code_dir: str | Path | None = None, name: str | None = None,
                      label: str | None = None, strategy: str = "optimal",
                      compiler: str | None = None) -> CheckReport:
    """Generate (or take ``code_dir``), build and run the mixed-precision C code on the host."""
    from ..codegen import generate_c
    from ..sim.patch_mixed import simulate_mixed_patched
    from .host import HostModel, first_difference

    graph, label = model.graph, label or model.graph.name
    golden = _golden(model, batch)
    with tempfile.TemporaryDirectory(prefix="edgesmith-verify-") as tmp:
        if code_dir is None:
            code_dir = generate_c(graph, Path(tmp) / "model", name=name, strategy=strategy,
                                  mixed=model).folder
        host = HostModel(code_dir, graph, name=name, compiler=compiler)
        outputs = host.run(batch)
        report, differs = compare_mixed(model, label, golden, outputs, host.branches)
        if report.first_mismatch is None and differs.any():
            sample = int(np.flatnonzero(differs)[0])
            one = {n: batch[n][sample:sample + 1] for n in graph.inputs}
            expected, _ = simulate_mixed_patched(model, one, keep_intermediates=True)
            traced = HostModel(code_dir, graph, name=name, trace=True, compiler=compiler)
            report.first_mismatch = first_difference(traced, graph, batch, sample, expected)
    return report


def verify_mixed_qemu(model: MixedPatchModel, batch: Mapping[str, np.ndarray], *,
                      board: str | None = None, label: str | None = None,
                      code_dir: Path | None = None) -> CheckReport:
    """The mixed-precision firmware on an emulated board (default mps2-an386)."""
    from ..boards import default_board, get_board
    from ..boards.qemu import run_graph
    from ..codegen import generate_c
    from ..sim.patch_mixed import simulate_mixed_patched
    from .qemu import locate_first_mismatch_on_qemu

    graph, label = model.graph, label or model.graph.name
    target = get_board(board) if board else default_board()
    golden = _golden(model, batch)
    with tempfile.TemporaryDirectory(prefix="edgesmith-verify-") as tmp:
        if code_dir is None:
            code_dir = generate_c(graph, Path(tmp) / "model", mixed=model).folder
        outputs, run = run_graph(graph, target, dict(batch), model_dir=Path(code_dir))
        report, differs = compare_mixed(model, label, golden, outputs, run.patch_branches)
        if report.first_mismatch is None and differs.any():
            sample = int(np.flatnonzero(differs)[0])
            one = {n: batch[n][sample:sample + 1] for n in graph.inputs}
            expected, _ = simulate_mixed_patched(model, one, keep_intermediates=True)
            report.first_mismatch = locate_first_mismatch_on_qemu(
                graph, target, one, sample, code_dir=Path(code_dir), expected=expected)
    return report

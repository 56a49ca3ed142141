"""What generated code is checked against: the simulator's outputs, and for a mixed-precision
patch model (QuantMCU) also the branch every patch took.

The golden result of a plain graph is :func:`edgesmith.sim.simulate`; that of
a :class:`~edgesmith.quant.mixed_patch.MixedPatchModel` is
:func:`~edgesmith.quant.mixed_simulate.simulate_mixed_patched`: outputs and
routing. Generated mixed code reports its branches through
``<name>_patch_branches()`` (read by :class:`~.host.HostModel` on the host,
written after the outputs by the harness firmware), so a sample matches only
when every output byte *and* every patch's branch are equal. A patch routed
to the other branch is reported as the first difference (``op_type`` "vdpc
routing"); otherwise the verifiers trace the first op that differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..boards.project import read_model_api
from ..codegen.options import CodeOptions, generate_code
from ..errors import EdgesmithError
from ..ir import Graph
from ..quant.mixed_patch import MixedPatchModel
from ..report.check_report import CheckReport, samples_differ


def generated_code(graph: Graph, code_dir: str | Path | None, scratch: Path,
                   options: CodeOptions | None, mixed: MixedPatchModel | None) -> Path:
    """The model folder a verifier runs: ``code_dir`` as given, or ``graph``'s code generated
    with ``options`` (and ``mixed``) into ``scratch``."""
    if code_dir is not None:
        return Path(code_dir)
    options = options or CodeOptions()
    run_options = replace(options, mixed=mixed) if mixed is not None else options
    return generate_code(graph, scratch / "model", run_options).folder


def code_summary(code_dir: Path, options: CodeOptions | None) -> dict:
    """What a report says of the code that ran (read back from its header)."""
    api = read_model_api(Path(code_dir))
    return (options or CodeOptions()).describe(api.name, api.arena_bytes)


def check_mixed_fits(graph: Graph, mixed: MixedPatchModel | None) -> None:
    if mixed is not None and mixed.graph is not graph:
        raise EdgesmithError("the mixed-precision patch model belongs to another graph")


def reference_outputs(graph: Graph, batch: Mapping[str, np.ndarray],
                      mixed: MixedPatchModel | None = None, keep_intermediates: bool = False,
                      steps: int | None = None
                      ) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """The simulator's outputs of ``batch`` and, for a mixed model, its routing (samples x
    patches, True = 8-bit); None for a plain graph. Also checks the inputs. A stateful
    graph runs the samples in order as sequences of ``steps`` (None: one sequence), each
    through one fresh instance, as a target running them one by one does."""
    if mixed is None and graph.is_stateful:
        from ..sim import simulate, simulate_sequences

        simulate(graph, {n: np.asarray(x)[:1] for n, x in batch.items()})  # checks the inputs
        return simulate_sequences(graph, dict(batch), steps, keep_intermediates), None
    if mixed is None:
        from ..sim import simulate

        return simulate(graph, dict(batch), keep_intermediates=keep_intermediates), None
    from ..quant.mixed_simulate import simulate_mixed_patched

    return simulate_mixed_patched(mixed, dict(batch), keep_intermediates=keep_intermediates)


def compare_with_reference(graph: Graph, label: str, golden, outputs: Mapping[str, np.ndarray],
                           branches: np.ndarray | None, mixed: MixedPatchModel | None = None
                           ) -> tuple[CheckReport, np.ndarray]:
    """The report of ``outputs``/``branches`` (the code's) against ``golden`` (the result of
    :func:`reference_outputs`), and which samples differ in their outputs."""
    expected, routes = golden
    samples = next(iter(expected.values())).shape[0]
    differs = np.zeros(samples, dtype=bool)
    for name in graph.outputs:
        differs |= samples_differ(outputs[name], expected[name])
    if routes is None:
        return CheckReport(label, samples, int(differs.sum())), differs
    if branches is None or branches.shape != routes.shape:
        raise EdgesmithError(f"{label}: the code reports no patch branches for "
                             f"{routes.shape[1]} patches; is it a mixed-precision build?",
                             hint="generate it from the mixed-precision .esm")
    rerouted = np.any(branches != routes, axis=1)
    report = CheckReport(label, samples, int((differs | rerouted).sum()))
    if rerouted.any():
        sample = int(np.flatnonzero(rerouted)[0])
        patch = int(np.flatnonzero(branches[sample] != routes[sample])[0])
        grid = mixed.plan.grid
        report.first_mismatch = {
            "op_index": mixed.plan.split, "op_type": "vdpc routing",
            "origin": f"patch {patch} of the {grid}x{grid} grid",
            "tensor": "patch branches (1 = 8-bit)", "sample": sample, "index": (patch,),
            "ours": int(branches[sample, patch]), "theirs": int(routes[sample, patch])}
    return report, differs

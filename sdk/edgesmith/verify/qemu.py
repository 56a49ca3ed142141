"""Firmware on an emulated Cortex-M board against the golden simulator, bit for bit.

``verify_on_qemu`` builds the model's harness firmware for the board (cached),
runs every sample in one QEMU launch and compares every output byte with
:func:`edgesmith.sim.simulate`. The report has the shape of
:class:`~edgesmith.report.check_report.CheckReport`; in ``first_mismatch`` "ours" is
the firmware's value and "theirs" the simulator's. The first mismatching
sample is run again on the ES_TRACE build, which writes every op's output, to
name the first op and element that differ.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..errors import UnsupportedError
from ..ir import Graph
from ..quant.mixed_patch import MixedPatchModel
from ..report.check_report import CheckReport, mismatch_record
from .check import _sample_batch
from ..codegen.options import CodeOptions
from .reference import (check_mixed_fits, code_summary, compare_with_reference, generated_code,
                        reference_outputs)


def verify_on_qemu(model: str | Path | Graph, board: str | None = None, samples: int = 20,
                   inputs: np.ndarray | Mapping[str, np.ndarray] | None = None,
                   seed: int = 0) -> CheckReport:
    """Run ``inputs`` (if any) then ``samples`` seeded random inputs on the board (by
    default the default emulated board, mps2-an386) and compare."""
    graph = _load(model)
    batch = _sample_batch(graph, samples, inputs, seed)
    label = str(model) if not isinstance(model, Graph) else model.name
    return verify_qemu(graph, batch, board=board, label=label)


def verify_qemu(graph: Graph, batch: Mapping[str, np.ndarray], *, board: str | None = None,
                label: str | None = None, code_dir: Path | None = None,
                options: CodeOptions | None = None,
                mixed: MixedPatchModel | None = None) -> CheckReport:
    """Every sample of ``batch`` (name -> batched array) on the firmware vs the simulator.

    The model's code is generated with ``options`` (``code_dir`` runs an already generated
    model folder instead); with ``mixed`` (a mixed-precision patch model of ``graph``), its
    firmware, whose every patch's branch is compared too.
    """
    from ..boards import default_board, get_board
    from ..boards.qemu import run_graph

    check_mixed_fits(graph, mixed)
    target = get_board(board) if board else default_board()
    golden = reference_outputs(graph, batch, mixed)
    with tempfile.TemporaryDirectory(prefix="edgesmith-verify-") as tmp:
        code_dir = generated_code(graph, code_dir, Path(tmp), options, mixed)
        firmware, run = run_graph(graph, target, dict(batch), model_dir=code_dir)
        report, differs = compare_with_reference(graph, label or graph.name, golden, firmware,
                                                 run.patch_branches, mixed)
        report.code = code_summary(code_dir, options)
        if report.first_mismatch is None and differs.any():
            sample = int(np.flatnonzero(differs)[0])
            one = {n: batch[n][sample:sample + 1] for n in graph.inputs}
            expected, _ = reference_outputs(graph, one, mixed, keep_intermediates=True)
            report.first_mismatch = locate_first_mismatch_on_qemu(
                graph, target, one, sample, code_dir=code_dir, expected=expected)
    return report


def locate_first_mismatch_on_qemu(graph: Graph, board, one_sample: Mapping[str, np.ndarray],
                                  sample: int, code_dir: Path | None = None,
                                  expected: Mapping[str, np.ndarray] | None = None
                                  ) -> dict | None:
    """Every op's output of one sample, firmware vs simulator (``expected``: its tensors,
    if not ``simulate``'s), in execution order."""
    from ..boards.qemu import run_graph
    from ..sim import simulate

    if expected is None:
        expected = simulate(graph, dict(one_sample), keep_intermediates=True)
    _, run = run_graph(graph, board, dict(one_sample), dump_ops=True, model_dir=code_dir)
    for op_index, raw in run.op_outputs or []:
        op = graph.ops[op_index]
        name = op.outputs[0]
        if name not in expected:
            continue
        want = np.ascontiguousarray(expected[name])
        got = raw.view(want.dtype)
        if got.size != want.size:
            return mismatch_record(op_index, op, name, sample, (), f"{got.size} values",
                                   f"{want.size} values")
        diff = np.flatnonzero(got != want.reshape(-1))
        if diff.size:
            where = tuple(int(i) for i in np.unravel_index(diff[0], want.shape))
            return mismatch_record(op_index, op, name, sample, where[1:], got[diff[0]].item(),
                                   want.reshape(-1)[diff[0]].item())
    return None


def _load(model: str | Path | Graph) -> Graph:
    if isinstance(model, Graph):
        graph = model
    else:
        from ..frontends import load_model

        graph = load_model(model)
    if not graph.is_quantized():
        raise UnsupportedError(f"{model}: firmware runs integer models; quantize it first "
                               "(`edgesmith quantize`)")
    return graph

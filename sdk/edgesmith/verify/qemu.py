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
from ..codegen.options import CodeOptions
from ..report.check_report import CheckReport
from .check import _sample_batch
from .reference import code_summary, generated_code
from .target import decode, verify_target


def verify_on_qemu(model: str | Path | Graph, board: str | None = None, samples: int = 20,
                   inputs: np.ndarray | Mapping[str, np.ndarray] | None = None,
                   seed: int = 0) -> CheckReport:
    """Run ``inputs`` (if any) then ``samples`` seeded random inputs on the board (by
    default the default emulated board, mps2-an386) and compare."""
    graph = _load(model)
    batch = _sample_batch(graph, samples, inputs, seed)
    label = str(model) if not isinstance(model, Graph) else model.name
    return verify_qemu(graph, batch, board=board, label=label)


class QemuTarget:
    """Firmware of the model on an emulated board (cached builds); a traced build on demand."""

    oracle = False

    def __init__(self, graph: Graph, board, code_dir: Path):
        self.graph, self.board, self.code_dir = graph, board, code_dir

    def run(self, batch):
        from ..boards.qemu import run_graph

        outputs, run = run_graph(self.graph, self.board, dict(batch), model_dir=self.code_dir)
        return outputs, run.patch_branches

    def trace(self, sample):
        from ..boards.qemu import run_graph

        _, run = run_graph(self.graph, self.board, dict(sample), dump_ops=True,
                           model_dir=self.code_dir)
        for op_index, raw in run.op_outputs or []:
            yield op_index, decode(self.graph, self.graph.ops[op_index].outputs[0], raw)


def verify_qemu(graph: Graph, batch: Mapping[str, np.ndarray] | np.ndarray, *, board: str | None = None,
                label: str | None = None, code_dir: Path | None = None,
                options: CodeOptions | None = None,
                mixed: MixedPatchModel | None = None) -> CheckReport:
    """Every sample of ``batch`` (name -> batched array) on the firmware vs the simulator.

    The model's code is generated with ``options`` (``code_dir`` runs an already generated
    model folder instead); with ``mixed`` (a mixed-precision patch model of ``graph``), its
    firmware, whose every patch's branch is compared too.
    """
    from ..boards import default_board, get_board

    if not isinstance(batch, Mapping):  # one array for a one-input model, as verify_host takes
        batch = {graph.inputs[0]: batch}
    target = get_board(board) if board else default_board()
    with tempfile.TemporaryDirectory(prefix="edgesmith-verify-") as tmp:
        options = (options or CodeOptions()).for_board(target)
        code_dir = generated_code(graph, code_dir, Path(tmp), options, mixed)
        report = verify_target(graph, QemuTarget(graph, target, code_dir), batch,
                               label=label or graph.name, mixed=mixed)
        report.code = code_summary(code_dir, options)
    return report


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

"""The HLS C-simulation as a verification target: the testbench (g++ against the
``ap_types`` headers) runs every sample, checks it itself and writes what it computed; a
trace build gives every layer's output of one sample (edgesmith.hls.csim builds and runs it).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..errors import EdgesmithError
from ..hls.csim import CsimRun, build_testbench, run_testbench, trace_sample
from ..ir import Graph
from ..report.check_report import CheckReport
from .target import verify_target


class CsimTarget:
    """An HLS project folder, built as a C-simulation testbench."""

    oracle = False

    def __init__(self, folder: Path, graph: Graph):
        self.folder, self.graph = folder, graph
        self.binary = build_testbench(folder)
        self.last_run: CsimRun | None = None

    def _expected(self, batch) -> dict[str, np.ndarray]:
        from ..sim import simulate  # the testbench compares with these itself

        return simulate(self.graph, dict(batch))

    def run(self, batch):
        expected = self._expected(batch)
        run = self.last_run = run_testbench(self.binary, self.graph, batch, expected)
        total = batch[self.graph.inputs[0]].shape[0]
        differs = np.zeros(total, dtype=bool)
        for name in self.graph.outputs:
            got = run.outputs.get(name)
            if got is None or got.shape[0] != total:
                raise EdgesmithError(f"the testbench of {self.folder} did not compute every "
                                     f"sample:\n{run.message[-2000:]}")
            differs |= np.any(got.reshape(total, -1)
                              != np.asarray(expected[name]).reshape(total, -1), axis=1)
        if bool(differs.any()) != (run.returncode != 0):  # a testbench that cannot fail is none
            raise EdgesmithError(f"the testbench exit status {run.returncode} disagrees with the "
                                 f"outputs it wrote:\n{run.message[-2000:]}")
        return run.outputs, None

    def trace(self, sample):
        layers = trace_sample(self.folder, self.graph, sample, self._expected(sample))
        return sorted(layers.items())


def verify_csim(graph: Graph, batch: Mapping[str, np.ndarray], *,
                code_dir: str | os.PathLike | None = None, label: str | None = None,
                **generate_options) -> tuple[CheckReport, CsimRun]:
    """Generate (or take ``code_dir``), build and run the HLS C-simulation of fixed-point
    ``graph`` on ``batch`` (raw inputs) and compare every output with the simulator."""
    from ..hls.writer import generate_hls

    tmp = None
    if code_dir is None:
        tmp = tempfile.mkdtemp(prefix="edgesmith-hls-")
        code_dir = generate_hls(graph, Path(tmp) / "hls", **generate_options).folder
    try:
        target = CsimTarget(Path(code_dir), graph)
        report = verify_target(graph, target, batch, label=label or graph.name)
        return report, target.last_run
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

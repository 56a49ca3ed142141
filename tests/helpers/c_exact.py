"""The generated C code of a quantized graph, built for this machine, against the simulator:
raw integers compared with ``assert_array_equal``, output by output."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from edgesmith.codegen.options import CodeOptions, generate_code
from edgesmith.ir import Graph
from edgesmith.sim import simulate
from edgesmith.verify.host import HostModel


def assert_c_equals_simulator_exactly(graph: Graph, batch: dict[str, np.ndarray]) -> None:
    expected = simulate(graph, batch)
    with tempfile.TemporaryDirectory(prefix="es-c-exact-") as tmp:
        folder = generate_code(graph, Path(tmp) / "model", CodeOptions()).folder
        got = HostModel(folder, graph).run(batch)
    assert set(got) == set(expected) == set(graph.outputs)
    for name in graph.outputs:
        assert got[name].dtype == expected[name].dtype and got[name].dtype.kind == "i", name
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)

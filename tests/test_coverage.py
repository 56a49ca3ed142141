"""The coverage matrix: every op x format x backend is a tested kernel or a refusal worded
for the user, and the docs' table is the one the code writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from edgesmith.coverage import DOC_FILES, VIEW, support_matrix, with_table
from edgesmith.errors import UnsupportedError
from edgesmith.frontends.keras_context import CONVERTERS
from edgesmith.ir import OP_DEFS, AffineFormat, FixedFormat, Graph, Op, Tensor, op_def

ROOT = Path(__file__).resolve().parents[1]
MATRIX = support_matrix()
#: where each backend's kernels are tested
TEST_DIRS = {"sim": ("ops", "formats", "sim", "quant", "frontends", "passes", "patch", "recurrent"),
             "c": ("runtime", "codegen", "patch_c", "quantmcu"), "hls": ("hls",)}


def _test_text(backend: str) -> str:
    return "\n".join(p.read_text() for d in TEST_DIRS[backend]
                     for p in sorted((ROOT / "tests" / d).rglob("*.py")))


@pytest.mark.parametrize("doc", DOC_FILES)
def test_docs_tables_are_the_generated_ones(doc):
    text = (ROOT / doc).read_text()
    assert with_table(text) == text, "run: python -m edgesmith.coverage --write"


def test_a_changed_cell_is_caught():
    text = (ROOT / "docs" / "COVERAGE.md").read_text()
    broken = text.replace("| yes |", "| - |", 1)
    assert broken != text and with_table(broken) != broken


@pytest.mark.parametrize("backend", sorted(TEST_DIRS))
def test_every_kernel_is_named_by_a_test(backend):
    text = _test_text(backend)
    kernels = {op for (op, _), k in MATRIX[backend].items() if k != VIEW}
    assert len(kernels) >= 10
    untested = sorted(op for op in kernels if not re.search(rf"\b{op}\b", text))
    assert not untested, f"{backend} kernels no test names: {untested}"


def _one_op_graph(op_type: str, tag: str) -> tuple[Op, Graph]:
    fmt = {"fx": FixedFormat(16, 6, True), "s4": AffineFormat([0.1], [0], bits=4),
           "s8": AffineFormat([0.1], [0]), "f32": None}[tag]
    dtype = {"fx": "int32", "f32": "float32"}.get(tag, "int8")
    tensors = {n: Tensor(n, (1, 4, 4, 4), dtype, fmt) for n in ("x", "y")}
    inputs = ["x"] * op_def(op_type).min_inputs
    return Op(op_type, inputs, ["y"], {}), Graph("cell", tensors, [], ["x"], ["y"])


SIM_REFUSED = [(op, tag) for op in sorted(OP_DEFS) for tag in ("s8", "s4", "fx")
               if (op, tag) not in MATRIX["sim"]]
C_REFUSED = [(op, tag) for op in sorted(OP_DEFS) for tag in ("s8", "s4", "fx")
             if (op, tag) not in MATRIX["c"] and op_def(op).quant != "none"]


def test_refused_cells_exist():
    assert len(SIM_REFUSED) >= 3 and len(C_REFUSED) >= 10


@pytest.mark.parametrize("op_type,tag", SIM_REFUSED)
def test_simulator_refuses_a_missing_kernel_by_name(op_type, tag):
    from edgesmith.sim.executor import _kernel_for

    op, graph = _one_op_graph(op_type, tag)
    with pytest.raises(UnsupportedError, match=rf"no .*kernel for '{op_type}'"):
        _kernel_for(op, graph)


@pytest.mark.parametrize("op_type,tag", C_REFUSED)
def test_c_generator_refuses_a_missing_kernel_by_name(op_type, tag):
    from edgesmith.codegen.c_params import kernel_params

    op, graph = _one_op_graph(op_type, tag)
    with pytest.raises(UnsupportedError, match=op_type):
        kernel_params(op, graph)


def test_keras_names_are_registered_converters():
    named = {k.split("(")[0] for d in OP_DEFS.values() for k in d.keras}
    assert len(named) >= 15
    assert named <= set(CONVERTERS), sorted(named - set(CONVERTERS))


def test_every_tflite_mapping_has_a_reader():
    mapped = [d for d in OP_DEFS.values() if d.tflite]
    assert len(mapped) >= 18
    assert all(callable(d.from_tflite) for d in mapped)

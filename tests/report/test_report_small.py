"""The report of a small patched model, in process (fast), saturation counts, and bad input
through the CLI (exit 2, nothing written)."""

import numpy as np
import pytest

from edgesmith.errors import EdgesmithError
from edgesmith.ir import AffineFormat
from edgesmith.html_report.page import ReportOptions, build_report, render_report, sample_batch
from edgesmith.html_report.tensors import saturation, tensors_section
from tests.helpers.cli_run import cli
from tests.helpers.paths import SHARED_MODELS
from tests.patch.graphs import chain_graph, quantized
from tests.report.conftest import page_data


def test_saturation_skips_a_zero_point_at_the_bottom():
    values = np.array([[-128, 0, 5], [-128, 127, 3], [1, 2, 3], [-128, -128, 4]], np.int8)
    relu = AffineFormat(scale=[0.1], zero_point=[-128])
    assert saturation(relu, values) == (0.25, 1 / 12)
    plain = AffineFormat(scale=[0.1], zero_point=[0])
    assert saturation(plain, values) == (0.75, 5 / 12)


def test_patched_model_page():
    from edgesmith.codegen.c_plan import plan_c_arena
    from edgesmith.memory.patch import plan_patches
    from edgesmith.report.metrics import op_macs

    graph = quantized(chain_graph())
    report = build_report(graph, ReportOptions(patch="1:2", samples=8))
    assert [s.id for s in report.sections] == ["ops", "patch", "memory", "board", "tensors",
                                               "flash", "op-table"]
    data = page_data(render_report(report))
    plan, patch = plan_c_arena(graph, "optimal", inplace=True), plan_patches(graph, 1, 2)
    assert data["memory"]["arena_bytes"] == plan.arena_bytes
    assert [s["live_bytes"] for s in data["memory"]["steps"]] == list(plan.steps)
    assert (data["patch"]["grid"], data["patch"]["patches"]) == (2, 4)
    assert data["patch"]["halo"] == list(patch.halo) and data["patch"]["halo"] != [0, 0]
    assert data["patch"]["peak_bytes"] == patch.peak_bytes
    assert [o["macs"] for o in data["ops"]] == [op_macs(graph, op) for op in graph.ops]
    assert data["board"] is None and data["tensors"]["samples"] == 8
    assert sum(data["flash"]["per_op"]) > 0 and data["flash"]["unattributed_bytes"] == 0


MODEL = str(SHARED_MODELS / "tflm" / "hello_world_int8.tflite")


def test_bad_target_exits_2_and_writes_nothing(tmp_path):
    proc = cli(tmp_path, "report", MODEL, "--target", "no-such-fpga", "-o", "r.html")
    assert proc.returncode == 2, proc.stderr
    assert "neither an FPGA board" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path, options, message", [
    ("r.txt", {}, "must end in .html"),
    ("r.html", {"patch": "auto", "target": "pynq-z2"}, "--patch plans microcontroller RAM"),
    ("r.html", {"board": "mps2-an386", "target": "pynq-z2"}, "give one"),
    ("r.html", {"precision": "fixed<16,6>"}, "--precision is for a float model"),
    ("r.html", {"board": "no-such-board"}, "no-such-board"),
])
def test_bad_options_raise_and_write_nothing(tmp_path, path, options, message):
    import edgesmith

    with pytest.raises(EdgesmithError, match=message):
        edgesmith.load(MODEL).report(tmp_path / path, **options)
    assert list(tmp_path.iterdir()) == []


def test_saturation_on_calibration_data():
    """Real-valued calibration inputs are quantized with the input's format first."""
    graph = quantized(chain_graph())
    fmt = graph.tensors[graph.inputs[0]].fmt
    scale, zp = fmt.scalar()
    top = scale * (fmt.qmax - zp)
    calib = np.zeros((5, 8, 8, 2), np.float32)
    calib[:2, 0, 0, 0] = 2 * top  # two samples reach the top of the input's range
    data = {}
    tensors_section(graph, *sample_batch(graph, ReportOptions(calib=calib)), data)
    first = data["tensors"]["rows"][0]
    assert data["tensors"]["source"] == "calibration samples" and data["tensors"]["samples"] == 5
    assert (first["saturated_samples"], first["saturated_values"]) == (2 / 5, 2 / (5 * 128))

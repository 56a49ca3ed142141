"""Firmware under QEMU equals the simulator bit for bit; instruction counts are exact and
repeatable; a difference is caught and located."""

from __future__ import annotations

import json

import edgesmith.sim
import numpy as np
import pytest
from edgesmith.boards import get_board
from edgesmith.boards.latency import measure_latency
from edgesmith.cli import app
from edgesmith.frontends import load_model
from edgesmith.sim import simulate
from tests.helpers.shipped_inputs import shipped_inputs
from edgesmith.verify.qemu import verify_on_qemu
from typer.testing import CliRunner

from .helpers import needs_cross, needs_qemu, shared_model

pytestmark = [needs_cross, needs_qemu]


@pytest.mark.parametrize("name", ["tflm/hello_world_int8", "mlperf_tiny/kws_ref_model"])
def test_firmware_equals_simulator_on_m4(name):
    path = shared_model(name)
    report = verify_on_qemu(path, board="mps2-an386", samples=20, inputs=shipped_inputs(path))
    assert report.samples >= 20
    assert report.mismatched_samples == 0, report.first_mismatch


def test_cli_run_writes_the_simulator_outputs(tmp_path):
    path = shared_model("mlperf_tiny/kws_ref_model")
    x = np.random.default_rng(1).integers(-128, 128, (3, 49, 10, 1), dtype=np.int8)
    np.save(tmp_path / "x.npy", x)
    result = CliRunner().invoke(app, ["run", str(path), "--board", "mps2-an386", "--input",
                                      str(tmp_path / "x.npy"), "-o", str(tmp_path / "y.npy"),
                                      "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["samples"] == 3
    graph = load_model(path)
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), simulate(graph, x)[graph.outputs[0]])


def test_cli_verify_qemu_target():
    result = CliRunner().invoke(app, ["verify", str(shared_model("tflm/hello_world_int8")),
                                      "--target", "qemu:mps2-an386", "--samples", "8", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mismatched_samples"] == 0


def test_a_difference_is_caught_and_located(monkeypatch):
    """Tamper with the golden output of the last op: the check must fail and name that op."""
    path = shared_model("mlperf_tiny/kws_ref_model")
    graph = load_model(path)
    last = graph.outputs[0]
    real = edgesmith.sim.simulate

    def tampered(g, inputs, keep_intermediates=False):
        outs = real(g, inputs, keep_intermediates=keep_intermediates)
        outs[last] = outs[last].copy()
        outs[last].reshape(outs[last].shape[0], -1)[:, 3] ^= 1
        return outs

    monkeypatch.setattr(edgesmith.sim, "simulate", tampered)
    report = verify_on_qemu(graph, board="mps2-an386", samples=2)
    assert report.mismatched_samples == 2
    where = report.first_mismatch
    assert where["op_index"] == len(graph.ops) - 1 and where["tensor"] == last
    assert where["sample"] == 0 and where["index"] == (3,)
    assert where["ours"] ^ 1 == where["theirs"]


def test_instruction_counts_are_exact_and_repeatable():
    graph = load_model(shared_model("mlperf_tiny/kws_ref_model"))
    board = get_board("mps2-an386")
    first = measure_latency(graph, board, samples=2, seed=3)
    second = measure_latency(graph, board, samples=2, seed=3)
    assert first.instructions_per_sample == second.instructions_per_sample
    assert [x.instructions for x in first.layers] == [x.instructions for x in second.layers]
    assert len(first.layers) == len(graph.ops)
    conv = [x for x in first.layers if x.type == "conv2d"]
    # SMLAD's two MACs per instruction are the floor (the fast 1x1 layers take 0.96 per MAC)
    assert all(x.instructions > x.macs / 2 for x in conv), "at most two MACs per instruction"
    # the per-op counts leave out only the trace hook's own body: they add up to the total
    # within a few instructions per op
    assert abs(first.traced_instructions - first.instructions) < 40 * len(graph.ops)
    # the cycle estimate is as repeatable, above one cycle per instruction (loads take two)
    # and split per layer the same way
    assert first.estimated_m4_cycles_per_sample == second.estimated_m4_cycles_per_sample
    assert first.instructions < first.estimated_m4_cycles < 3 * first.instructions
    assert all(x.instructions <= x.estimated_m4_cycles for x in first.layers)


def test_cli_bench_latency_json():
    model = shared_model("tflm/hello_world_int8")
    result = CliRunner().invoke(app, ["bench", "latency", str(model), "--board", "mps2-an505",
                                      "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["board"] == "mps2-an505" and info["macs"] == 288
    assert info["instructions"] > info["macs"] and info["instructions_per_mac"] > 1
    assert info["estimated_ms"] == pytest.approx(1e3 * info["instructions"] / 20e6)
    assert "CPI 1" in info["time_assumption"]
    assert [layer["type"] for layer in info["layers"]] == ["fully_connected"] * 3

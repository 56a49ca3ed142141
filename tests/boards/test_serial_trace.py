"""The serial harness's ES_TRACE build: a difference is located to its op over the UART of an
emulated board, per-layer instruction counts come through it too, and --flash on a real board
with nothing attached is refused before any port is opened."""

from __future__ import annotations

import edgesmith.sim
from edgesmith.boards import get_board
from edgesmith.boards.latency import measure_latency
from edgesmith.cli import app
from edgesmith.frontends import load_model
from edgesmith.verify.qemu import verify_on_qemu
from typer.testing import CliRunner

from .helpers import needs_cross, needs_qemu, shared_model

pytestmark = [needs_cross, needs_qemu]


def test_a_difference_is_located_over_the_uart(monkeypatch):
    """Tamper with the golden output of the last op: the op comes back in TRACE frames."""
    graph = load_model(shared_model("tflm/hello_world_int8"))
    last = graph.outputs[0]
    real = edgesmith.sim.simulate

    def tampered(g, inputs, keep_intermediates=False):
        outs = real(g, inputs, keep_intermediates=keep_intermediates)
        outs[last] = outs[last].copy()
        outs[last].reshape(outs[last].shape[0], -1)[:, 0] ^= 1
        return outs

    monkeypatch.setattr(edgesmith.sim, "simulate", tampered)
    report = verify_on_qemu(graph, board="netduinoplus2", samples=2)
    assert report.mismatched_samples == 2
    where = report.first_mismatch
    assert where["op_index"] == len(graph.ops) - 1 and where["tensor"] == last
    assert where["ours"] ^ 1 == where["theirs"]


def test_per_layer_instruction_counts_on_the_m0():
    graph = load_model(shared_model("tflm/hello_world_int8"))
    report = measure_latency(graph, get_board("microbit"), samples=2)
    assert len(report.layers) == len(graph.ops) == 3
    assert all(layer.instructions > layer.macs for layer in report.layers)
    assert report.instructions > report.macs == 288


def test_flash_with_nothing_attached_is_refused():
    result = CliRunner().invoke(app, ["verify", str(shared_model("tflm/hello_world_int8")),
                                      "--board", "nucleo-f411re", "--port",
                                      "/dev/edgesmith-no-such-port", "--flash", "--samples", "1"])
    assert result.exit_code == 2, result.output
    assert ("no debug probe found" in result.output
            or "apt-get install --no-install-recommends openocd" in result.output)


def test_flash_refuses_an_emulated_board():
    result = CliRunner().invoke(app, ["verify", str(shared_model("tflm/hello_world_int8")),
                                      "--board", "netduinoplus2", "--port", "socket://127.0.0.1:1",
                                      "--flash"])
    assert result.exit_code == 2 and "emulated: there is nothing to flash" in result.output

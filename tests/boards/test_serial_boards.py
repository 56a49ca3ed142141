"""The serial harness end to end on emulated silicon: QEMU's STM32F405 (netduinoplus2) and
nRF51 (microbit) UARTs served on a loopback socket, driven through pyserial exactly as a
real board's port. Equal to the simulator bit for bit; a corrupted byte is a checksum error,
never a mismatch; wrong firmware, a silent port and a missing port are clear exit-2 errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from edgesmith.boards import get_board
from edgesmith.boards.build import cached_firmware
from edgesmith.cli import app
from edgesmith.frontends import load_model
from edgesmith.sim import simulate
from tests.helpers.shipped_inputs import shipped_inputs
from edgesmith.verify.qemu import verify_on_qemu
from typer.testing import CliRunner

from .helpers import needs_cross, needs_qemu, shared_model
from .serial_helpers import corrupting_proxy, qemu_serving, silent_peer

pytestmark = [needs_cross, needs_qemu]
KWS = "mlperf_tiny/kws_ref_model"


def _image(name: str, board: str):
    return cached_firmware(load_model(shared_model(name)), get_board(board))


def _verify_cli(name: str, board: str, port: int, *extra: str):
    return CliRunner().invoke(app, ["verify", str(shared_model(name)), "--board", board,
                                    "--port", f"socket://127.0.0.1:{port}", "--samples", "4",
                                    "--json", *extra])


def test_cli_verify_kws_over_the_serial_port_of_netduinoplus2():
    with qemu_serving(_image(KWS, "netduinoplus2")) as port:
        result = _verify_cli(KWS, "netduinoplus2", port)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["mismatched_samples"] == 0 and report["samples"] >= 4
    board = report["on_board"]
    assert (board["board"], board["clock_hz"], board["cycle_counter"]) == \
        ("netduinoplus2", 168_000_000, "systick")
    assert board["clock_setup_skipped"] and len(board["cycles"]) == report["samples"]
    assert all(c > 0 for c in board["cycles"]), "SysTick counted every inference"


@pytest.mark.parametrize("direction", ["to_board", "to_host"])
def test_a_corrupted_byte_is_a_checksum_error_not_a_mismatch(direction):
    # past the HELLO exchange: inside the first sample's frame, whichever way it goes
    offset = {"to_board": 200, "to_host": 100}[direction]
    with qemu_serving(_image(KWS, "netduinoplus2")) as port:
        with corrupting_proxy(port, **{direction: offset}) as proxy:
            result = _verify_cli(KWS, "netduinoplus2", proxy)
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert "checksum failure" in error["message"]
    assert "mismatch" not in result.output.lower()


def test_firmware_of_another_model_is_refused():
    with qemu_serving(_image("tflm/hello_world_int8", "netduinoplus2")) as port:
        result = _verify_cli(KWS, "netduinoplus2", port)
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "FirmwareMismatchError" and "--flash" in error["hint"]
    assert "runs model hello_world_int8" in error["message"]


def test_firmware_of_another_board_is_refused():
    with qemu_serving(_image("tflm/hello_world_int8", "microbit")) as port:
        result = _verify_cli("tflm/hello_world_int8", "netduinoplus2", port)
    assert result.exit_code == 2, result.output
    assert "built for board microbit, not netduinoplus2" in json.loads(result.stdout)["error"][
        "message"]


def test_a_port_that_never_answers_times_out():
    with silent_peer() as port:
        result = _verify_cli("tflm/hello_world_int8", "netduinoplus2", port, "--timeout", "1")
    assert result.exit_code == 2, result.output
    assert "no answer from the board" in json.loads(result.stdout)["error"]["message"]


@pytest.mark.parametrize("port", ["/dev/edgesmith-no-such-port", "socket://127.0.0.1:1"])
def test_a_missing_port_is_named(port):
    result = CliRunner().invoke(app, ["verify", str(shared_model("tflm/hello_world_int8")),
                                      "--board", "netduinoplus2", "--port", port, "--json"])
    assert result.exit_code == 2, result.output
    assert f"cannot open serial port {port}" in json.loads(result.stdout)["error"]["message"]


@pytest.mark.parametrize("args, problem", [
    (["--port", "socket://127.0.0.1:1"], "--port needs --board"),
    (["--board", "netduinoplus2"], "--board needs --port"),
    (["--board", "mps2-an386", "--port", "socket://127.0.0.1:1"], "talks semihosting"),
])
def test_port_options_misused(args, problem):
    result = CliRunner().invoke(app, ["verify", str(shared_model("tflm/hello_world_int8")),
                                      *args])
    assert result.exit_code == 2 and problem in result.output, result.output
    assert "Traceback" not in result.output


def test_cli_run_over_the_port_writes_the_simulator_outputs(tmp_path):
    path = shared_model(KWS)
    x = np.random.default_rng(1).integers(-128, 128, (3, 49, 10, 1), dtype=np.int8)
    np.save(tmp_path / "x.npy", x)
    with qemu_serving(_image(KWS, "netduinoplus2")) as port:
        result = CliRunner().invoke(app, ["run", str(path), "--board", "netduinoplus2", "-i",
                                          str(tmp_path / "x.npy"), "-o", str(tmp_path / "y.npy"),
                                          "--port", f"socket://127.0.0.1:{port}", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["clock_hz"] == 168_000_000
    graph = load_model(path)
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"),
                                  simulate(graph, x)[graph.outputs[0]])


def test_cli_bench_latency_over_the_port():
    model = shared_model("tflm/hello_world_int8")
    with qemu_serving(_image("tflm/hello_world_int8", "netduinoplus2")) as port:
        result = CliRunner().invoke(app, ["bench", "latency", str(model), "--board",
                                          "netduinoplus2", "--port",
                                          f"socket://127.0.0.1:{port}", "--samples", "2",
                                          "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["board"] == "netduinoplus2" and info["cycle_counter"] == "systick"
    assert len(info["cycles_per_sample"]) == 2 and info["cycles"] > 0
    assert info["emulator_board"] == "netduinoplus2" and info["instructions"] > 288
    assert info["measured_ms"] == pytest.approx(1e3 * info["cycles"] / 168e6)


@pytest.mark.parametrize("name", ["tflm/hello_world_int8", "tflm/micro_speech_quantized"])
def test_small_models_on_the_cortex_m0_of_microbit(name):
    """Armv6-M (no DSP, no DWT) over the nRF51 UART."""
    path = shared_model(name)
    report = verify_on_qemu(path, board="microbit", samples=5, inputs=shipped_inputs(path))
    assert report.samples >= 5
    assert report.mismatched_samples == 0, report.first_mismatch


def test_kws_does_not_fit_the_16_kib_of_microbit():
    """The nRF51822's 16 KiB of RAM cannot hold kws's arena and stack: refused by name."""
    from edgesmith.boards.build import FirmwareTooLargeError

    with pytest.raises(FirmwareTooLargeError, match=r"does not fit board microbit: RAM \(RAM, "
                                                    r"16,384 bytes\) overflows"):
        _image(KWS, "microbit")


def test_the_firmware_refuses_bad_requests_and_keeps_answering():
    """An INPUT of the wrong size and an unknown frame type are refused with ERROR frames;
    the next good request is still served."""
    from edgesmith.boards.serial_link import BoardRunError, SerialLink, encode_frame

    image = _image("tflm/hello_world_int8", "netduinoplus2")
    with qemu_serving(image) as port, SerialLink(f"socket://127.0.0.1:{port}", 10) as link:
        hello = link.hello()
        assert hello.input_bytes == (1,) and hello.model_hash == image.model_hash
        with pytest.raises(BoardRunError, match="refused the request.*input size differs"):
            link.run(b"\x00" * 4 + b"\x01\x02")
        link._serial.write(encode_frame(ord("z"), 99))
        with pytest.raises(BoardRunError, match="unknown frame type"):
            link.run(b"\x00" * 4 + b"\x05")  # the answer to "z" comes first
        link.hello()  # skips the stale answer to that run
        answer, traces = link.run(b"\x00" * 4 + b"\x05")
        assert len(answer) == 1 + 4 and traces == []

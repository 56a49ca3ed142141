"""Every shared int8 model on the M4, M7 and M33 boards (and M3, M55), and over the serial
port of the emulated STM32F405 (netduinoplus2), equal to the simulator bit for bit on its
shipped inputs and random ones. Minutes: marked slow."""

from __future__ import annotations

import pytest
from tests.helpers.shipped_inputs import shipped_inputs
from edgesmith.verify.qemu import verify_on_qemu

from .helpers import EMULATED_BOARDS, INT8_MODELS, needs_cross, needs_qemu, shared_model

SERIAL_BOARDS = ("netduinoplus2",)

pytestmark = [pytest.mark.slow, needs_cross, needs_qemu]


@pytest.mark.parametrize("board", EMULATED_BOARDS + SERIAL_BOARDS)
@pytest.mark.parametrize("name", INT8_MODELS)
def test_model_equals_simulator_on_board(name, board):
    path = shared_model(name)
    report = verify_on_qemu(path, board=board, samples=5, inputs=shipped_inputs(path))
    assert report.mismatched_samples == 0, report.first_mismatch

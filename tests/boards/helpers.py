"""What the board tests share: shared model paths, the fixture model folder, tool checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from edgesmith.resources import data_path

from tests.helpers.paths import SHARED_MODELS

FIXTURE_MODEL = Path(__file__).resolve().parent / "fixtures" / "fixture_model"
#: emulated boards whose firmware talks semihosting
EMULATED_BOARDS = ("mps2-an385", "mps2-an386", "mps2-an500", "mps2-an505", "mps3-an547")
#: emulated boards whose firmware talks over the UART, as on real boards
SERIAL_EMULATED_BOARDS = ("microbit", "netduinoplus2")
REAL_BOARDS = ("nrf52840-dk", "nucleo-f411re", "nucleo-h743zi2", "nucleo-l4r5zi", "rpi-pico",
               "stm32f746g-disco")
#: the int8 models every board test draws from, relative to ../shared/models
INT8_MODELS = ("mlperf_tiny/vww_96_int8", "mlperf_tiny/kws_ref_model",
               "mlperf_tiny/pretrainedResnet_quant", "mlperf_tiny/ad01_int8",
               "mlperf_tiny/str_ww_ref_model", "tflm/hello_world_int8", "tflm/person_detect",
               "tflm/micro_speech_quantized")

HAVE_CROSS = all(shutil.which(tool) for tool in ("arm-none-eabi-gcc", "cmake", "ninja"))
CROSS_REASON = "needs gcc-arm-none-eabi, libnewlib-arm-none-eabi, ninja-build (scripts/setup.sh)"
needs_cross = pytest.mark.skipif(not HAVE_CROSS, reason=CROSS_REASON)
needs_qemu = pytest.mark.skipif(shutil.which("qemu-system-arm") is None,
                                reason="needs qemu-system-arm (scripts/setup.sh)")


def shared_model(name: str) -> Path:
    path = SHARED_MODELS / f"{name}.tflite"
    if not path.is_file():
        pytest.skip(f"shared model {path} is not present")
    return path


def fixture_model_dir(tmp: Path) -> Path:
    """A copy of the hand-written fixture model with the runtime header it includes."""
    folder = tmp / "fixture_model"
    shutil.copytree(FIXTURE_MODEL, folder)
    shutil.copy2(data_path("runtime", "include", "es_nn_types.h"), folder)
    return folder

"""The lower-level calls the issue found awkward take what a user naturally passes: a board
by name, one array for a one-input model, an FPGA board instead of part and clock."""

import numpy as np
import pytest

import edgesmith
from edgesmith.boards.build import build_firmware
from edgesmith.hls.writer import generate_hls
from edgesmith.verify.qemu import verify_qemu

from tests.helpers.paths import HLS4ML_MODELS, SHARED_MODELS

INT8_MODEL = SHARED_MODELS / "tflm" / "hello_world_int8.tflite"


def test_generate_hls_takes_a_board_for_part_and_clock(tmp_path):
    m = edgesmith.load(HLS4ML_MODELS / "KERAS_1layer.json",
                       weights=HLS4ML_MODELS / "KERAS_1layer_weights.h5")
    q = m.quantize(np.random.default_rng(0).normal(size=(64, 10)).astype(np.float32),
                   scheme="fixed")
    project = generate_hls(q.graph, tmp_path / "hls", board="zcu104")
    assert project.project.part.startswith("xczu7ev")
    with pytest.raises(edgesmith.errors.EdgesmithError, match="say which FPGA"):
        generate_hls(q.graph, tmp_path / "hls2")


@pytest.mark.slow
def test_build_firmware_takes_a_board_name_and_verify_qemu_an_array(tmp_path):
    from edgesmith.codegen.options import CodeOptions, generate_code

    q = edgesmith.load(INT8_MODEL)
    code = generate_code(q.graph, tmp_path / "model", CodeOptions().for_core("cortex-m4"))
    image = build_firmware(None, "mps2-an386", tmp_path / "fw", model_dir=code.folder)
    assert image.board.name == "mps2-an386" and image.elf.is_file()
    x = np.arange(-128, 128, 16, dtype=np.int8).reshape(16, 1)
    assert verify_qemu(q.graph, x, board="mps2-an386").samples == 16

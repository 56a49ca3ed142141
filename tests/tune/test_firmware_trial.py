"""A trial on an emulated board measures what `build` and `bench latency` report for the
same configuration: RAM and flash from the linker, instructions and the M4 cycle estimate
from QEMU; --best copies that firmware."""

import json

import numpy as np
import pytest

import edgesmith
from edgesmith.tune import run_trial
from edgesmith.tune.best import write_best
from edgesmith.tune.space import DEFAULTS

BOARD = "mps2-an386"


@pytest.mark.slow  # three firmware builds and two QEMU runs: about 10 s, 20 s on a busy machine
def test_a_board_trial_equals_build_and_latency(cnn_files, cnn_inputs, own_cache, tmp_path):
    row = run_trial(cnn_inputs, {**DEFAULTS, "board": BOARD})
    assert row["status"] == "ok"
    q = edgesmith.load(cnn_files["model"]).quantize(np.load(cnn_files["x"])[:16])
    image = q.build(BOARD, tmp_path / "fw", optimize="speed")
    latency = q.latency(BOARD)
    assert (row["ram"], row["flash"]) == (image.sizes.ram, image.sizes.flash)
    assert row["arena_bytes"] == image.model.arena_bytes
    assert row["instructions"] == latency.instructions > 0
    assert row["m4_cycles"] == latency.estimated_m4_cycles > 0
    # the same configuration again: read from the cache, the same numbers
    assert run_trial(cnn_inputs, {**DEFAULTS, "board": BOARD}) == row

    best = write_best(cnn_inputs, row, tmp_path / "best")
    # the image is the one `build` makes (the ELF differs only in its debug paths)
    assert (best / "firmware.bin").read_bytes() == (tmp_path / "fw" / "firmware.bin").read_bytes()
    record = json.loads((best / "tune.json").read_text())
    assert record["configuration"]["board"] == BOARD
    assert record["measured"]["instructions"] == row["instructions"]

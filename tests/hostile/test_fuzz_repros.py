"""Every reproducer in ../shared/fuzz-repros gets exit 2, one message naming the file, and
nothing written, through the command its README names."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.paths import HLS4ML_MODELS
from tests.hostile.cli_runner import FUZZ_REPROS, assert_refused, files_under

#: Keras files of the reproducers are pairs with an unmodified file (see the README's table)
KERAS_PAIRS = {
    "e-hang-lifetimes.TensorGroups.find.json": "KERAS_conv2d_model_weights.h5",
    "c-ZeroDivisionError-base.same_padding.json": "KERAS_conv2d_model_weights.h5",
    "c-TypeError-keras_config._node_inputs.json": "KERAS_1layer_weights.h5",
    "c-TypeError-c_names.c_identifier.json": "KERAS_1layer_weights.h5",
}
#: the command that showed each defect, where it is not `inspect`
COMMANDS = {
    "c-UnicodeDecodeError-litert.run_litert.tflite": ["check", "--samples", "2"],
    "c-InvalidPlanError-check.check_plan.esm": ["plan"],
    "f-MemoryError-check.random_inputs.esm": ["verify", "--target", "host"],
    "silent-simulate-shape-check-off.esm": ["generate", "c", "-o", "{out}"],
    "silent-no-outputs.tflite": ["check", "--samples", "2"],
    "c-TypeError-c_names.c_identifier.json": ["quantize", "--calib", "{calib}", "-o", "{out}.esm"],
    "c-ValueError-int8.activation_format_weights.h5": ["quantize", "--calib", "{calib}", "-o",
                                                       "{out}.esm"],
}
REPROS = sorted(p.name for p in FUZZ_REPROS.glob("*") if p.suffix != ".md") \
    if FUZZ_REPROS.is_dir() else []


def test_all_reproducers_are_found():
    if not FUZZ_REPROS.is_dir():
        pytest.skip("../shared/fuzz-repros is not beside the repository")
    assert len(REPROS) == 20
    assert set(KERAS_PAIRS) | set(COMMANDS) <= set(REPROS)


def _model_args(name: str) -> list:
    path = FUZZ_REPROS / name
    if name.endswith(".json"):
        return [path, "--weights", HLS4ML_MODELS / KERAS_PAIRS[name]]
    if name.endswith(".h5"):  # weights of the unmodified architecture
        return [HLS4ML_MODELS / "KERAS_1layer.json", "--weights", path]
    return [path]


@pytest.mark.parametrize("name", REPROS)
def test_reproducer_is_refused_cleanly(name, tmp_path):
    calib = tmp_path / "calib.npy"
    np.save(calib, np.random.default_rng(0).uniform(-1, 1, (8, 10)).astype(np.float32))
    out = tmp_path / "out"
    before = files_under(tmp_path)
    command = [a.format(out=out, calib=calib) for a in COMMANDS.get(name, ["inspect"])]
    model = _model_args(name)
    args = [*command[:2], *model, *command[2:]] if command[0] == "generate" else \
        [command[0], *model, *command[1:]]
    assert_refused(args, name)
    assert files_under(tmp_path) == before

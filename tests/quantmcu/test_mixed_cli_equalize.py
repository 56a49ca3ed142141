"""`edgesmith quantize-mixed --equalize`: channel equalization before int8 PTQ, from the CLI."""

import json

import numpy as np
from edgesmith.cli import app
from edgesmith.io import save_esm
from edgesmith.quant.calibrate import calibrate
from edgesmith.quant.int8 import quantize_int8
from edgesmith.quant.mixed_patch import load_mixed_esm
from numpy.testing import assert_array_equal
from typer.testing import CliRunner

from .uneven_graph import uneven_calib, uneven_graph


def _args(tmp_path, *extra):
    save_esm(uneven_graph(), tmp_path / "float.esm")
    np.save(tmp_path / "calib.npy", uneven_calib())
    return ["quantize-mixed", str(tmp_path / "float.esm"), "--calib",
            str(tmp_path / "calib.npy"), "--patch", "3:2", "-o", str(tmp_path / "m.esm"),
            "--accuracy-weight", "0", *extra]


def test_equalize_json(tmp_path):
    result = CliRunner().invoke(app, _args(tmp_path, "--equalize", "--json"))
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["equalized_maps"] == ["a", "d"]
    model = load_mixed_esm(tmp_path / "m.esm")
    assert model.search["equalized_maps"] == ["a", "d"]
    plain = quantize_int8(uneven_graph(), calibrate(uneven_graph(), uneven_calib()))
    # the conv reading the equalized depthwise output has other int8 weights than plain PTQ
    assert not np.array_equal(model.graph.tensors[model.graph.ops[2].inputs[1]].data,
                              plain.tensors[plain.ops[2].inputs[1]].data)
    # the first conv's codes are absorbed by its per-channel scales
    assert_array_equal(model.graph.tensors[model.graph.ops[0].inputs[1]].data,
                       plain.tensors[plain.ops[0].inputs[1]].data)


def test_default_is_plain_ptq(tmp_path):
    result = CliRunner().invoke(app, _args(tmp_path))
    assert result.exit_code == 0, result.output
    assert "equalized" not in result.output
    assert load_mixed_esm(tmp_path / "m.esm").search["equalized_maps"] == []
    shown = CliRunner().invoke(app, _args(tmp_path, "--equalize"))
    assert shown.exit_code == 0 and "channels equalized before int8 PTQ: a, d" in shown.output

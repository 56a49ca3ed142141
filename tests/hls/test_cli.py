"""`edgesmith generate hls`, `edgesmith estimate` and `edgesmith verify --target hls-csim`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from edgesmith.io import save_esm

from tests.helpers.paths import HLS4ML_MODELS
from tests.hls.fixed_graphs import tiny_mlp
from tests.hls.mutation import flip_weight_bit

JET = [str(HLS4ML_MODELS / "KERAS_3layer.json"), "--weights",
       str(HLS4ML_MODELS / "KERAS_3layer_weights.h5")]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgesmith.cli", *args], capture_output=True,
                          text=True, timeout=900, check=False)


def cli_json(*args: str, status: int = 0) -> dict:
    proc = cli(*args, "--json")
    assert proc.returncode == status, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def tiny_esm(tmp_path_factory):
    path = tmp_path_factory.mktemp("esm") / "tiny.esm"
    save_esm(tiny_mlp(), path)
    return path


def test_generate_hls_with_a_board(tiny_esm, tmp_path):
    info = cli_json("generate", "hls", str(tiny_esm), "-o", str(tmp_path / "hls"), "--board",
                    "ultra96-v2", "--io", "stream", "--reuse", "4")
    assert (info["part"], info["clock_ns"], info["io"], info["reuse_factor"]) == \
        ("xczu3eg-sbva484-1-e", 5.0, "stream", 4)
    assert "tiny_mlp_test.cpp" in info["files"] and "not run here" in info["vitis_hls"]
    assert "set_part xczu3eg-sbva484-1-e" in (tmp_path / "hls" / "build_prj.tcl").read_text()


def test_generate_hls_needs_a_target(tiny_esm, tmp_path):
    proc = cli("generate", "hls", str(tiny_esm), "-o", str(tmp_path / "x"))
    assert proc.returncode == 2 and "--board" in proc.stderr


def test_estimate_json(tiny_esm):
    info = cli_json("estimate", str(tiny_esm), "--board", "pynq-z2", "--reuse", "2")
    assert [e["op_type"] for e in info["layers"]] == ["fully_connected"] * 2
    assert info["layers"][0]["multipliers"] == 24 and info["totals"]["dsp"] == 24 + 9
    assert info["available"]["dsp"] == 220 and "DSP48E1" in info["rules"]


@pytest.mark.usefixtures("toolchain")
def test_verify_hls_csim_on_the_jet_tagger():
    report = cli_json("verify", *JET, "--target", "hls-csim", "--samples", "100")
    assert (report["samples"], report["mismatched_samples"]) == (100, 0)
    assert report["target"] == "hls-csim" and report["testbench_exit"] == 0
    assert report["precision"] == "fixed<16,6,TRN,WRAP>"


@pytest.mark.usefixtures("toolchain")
def test_verify_hls_csim_fails_on_a_mutated_weight(tiny_esm, tmp_path):
    folder = tmp_path / "code"
    cli_json("generate", "hls", str(tiny_esm), "-o", str(folder), "--board", "pynq-z2")
    mutant = shutil.copytree(folder, tmp_path / "mutant")
    flip_weight_bit(mutant, "layer1_weights", bit=13)
    report = cli_json("verify", str(tiny_esm), "--target", "hls-csim", "--samples", "40",
                      "--code", str(mutant), status=1)
    assert report["mismatched_samples"] > 0 and report["testbench_exit"] == 1
    assert report["first_mismatch"]["op_index"] == 1
    assert report["testbench_first_mismatch"].startswith("MISMATCH sample")
    human = cli("verify", str(tiny_esm), "--target", "hls-csim", "--samples", "40", "--code",
                str(mutant))
    assert human.returncode == 1 and "first differing layer: op 1 fully_connected" in human.stdout

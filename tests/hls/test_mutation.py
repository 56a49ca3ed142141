"""Testbenches and verification that can fail: a flipped weight bit, a corrupted
expected-output file, a malformed one."""

from __future__ import annotations

import subprocess

import pytest
from edgesmith.hls import generate_hls
from edgesmith.verify.csim import verify_csim
from edgesmith.hls.csim import build_testbench
from edgesmith.hls.tbdata import random_fixed_inputs

from tests.hls.conftest import CLOCK_NS, PART
from tests.hls.fixed_graphs import tiny_mlp
from tests.hls.mutation import flip_weight_bit

pytestmark = pytest.mark.usefixtures("toolchain")


@pytest.fixture(scope="module")
def graph():
    return tiny_mlp()


@pytest.fixture(scope="module")
def batch(graph):
    return random_fixed_inputs(graph, 60, seed=5)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, graph):
    return generate_hls(graph, tmp_path_factory.mktemp("hls") / "tiny", part=PART,
                        clock_ns=CLOCK_NS)


def test_unchanged_code_passes(generated, graph, batch):
    report, run = verify_csim(graph, batch, code_dir=generated.folder)
    assert report.ok and run.returncode == 0


def test_a_flipped_weight_bit_fails_and_names_the_layer(tmp_path, generated, graph, batch):
    import shutil

    folder = shutil.copytree(generated.folder, tmp_path / "mutant")
    old, new = flip_weight_bit(folder, "layer0_weights", bit=12)
    assert old != new
    report, run = verify_csim(graph, batch, code_dir=folder)
    assert report.mismatched_samples > 0
    assert run.returncode == 1  # the testbench itself fails
    assert "MISMATCH sample" in run.stdout and "op 1 fully_connected" in run.stdout
    first = report.first_mismatch
    assert (first["op_index"], first["op_type"], first["tensor"]) == (0, "fully_connected",
                                                                      graph.ops[0].outputs[0])
    assert first["ours"] != first["theirs"]


def _run_testbench(folder, expected_text: str, tmp_path):
    expected = tmp_path / "expected.txt"
    expected.write_text(expected_text)
    return subprocess.run([str(build_testbench(folder)), str(folder / "tb_data" / "inputs.txt"),
                           str(expected)], capture_output=True, text=True, check=False)


def test_the_shipped_test_vectors_pass(generated):
    folder = generated.folder
    proc = subprocess.run([str(build_testbench(folder))], cwd=folder, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "mismatched=0" in proc.stdout


def test_a_corrupted_expected_file_fails_at_the_first_mismatch(generated, tmp_path):
    lines = (generated.folder / "tb_data" / "expected.txt").read_text().splitlines()
    values = lines[2].split()
    values[1] = str(int(values[1]) + 1)  # one LSB off in sample 2, output element 1
    lines[2] = " ".join(values)
    proc = _run_testbench(generated.folder, "\n".join(lines) + "\n", tmp_path)
    assert proc.returncode == 1
    assert "MISMATCH sample 2 output 0" in proc.stdout and "index 1:" in proc.stdout
    assert "samples=3 mismatched=1" in proc.stdout  # stopped at the first one


@pytest.mark.parametrize("corruption", ["missing", "garbage", "short"])
def test_a_malformed_expected_file_is_an_error(generated, tmp_path, corruption):
    lines = (generated.folder / "tb_data" / "expected.txt").read_text().splitlines()
    if corruption == "missing":
        lines = lines[:-1]  # fewer samples than inputs
    elif corruption == "garbage":
        lines[0] = lines[0].replace(lines[0].split()[0], "1.5e3", 1)
    else:
        lines[0] = " ".join(lines[0].split()[:-1])
    proc = _run_testbench(generated.folder, "\n".join(lines) + "\n", tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "ERROR" in proc.stderr


def test_out_of_range_inputs_are_an_error(generated, tmp_path):
    inputs = tmp_path / "inputs.txt"
    inputs.write_text(" ".join(["40000"] + ["0"] * 7) + "\n")  # 16-bit input
    proc = subprocess.run([str(build_testbench(generated.folder)), str(inputs),
                           str(generated.folder / "tb_data" / "expected.txt")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "does not fit" in proc.stderr

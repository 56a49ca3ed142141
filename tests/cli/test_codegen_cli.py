"""`edgesmith generate c`, `plan` and `verify --target host` from the command line."""

import json
import subprocess
import sys

import numpy as np
import pytest

from tests.codegen.mutation import mutate_one_weight
from tests.helpers.paths import SHARED_MODELS
from tests.helpers.shipped_inputs import shipped_inputs

HELLO = SHARED_MODELS / "tflm" / "hello_world_int8.tflite"
KWS = SHARED_MODELS / "mlperf_tiny" / "kws_ref_model.tflite"
RESNET = SHARED_MODELS / "mlperf_tiny" / "pretrainedResnet_quant.tflite"
STR_WW = SHARED_MODELS / "mlperf_tiny" / "str_ww_ref_model.tflite"
FLOAT = SHARED_MODELS / "tflm" / "hello_world_float.tflite"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgesmith.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300, check=False)


def run_json(*args: str, code: int = 0) -> dict:
    proc = run_cli(*args, "--json")
    assert proc.returncode == code, proc.stderr + proc.stdout
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def kws_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli") / "kws"
    info = run_json("generate", "c", KWS, "-o", folder, "--name", "kws")
    return folder, info


def test_generate_c_reports_ram_flash_and_code(kws_folder):
    folder, info = kws_folder
    assert info["name"] == "kws" and info["folder"] == str(folder)
    assert info["arena_bytes"] == 16000 == info["lower_bound_bytes"] and info["proven_optimal"]
    # without a board the weights take the int16 layout (codegen.c_layouts): 24,368 B as int8;
    # six conv/dense layers and four depthwise layers (their per-channel tables)
    extra = sum(x["int16_bytes"] - x["int8_bytes"] for x in info["layouts"])
    assert {x["layout"] for x in info["layouts"]} == {"int16"} and len(info["layouts"]) == 10
    assert info["weights_bytes"] == 24368 + extra and info["params_bytes"] > 0
    assert {"kws.h", "kws.c", "kws_weights.c", "CMakeLists.txt", "README.md"} <= set(info["files"])
    assert info["code_bytes"] == sum(v for k, v in info["files"].items()
                                     if not k.startswith("runtime/"))
    for name in info["files"]:
        assert (folder / name).is_file()


def test_generate_c_human_output(tmp_path):
    proc = run_cli("generate", "c", HELLO, "-o", tmp_path / "hw", "--strategy", "greedy")
    assert proc.returncode == 0, proc.stderr
    for needle in ("arena 32 B", "weights", "hello_world_int8.c", "runtime"):
        assert needle in proc.stdout, proc.stdout


def test_plan_json_fields():
    info = run_json("plan", RESNET)
    for key in ("arena_bytes", "io_bytes", "ram_bytes", "lower_bound_bytes", "strategy",
                "proven_optimal", "inplace_ops"):
        assert key in info
    assert info["arena_bytes"] == info["ram_bytes"] == 49152 and info["io_bytes"] == 0
    assert [r["op_type"] for r in info["inplace_ops"]] == ["add"] * 3
    assert len(info["steps"]) == 16 and max(s["live_bytes"] for s in info["steps"]) == 49152
    greedy = run_json("plan", STR_WW, "--strategy", "greedy", "--no-inplace")
    assert greedy["strategy"] == "greedy" and greedy["inplace_ops"] == []
    assert greedy["out_of_place_op_types"] == []
    assert run_json("plan", STR_WW)["out_of_place_op_types"] == []  # int8 depthwise in place


def test_plan_human_table():
    proc = run_cli("plan", STR_WW)
    assert proc.returncode == 0, proc.stderr
    assert "depthwise_conv2d (in place)" in proc.stdout and "arena 6,144 B" in proc.stdout


def test_verify_host_json(tmp_path):
    shipped = tmp_path / "kws_input.npy"
    np.save(shipped, shipped_inputs(KWS))
    info = run_json("verify", KWS, "--target", "host", "--samples", "4", "--seed", "3",
                    "--inputs", shipped)
    assert info["target"] == "host" and info["model"] == str(KWS)
    assert info["samples"] == 5 and info["mismatched_samples"] == 0  # 1 shipped + 4 random
    assert info["first_mismatch"] is None


def test_verify_names_the_layer_of_a_changed_weight(kws_folder):
    folder, _ = kws_folder
    mutate_one_weight(folder, "kws_op2_filter")
    info = run_json("verify", KWS, "--target", "host", "--samples", "5", "--code", folder,
                    code=1)
    assert info["mismatched_samples"] > 0 and info["first_mismatch"]["op_index"] == 2
    proc = run_cli("verify", KWS, "--target", "host", "--samples", "5", "--code", folder)
    assert proc.returncode == 1
    assert "MISMATCH" in proc.stdout and "op 2 conv2d (tflite op 2 CONV_2D)" in proc.stdout


@pytest.mark.parametrize("args, needle", [
    (("generate", "c", FLOAT, "-o", "{tmp}/out"), "quantize it first"),
    (("verify", FLOAT, "--target", "host"), "quantize it first"),
    (("verify", HELLO, "--target", "fpga"), "unknown target"),
    (("generate", "c", HELLO, "-o", "{tmp}/out", "--name", "9x"), "not a usable C identifier"),
    (("plan", HELLO, "--strategy", "best"), "unknown strategy"),
])
def test_refusals_exit_2_and_write_nothing(tmp_path, args, needle):
    proc = run_cli(*(str(a).format(tmp=tmp_path) for a in args))
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_an_esm_model_is_generated_and_verified(tmp_path):
    from edgesmith.frontends.tflite import load_tflite
    from edgesmith.io import save_esm

    esm = save_esm(load_tflite(STR_WW), tmp_path / "str_ww.esm")
    info = run_json("verify", esm, "--target", "host", "--samples", "3")
    assert info["samples"] == 3 and info["mismatched_samples"] == 0
    generated = run_json("generate", "c", esm, "-o", tmp_path / "c")
    assert generated["name"] == "str_ww_ref_model" and generated["arena_bytes"] == 6144

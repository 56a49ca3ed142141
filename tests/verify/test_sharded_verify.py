"""Verification in shards (verify/shards.py, verify/sharded_run.py): the same samples and the
same report however the run is cut, on one process or on Ray workers."""

import os
import signal
import threading
import time

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from edgesmith.codegen import generate_c
from edgesmith.frontends.tflite import load_tflite
from edgesmith.report.check_report import CheckReport
from edgesmith.sim.inputs import random_inputs
from edgesmith.verify.host import verify_host
from edgesmith.verify.sharded_run import verify_in_shards
from edgesmith.verify.shards import Shard, merge_reports, plan_shards, shard_batch
from tests.codegen.mutation import copy_folder, mutate_one_weight
from tests.helpers.paths import SHARED_MODELS

HELLO = SHARED_MODELS / "tflm" / "hello_world_int8.tflite"


@pytest.fixture(scope="module")
def hello():
    return load_tflite(HELLO)


@pytest.fixture(scope="module")
def broken_code(hello, tmp_path_factory):
    """Hello world's C with one weight of its first layer changed: some samples differ."""
    code = generate_c(hello, tmp_path_factory.mktemp("hello") / "hello", model_path=HELLO)
    folder = copy_folder(code.folder, tmp_path_factory.mktemp("broken") / "hello")
    mutate_one_weight(folder, f"{code.model.name}_op0_filter", delta=90)
    return folder


def test_shards_cover_every_sample_once_with_the_users_first():
    shards = plan_shards(3, 10, size=4)
    assert shards == [Shard(0, 0, 7, 3), Shard(1, 7, 4, 0), Shard(2, 11, 2, 0)]
    assert plan_shards(0, 8, size=4) == [Shard(0, 0, 4, 0), Shard(1, 4, 4, 0)]
    assert plan_shards(2, 0, size=4) == [Shard(0, 0, 2, 2)]


def test_the_first_shard_draws_what_an_unsharded_run_draws(hello):
    name = hello.inputs[0]
    first = shard_batch(hello, plan_shards(0, 50, size=20)[0], 7, None)
    assert_array_equal(first[name], random_inputs(hello, 20, 7)[name])
    later = shard_batch(hello, plan_shards(0, 50, size=20)[2], 7, None)
    assert later[name].shape[0] == 10
    assert_array_equal(later[name], random_inputs(hello, 10, [7, 2])[name])


def test_merged_report_names_the_first_mismatch_in_run_numbering():
    shards = plan_shards(0, 30, size=10)
    reports = [CheckReport("m", 10, 0), CheckReport("m", 10, 2, {"sample": 4, "op_index": 1}),
               CheckReport("m", 10, 1, {"sample": 0, "op_index": 0})]
    merged = merge_reports("m", shards, reports)
    assert (merged.samples, merged.mismatched_samples) == (30, 3)
    assert merged.first_mismatch == {"sample": 14, "op_index": 1}


def test_sharded_mismatches_equal_the_unsharded_run(hello, broken_code):
    whole = verify_host(hello, {hello.inputs[0]: random_inputs(hello, 40, 3)[hello.inputs[0]]},
                        code_dir=broken_code)
    sharded = verify_in_shards(hello, "host", 40, 3, code_dir=broken_code, shard_size=40)
    assert 0 < whole.mismatched_samples < 40
    assert (sharded.samples, sharded.mismatched_samples) == (40, whole.mismatched_samples)
    assert sharded.first_mismatch == whole.first_mismatch
    # cut in shards of 7: the same as one run over the samples the shards drew
    cut = verify_in_shards(hello, "host", 40, 3, code_dir=broken_code, shard_size=7)
    name = hello.inputs[0]
    drawn = np.concatenate([shard_batch(hello, s, 3, None)[name] for s in plan_shards(0, 40, 7)])
    joined = verify_host(hello, {name: drawn}, code_dir=broken_code)
    assert (cut.samples, cut.mismatched_samples) == (40, joined.mismatched_samples)
    assert cut.first_mismatch == joined.first_mismatch


def test_user_inputs_come_first(hello):
    user = {hello.inputs[0]: np.array([[-128], [0], [127]], dtype=np.int8)}
    report = verify_in_shards(hello, "host", 5, 0, user=user, shard_size=4)
    assert report.ok and report.samples == 8


@pytest.mark.slow  # a local Ray instance and QEMU boots
def test_ray_workers_give_the_serial_report_and_survive_a_killed_worker(hello, broken_code):
    serial = verify_in_shards(hello, "host", 600, 5, code_dir=broken_code, shard_size=100)
    on_ray = verify_in_shards(hello, "host", 600, 5, code_dir=broken_code, shard_size=100,
                              workers=2)
    assert on_ray == serial and serial.mismatched_samples > 0
    # a worker killed while it runs a shard (on QEMU, so that it is caught at work): that
    # shard runs again, and every sample is counted once
    killer = threading.Thread(target=_kill_one_shard_worker, daemon=True)
    killer.start()
    report = verify_in_shards(hello, "qemu:mps2-an386", 1200, 1, shard_size=200, workers=2)
    killer.join(timeout=1)
    assert _killed, "no shard worker was seen at work"
    assert report.ok and report.samples == 1200


_killed: list[int] = []


def _kill_one_shard_worker(deadline: float = 120.0) -> None:
    """SIGKILL the first Ray worker process found running a shard."""
    end = time.monotonic() + deadline
    while time.monotonic() < end and not _killed:
        for pid in (p for p in os.listdir("/proc") if p.isdigit()):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    title = f.read()
            except OSError:
                continue
            if title.startswith(b"ray::_shard_task"):
                os.kill(int(pid), signal.SIGKILL)
                _killed.append(int(pid))
                return
        time.sleep(0.05)


def test_model_verify_in_shards(hello):
    import edgesmith

    report = edgesmith.load(HELLO).verify("host", samples=2_500)  # more than one shard
    assert report.ok and report.samples == 2_500
    with pytest.raises(edgesmith.errors.BadArgumentError, match="host or qemu:BOARD"):
        edgesmith.load(HELLO).verify("hls-csim", samples=3, workers=2)


@pytest.mark.parametrize("args, message", [
    (["--target", "host", "--workers", "0"], "--workers must be at least 1"),
    (["--target", "hls-csim", "--workers", "2"], "shard the samples of host and qemu"),
    (["--target", "host", "--address", "localhost:6379"], "no Ray cluster address"),
])
def test_bad_shard_arguments_exit_2(args, message):
    from typer.testing import CliRunner

    from edgesmith.cli import app

    result = CliRunner().invoke(app, ["verify", str(HELLO), "--samples", "3", *args])
    assert result.exit_code == 2 and message in result.output, result.output

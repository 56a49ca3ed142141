"""`edgesmith tune` on the command line: a host-only search (in a child process, as a user
runs it), and every bad input refused with one message, exit 2, no traceback and nothing
written (in process, CliRunner)."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from edgesmith.cli import app
from tests.helpers.cli_run import cli

GOOD = '[parameters]\nscheme = ["int8"]\npatch = ["none", "auto"]\n[constraints]\nmax_ram = 400\n'


@pytest.fixture
def work(cnn_files, tmp_path, monkeypatch):
    monkeypatch.setenv("EDGESMITH_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    for name in ("model", "x", "y"):
        target = tmp_path / cnn_files[name].name
        target.write_bytes(cnn_files[name].read_bytes())
    (tmp_path / "space.toml").write_text(GOOD)
    return tmp_path


ARGS = ("tune", "model.esm", "-d", "x.npy", "-y", "y.npy", "--runner", "serial")


def run(work, *extra, space="space.toml"):
    return cli(work, *ARGS, "--space", space, *extra)


def refused(*extra, space="bad.toml") -> str:
    """The one message of a refused command (exit 2, no traceback)."""
    result = CliRunner().invoke(app, [*ARGS, "--space", space, *extra])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.output.count("error:") == 1
    return result.output


def test_a_host_search_prints_the_front_and_writes_the_best(work):
    proc = run(work, "--board", "host", "--best", "best", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["trials"] == 2 and out["ran"] == 2
    assert out["best"]["patch"] == "auto" and out["best"]["ram"] <= 400
    assert (work / "tune-results.csv").is_file()
    assert json.loads((work / "best" / "tune.json").read_text())["configuration"]["patch"] == "auto"
    assert list((work / "best" / "model").glob("*.c"))
    again = run(work, "--board", "host", "--best", "best")  # replaces its own earlier --best
    assert again.returncode == 0, again.stderr
    assert "Pareto front" in again.stdout and "0 run now" in again.stdout
    (work / "other").mkdir()
    (work / "other" / "notes.txt").write_text("mine")
    assert "holds other files" in refused("--board", "host", "--best", "other",
                                          space="space.toml")
    assert (work / "other" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("space, extra, message", [
    ('[parameters]\nscheme = ["int9"]\n', (), "choice 'int9' is not one of"),
    ('[parameters\n', (), "not valid TOML"),
    ('[parameters]\nmixed_lambda = {min = 0.0, max = 1.0}\n', (), "--trials"),
    ('[parameters]\nboard = ["host"]\n', ("--board", "host"), "not both"),
    (GOOD, ("--board", "no-such-board"), "is not a board"),
    (GOOD, ("--results", "t.xlsx"), ".csv or .parquet"),
    (GOOD, ("--address", "localhost:1"), "ray://HOST:PORT"),
    (GOOD, ("--runner", "dask"), "choose ray or serial"),
])
def test_a_bad_input_exits_2_with_one_message(work, space, extra, message):
    (work / "bad.toml").write_text(space)
    before = sorted(p.name for p in work.iterdir())
    assert message in refused(*extra)
    assert sorted(p.name for p in work.iterdir()) == before


def test_a_missing_space_a_quantized_model_and_mismatched_labels(work):
    assert "no such file" in refused("--board", "host", space="none.toml")
    quantized = CliRunner().invoke(app, ["quantize", "model.esm", "--calib", "x.npy",
                                           "-o", "q.esm"])
    assert quantized.exit_code == 0, quantized.output
    result = CliRunner().invoke(app, ["tune", "q.esm", "-d", "x.npy", "-y", "y.npy",
                                      "--space", "space.toml", "--board", "host"])
    assert result.exit_code == 2 and "already quantized" in result.output
    np.save(work / "y.npy", np.zeros(3, np.int64))
    assert "--labels hold 3 samples" in refused("--board", "host", space="space.toml")
    assert not (work / "tune-results.csv").exists()

"""The serial runner on a host-only space (no firmware build): every measured number equals
what the Python API computes on its own, results round-trip through CSV and Parquet, a rerun
resumes from the table and a repeated configuration comes from the cache."""

import dataclasses

import numpy as np
import pytest

import edgesmith
from edgesmith.tune import load_space, run_search, run_trial
from edgesmith.tune.cache import config_id, trial_key
from edgesmith.tune.results import COLUMNS, read_results
from edgesmith.tune.space import DEFAULTS, complete

SPACE = {"parameters": {"scheme": ["int8", "subbyte", "fixed"], "weight_bits": [4],
                        "patch": ["none", "auto"], "board": ["host"]},
         "constraints": {"max_ram": 500}}


def api_numbers(files, config):
    """Accuracy of ``config`` and of the float model through edgesmith.load/quantize/evaluate."""
    x, y = np.load(files["x"]), np.load(files["y"])
    m = edgesmith.load(files["model"])
    scheme = {"subbyte": "int8"}.get(config["scheme"], config["scheme"])
    bits = {} if config["scheme"] == "int8" else {"weight_bits": config["weight_bits"],
                                                  "act_bits": config["act_bits"]}
    q = m.quantize(x[:16], scheme, **bits)
    return q.evaluate(x, y)["outputs"][0]["accuracy"], m.evaluate(x, y)["outputs"][0]["accuracy"]


def test_serial_host_search_equals_the_python_api(cnn_files, cnn_inputs, own_cache, tmp_path):
    results = tmp_path / "t.csv"
    result = run_search(load_space(SPACE), cnn_inputs, results=results, runner="serial")
    assert len(result.rows) == 6 and result.ran == 6
    ok = [r for r in result.rows if r["status"] == "ok"]
    assert len(ok) == 4  # sub-byte weights run layer by layer only: 4-bit + patch fails
    assert all("patch-based C code runs int8" in r["status"]
               for r in result.rows if r["status"] != "ok")
    for r in ok:
        accuracy, float_accuracy = api_numbers(cnn_files, r)
        assert r["accuracy"] == accuracy and r["float_accuracy"] == float_accuracy
        assert r["accuracy_drop"] == float_accuracy - accuracy
        assert r["ram"] == r["arena_bytes"] > 0 and r["flash"] is None
    patched = {(r["scheme"], r["patch"]): r["ram"] for r in ok}
    assert patched[("int8", "auto")] < patched[("int8", "none")]
    assert result.best["ram"] <= 500
    assert read_results(results) == result.rows


def test_a_rerun_resumes_and_a_lost_row_is_read_from_the_cache(cnn_inputs, own_cache, tmp_path):
    results = tmp_path / "t.parquet"
    first = run_search(load_space(SPACE), cnn_inputs, results=results, runner="serial")
    again = run_search(load_space(SPACE), cnn_inputs, results=results, runner="serial")
    assert again.ran == 0 and again.rows == first.rows
    # a table that lost a row: the trial runs again, and its result comes from the cache
    rows = read_results(results)
    from edgesmith.tune.results import write_results

    write_results(results, rows[1:])
    stored = sorted(own_cache.rglob("result.json"))
    stamps = [p.stat().st_mtime_ns for p in stored]
    resumed = run_search(load_space(SPACE), cnn_inputs, results=results, runner="serial")
    assert resumed.ran == 1 and resumed.rows == first.rows
    assert [p.stat().st_mtime_ns for p in sorted(own_cache.rglob("result.json"))] == stamps
    assert len(stored) == 6


def test_cache_keys_follow_model_data_and_configuration(cnn_inputs):
    config = complete({"board": "host"})
    key = trial_key(cnn_inputs.model_digest, cnn_inputs.data_digest, config)
    assert key == trial_key(cnn_inputs.model_digest, cnn_inputs.data_digest, dict(config))
    other = [trial_key("0" * 64, cnn_inputs.data_digest, config),
             trial_key(cnn_inputs.model_digest, "0" * 64, config),
             trial_key(cnn_inputs.model_digest, cnn_inputs.data_digest,
                       {**config, "patch": "auto"})]
    assert len({key, *other}) == 4
    labels = cnn_inputs.labels.copy()
    labels[0] += 1
    assert dataclasses.replace(cnn_inputs, labels=labels).data_digest != cnn_inputs.data_digest
    assert config_id(config) == config_id(dict(reversed(list(config.items()))))


def test_a_trial_row_has_every_column(cnn_inputs, own_cache):
    row = run_trial(cnn_inputs, {**DEFAULTS, "board": "host", "strategy": "greedy"})
    assert set(COLUMNS) == set(row) and row["strategy"] == "greedy" and row["status"] == "ok"


@pytest.mark.parametrize("name", ["t.txt", "t"])
def test_a_results_file_must_be_csv_or_parquet(name, tmp_path):
    from edgesmith.errors import BadArgumentError
    from edgesmith.tune.results import check_results_path

    with pytest.raises(BadArgumentError, match=".csv or .parquet"):
        check_results_path(tmp_path / name)


def test_a_quantmcu_trial_equals_quantize_mixed(cnn_files, cnn_inputs, own_cache, tmp_path,
                                                monkeypatch):
    from typer.testing import CliRunner

    from edgesmith.cli import app

    row = run_trial(cnn_inputs, {**DEFAULTS, "board": "host", "patch": "auto",
                                 "mixed_lambda": 0.3, "mixed_percentile": 99.0})
    assert row["status"] == "ok", row["status"]
    monkeypatch.chdir(tmp_path)
    np.save("calib.npy", cnn_inputs.calib)
    made = CliRunner().invoke(app, ["quantize-mixed", str(cnn_files["model"]), "--calib",
                                    "calib.npy", "--patch", "auto", "--accuracy-weight", "0.3",
                                    "--outlier-percentile", "99", "-o", "m.esm"])
    assert made.exit_code == 0, made.output
    x, y = np.load(cnn_files["x"]), np.load(cnn_files["y"])
    assert row["accuracy"] == edgesmith.load("m.esm").evaluate(x, y)["outputs"][0]["accuracy"]
    assert row["ram"] > 0
    refused = run_trial(cnn_inputs, {**DEFAULTS, "board": "host", "scheme": "fixed",
                                     "mixed_lambda": 0.3})
    assert refused["status"] == "failed: QuantMCU mixed precision (mixed_lambda) builds on " \
                                "the int8 scheme, not fixed"


def test_a_table_of_other_data_is_not_resumed_and_other_configurations_stay(cnn_inputs,
                                                                           own_cache, tmp_path):
    from edgesmith.errors import BadArgumentError

    results = tmp_path / "t.csv"
    run_search(load_space(SPACE), cnn_inputs, results=results, runner="serial")
    small = load_space({"parameters": {"scheme": ["int8"], "board": ["host"]}})
    again = run_search(small, cnn_inputs, results=results, runner="serial")
    assert again.ran == 0 and len(again.rows) == 1  # the table keeps all six
    assert len(read_results(results)) == 6
    other = dataclasses.replace(cnn_inputs, calib=cnn_inputs.calib[:8])
    with pytest.raises(BadArgumentError, match="another model, other data"):
        run_search(small, other, results=results, runner="serial")

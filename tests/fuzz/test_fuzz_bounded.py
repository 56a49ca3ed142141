"""A bounded fuzz run in the default suite: every mutant either runs or gets edgesmith's error."""

from __future__ import annotations

import numpy as np
import pytest

from tests.fuzz.runner import OK_OUTCOMES, default_seeds, run_fuzz
from tests.helpers.paths import HLS4ML_MODELS

COUNT = 2000


@pytest.fixture(scope="module")
def esm_seed(tmp_path_factory) -> bytes:
    """An int8 .esm quantized from a shared Keras model, as `quantize` writes it."""
    from edgesmith.frontends import load_model
    from edgesmith.io import save_esm
    from edgesmith.passes import run_pipeline
    from edgesmith.quant import quantize_graph

    graph = run_pipeline(load_model(HLS4ML_MODELS / "KERAS_1layer.json",
                                    weights=HLS4ML_MODELS / "KERAS_1layer_weights.h5"))
    calib = np.random.default_rng(0).uniform(-1, 1, (32, 10)).astype(np.float32)
    path = save_esm(quantize_graph(graph, calib), tmp_path_factory.mktemp("seed") / "seed.esm")
    return path.read_bytes()


def test_bounded_fuzz_run_finds_no_failure(esm_seed):
    seeds = default_seeds(esm_seed)
    result = run_fuzz(seeds, COUNT, seed=15)
    assert sum(result.counts.values()) == COUNT
    assert {kind for kind, _ in result.counts} == {s.kind for s in seeds}
    bad = {key: n for key, n in result.counts.items() if key[1] not in OK_OUTCOMES}
    assert not bad, f"{bad}; first of each: {sorted(result.failures)}"


def test_cli_mutants_exit_0_1_or_2_and_leave_nothing_behind(esm_seed):
    """Mutants through `inspect` and `generate c` (arrays through `simulate`), in process."""
    seeds = default_seeds(esm_seed)
    result = run_fuzz(seeds, 100, seed=16, mode="cli")
    assert sum(result.counts.values()) == 100
    bad = {key: n for key, n in result.counts.items() if key[1] not in OK_OUTCOMES}
    assert not bad, f"{bad}; first of each: {sorted(result.failures)}"
    assert result.counts[("tflite", "ran")] > 0, "no mutant ran: the test would prove nothing"


@pytest.mark.slow
def test_accepted_mutants_run_exactly_as_c(esm_seed):
    """Every accepted mutant (float ones quantized first) as C on the host, against the
    simulator: a wrong acceptance is a failure like an exception."""
    seeds = default_seeds(esm_seed)
    result = run_fuzz(seeds, 90, seed=17, mode="verify", time_limit=60.0)
    bad = {key: n for key, n in result.counts.items() if key[1] not in OK_OUTCOMES}
    assert not bad, f"{bad}; first of each: {sorted(result.failures)}"
    assert result.verified["tflite"] > 0 and result.verified["keras_json"] > 0, result.verified

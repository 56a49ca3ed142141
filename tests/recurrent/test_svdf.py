"""SVDF with persistent state, equal to TFLite Micro bit for bit: integer SVDF with int16
and with int8 state (tiny flatbuffer-built models whose outputs spread over int8, and the
SVDF / FULLY_CONNECTED chain of both shared keyword models), float SVDF; the state kept per
model instance in the simulator and in generated C, reset between sequences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edgesmith.frontends.tflite import load_tflite
from edgesmith.memory import plan_arena
from edgesmith.report.metrics import op_macs
from edgesmith.sim import ModelInstance, simulate_sequences
from edgesmith.verify.host import HostModel, verify_host
from edgesmith.verify.tflm import check_against_tflm, run_tflm

from tests.helpers.paths import SHARED_MODELS
from tests.recurrent.svdf_models import svdf_model
from tests.recurrent.tflite_cut import cut_ops, models_with_op

pytest.importorskip("tflite_micro")

RECURRENT = SHARED_MODELS / "recurrent" / "tflm"
#: the keyword models' ops 1..11: every SVDF and FULLY_CONNECTED between the int16 input's
#: QUANTIZE and the final FULLY_CONNECTED / SOFTMAX (which saturate on scrambled weights)
KEYWORD_CHAIN = (1, 11)


def _keyword_models() -> list[Path]:
    return models_with_op(RECURRENT, "SVDF")


def _cut(path: Path, first: int, last: int, folder: Path) -> Path:
    out = folder / f"{path.stem}_ops{first}-{last}.tflite"
    if not out.exists():
        out.write_bytes(cut_ops(path, first, last))
    return out


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    out, folder = {}, tmp_path_factory.mktemp("svdf")
    for state in ("int16", "int8", "float32"):
        out[state] = folder / f"svdf_{state}.tflite"
        out[state].write_bytes(svdf_model(state))
    return out


def _inputs(graph, samples: int, seed: int = 1) -> np.ndarray:
    width = graph.tensors[graph.inputs[0]].shape[1]
    return np.random.default_rng(seed).integers(-128, 128, (samples, width)).astype(np.int8)


@pytest.mark.parametrize("state", ["int16", "int8"])
def test_integer_svdf_equals_tflm_over_sequences(models, state):
    report = check_against_tflm(models[state], samples=200)
    assert report.samples == 200 and report.mismatched_samples == 0
    # LiteRT's integer SVDF reads state and time weights as int16 whatever their type: it is
    # compared on int16 state only (on int8 state it would read past the tensors)
    assert (report.litert_error is None) == (state == "int16")
    assert report.oracles_differ == 0
    # the check means something: outputs spread, and the state changes them
    graph = load_tflite(models[state])
    x = _inputs(graph, 200, seed=0)
    in_sequences, stateless = run_tflm(models[state], [x], 10)[0], run_tflm(models[state], [x], 1)[0]
    assert len(np.unique(in_sequences)) > 100
    assert (in_sequences != stateless).any(axis=1).sum() > 100
    ours = simulate_sequences(graph, {graph.inputs[0]: x}, 10)[graph.outputs[0]]
    np.testing.assert_array_equal(ours, in_sequences)


def test_both_keyword_models_svdf_chains_equal_tflm(tmp_path):
    models = _keyword_models()
    assert len(models) == 2  # keyword_scrambled (int16 state), keyword_scrambled_8bit (int8)
    bits = set()
    for path in models:
        cut = _cut(path, *KEYWORD_CHAIN, tmp_path)
        graph = load_tflite(cut)
        bits |= {t.dtype for t in graph.state_tensors()}
        assert len(graph.state_tensors()) == 7
        report = check_against_tflm(cut, samples=200)
        assert report.samples == 200 and report.mismatched_samples == 0, report.first_mismatch
    assert bits == {"int16", "int8"}


def test_float_svdf_is_close_to_tflm(models):
    graph = load_tflite(models["float32"])
    x = np.random.default_rng(2).uniform(-3, 3, (60, 8)).astype(np.float32)
    ours = simulate_sequences(graph, {graph.inputs[0]: x}, 10)[graph.outputs[0]]
    theirs = run_tflm(models["float32"], [x], 10)[0]
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    assert np.abs(theirs - run_tflm(models["float32"], [x], 1)[0]).max() > 1.0


def test_instance_state_persists_and_resets_to_the_zero_point(models):
    graph = load_tflite(models["int8"])
    (state,) = graph.state_tensors()
    instance = ModelInstance(graph)
    assert (instance.state[state.name] == 3).all()  # int8 state resets to its zero point
    x = _inputs(graph, 3)
    first = [instance.run(x[k:k + 1])[graph.outputs[0]] for k in range(3)]
    assert not (instance.state[state.name] == 3).all()
    instance.reset()
    again = [instance.run(x[k:k + 1])[graph.outputs[0]] for k in range(3)]
    np.testing.assert_array_equal(np.concatenate(first), np.concatenate(again))


def test_state_is_planned_outside_the_arena(models):
    graph = load_tflite(models["int16"])
    (state,) = graph.state_tensors()
    plan = plan_arena(graph)
    assert state.name not in plan.offsets and plan.state_offsets == {state.name: 0}
    assert plan.state_bytes == 48 and state.nbytes == 48  # 6 filters x 4 memory x int16
    assert plan.ram_bytes == plan.arena_bytes + plan.state_bytes
    assert "48 B of state" in plan.summary()


def test_svdf_macs(models):
    graph = load_tflite(models["int16"])
    assert op_macs(graph, graph.ops[0]) == 6 * 8 + 6 * 4


@pytest.mark.parametrize("state", ["int16", "int8"])
def test_generated_c_keeps_state_like_the_simulator(models, state, tmp_path):
    graph = load_tflite(models[state])
    x = _inputs(graph, 40)
    report = verify_host(graph, x)  # one sequence of 40 steps through one instance
    assert report.samples == 40 and report.mismatched_samples == 0
    from edgesmith.codegen.options import CodeOptions, generate_code

    folder = generate_code(graph, tmp_path / "code", CodeOptions()).folder
    name = graph.name
    assert f"void {name}_reset(void);" in (folder / f"{name}.h").read_text()
    host = HostModel(folder, graph)
    host.sequence_steps = 10  # reset every 10 steps
    np.testing.assert_array_equal(
        host.run({graph.inputs[0]: x})[graph.outputs[0]],
        simulate_sequences(graph, {graph.inputs[0]: x}, 10)[graph.outputs[0]])
    host.sequence_steps = 1  # a reset before every step is not the same model
    assert (host.run({graph.inputs[0]: x})[graph.outputs[0]]
            != simulate_sequences(graph, {graph.inputs[0]: x})[graph.outputs[0]]).any()


def test_generated_c_runs_the_keyword_svdf_chains(tmp_path):
    models = _keyword_models()
    assert len(models) == 2
    for path in models:
        graph = load_tflite(_cut(path, *KEYWORD_CHAIN, tmp_path))
        report = verify_host(graph, _inputs(graph, 30))
        assert report.samples == 30 and report.mismatched_samples == 0


def test_whole_keyword_models_equal_tflm_and_run_as_c():
    """The whole files: int16 input, seven SVDFs, the int16 softmax and its QUANTIZE to the
    int32 output; 200 samples as 20 sequences of 10 steps against TFLite Micro, then the
    generated C over sequences on the host. (Their scrambled weights saturate the final
    layers, so the chain tests above are the ones that exercise the SVDF values.)"""
    from edgesmith.sim.inputs import random_inputs

    models = _keyword_models()
    assert len(models) == 2
    for path in models:
        graph = load_tflite(path)
        assert graph.tensors[graph.inputs[0]].dtype == "int16"
        assert graph.tensors[graph.outputs[0]].dtype == "int32"
        assert graph.ops[-1].type == "quantize"
        report = check_against_tflm(path, samples=200)
        assert report.samples == 200 and report.mismatched_samples == 0, report.first_mismatch
        report = verify_host(graph, random_inputs(graph, 30))
        assert report.samples == 30 and report.mismatched_samples == 0, report.first_mismatch

"""Broken models are refused, never accepted with a wrong meaning."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from edgesmith.errors import EdgesmithError, TfliteStructureError
from edgesmith.frontends.tflite import load_tflite
from edgesmith.memory.lifetimes import TensorGroups
from edgesmith.sim import simulate
from tests.fuzz.flatbuffer_edit import OPERATOR_INPUTS, set_operator_index
from tests.helpers.paths import SHARED_MODELS

HELLO = SHARED_MODELS / "tflm" / "hello_world_int8.tflite"


def test_simulator_checks_shapes_after_the_input_is_freed():
    graph = load_tflite(HELLO)
    assert len(graph.ops) == 3
    # op 1 runs after op 0, the graph input's last reader, has freed it
    graph.tensors[graph.ops[1].outputs[0]].shape = (1, 4)
    x = np.zeros((2, 1), np.int8)
    with pytest.raises(EdgesmithError, match="kernel produced shape"):
        simulate(graph, x)


def test_bias_index_below_minus_one_is_an_error(tmp_path):
    path = tmp_path / "bias.tflite"
    path.write_bytes(set_operator_index(HELLO.read_bytes(), 0, OPERATOR_INPUTS, 2, -2))
    with pytest.raises(TfliteStructureError, match=r"op 0 FULLY_CONNECTED: input tensor index -2"):
        load_tflite(path)


def test_absent_bias_is_still_accepted(tmp_path):
    path = tmp_path / "no_bias.tflite"
    path.write_bytes(set_operator_index(HELLO.read_bytes(), 0, OPERATOR_INPUTS, 2, -1))
    graph = load_tflite(path)
    assert graph.ops[0].inputs[2:] == []


def test_union_find_ends_on_a_name_unequal_to_itself():
    nan = float("nan")
    groups = TensorGroups(["a", nan, "b"])
    done = []
    worker = threading.Thread(target=lambda: done.append(groups.groups()), daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert done, "TensorGroups.groups() did not return"
    assert len(done[0]) == 3

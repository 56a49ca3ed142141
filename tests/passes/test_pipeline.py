"""run_pipeline: the passes in their one written order, on a copy, verified on request."""

from __future__ import annotations

import pytest
from edgesmith.errors import InvalidGraphError
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.passes import GraphPass, run_pipeline
from edgesmith.passes import pipeline as pipeline_module

from tests.helpers.float_run import assert_same_outputs
from tests.helpers.graphs import assert_same_graph
from tests.passes.rewrite_check import bn_params, rand, samples


def conv_bn_relu_dense():
    b = GraphBuilder("net")
    x = b.input("x", (1, 4, 4, 2))
    y = b.op("conv2d", [x, b.const("w", rand(3, 3, 3, 2))], {"pads": (1, 1, 1, 1)}, name="y")
    z = b.op("batch_norm", [y, *bn_params(b, 3)], {"epsilon": 1e-3}, name="z")
    r = b.op("relu", [z], name="r")
    same = b.op("reshape", [r], {"shape": (1, 4, 4, 3)}, name="same")
    flat = b.op("reshape", [same], {"shape": (1, 48)}, name="flat")
    fc = b.op("fully_connected", [flat, b.const("fc_w", rand(5, 48)), b.const("fc_b", rand(5))],
              name="fc")
    return b.finish([b.op("softmax", [fc], {"beta": 1.0}, name="probs")])


def test_steps_are_listed_once_in_order():
    assert [name for name, _ in pipeline_module.PIPELINE] == [
        "constant_fold", "fold_pad", "fold_batch_norm", "fuse_activation", "remove_identity"]
    for name, graph_pass in pipeline_module.PIPELINE:
        assert graph_pass.name == name and graph_pass.__doc__


def test_canonical_form_and_same_values():
    before = conv_bn_relu_dense()
    untouched = before.copy()
    after = run_pipeline(before, verify=True)
    assert_same_graph(before, untouched)
    assert [op.type for op in after.ops] == ["conv2d", "reshape", "fully_connected", "softmax"]
    conv, flat = after.ops[0], after.ops[1]
    assert conv.attrs["activation"] == "relu" and conv.inputs[0] == "x"
    assert flat.inputs == conv.outputs and after.outputs == ["probs"]
    assert_same_outputs(before, after, samples(before))


class BreakShapes(GraphPass):
    """Requires nothing; guarantees a broken graph (a test double)."""

    name = "break_shapes"

    def run(self, graph):
        graph.tensors[graph.outputs[0]].shape = (1, 999)


def test_verify_names_the_step_that_broke_the_graph(monkeypatch):
    steps = list(pipeline_module.PIPELINE)
    steps.insert(2, ("break_shapes", BreakShapes()))
    monkeypatch.setattr(pipeline_module, "PIPELINE", tuple(steps))
    graph = conv_bn_relu_dense()
    with pytest.raises(InvalidGraphError, match="after pass 'break_shapes'"):
        run_pipeline(graph, verify=True)
    assert run_pipeline(graph).tensors["probs"].shape == (1, 999)  # unchecked without verify


def test_an_already_canonical_graph_passes_through():
    b = GraphBuilder("tiny")
    x = b.input("x", (1, 3))
    graph = b.finish([b.op("fully_connected", [x, b.const("w", rand(2, 3))],
                           {"activation": "relu"}, name="y")])
    assert_same_graph(run_pipeline(graph, verify=True), graph)

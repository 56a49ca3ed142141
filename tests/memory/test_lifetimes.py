"""Lifetimes, views and the lower bound, on graphs small enough to count by hand."""

from __future__ import annotations

from edgesmith.ir import AffineFormat
from edgesmith.memory import Lifetime, live_bytes_per_step, lower_bound, tensor_lifetimes

from . import cases
from .graphs import GraphBuilder


def test_chain_lifetimes():
    assert tensor_lifetimes(cases.chain()) == {
        "x": Lifetime("x", 256, 0, 0),
        "t0": Lifetime("t0", 512, 0, 1),
        "t1": Lifetime("t1", 256, 1, 2),
        "t2": Lifetime("t2", 128, 2, 2),
    }


def test_skip_connection_keeps_its_source_alive():
    lifetimes = tensor_lifetimes(cases.resnet_block())
    assert [(lt.first, lt.last) for lt in lifetimes.values()] == [
        (0, 0), (0, 3), (1, 2), (2, 3), (3, 4), (4, 4)]
    # step 2: a + b + c; step 3: a + c + d
    assert live_bytes_per_step(cases.resnet_block()) == [512, 512, 768, 768, 384]


def test_constants_are_not_activations():
    graph = cases.chain()
    assert len(graph.tensors) == 7  # three weight tensors
    assert set(tensor_lifetimes(graph)) == {"x", "t0", "t1", "t2"}


def test_a_view_counts_once():
    # a (128 B) and r = reshape(a) are both live at step 1, as one buffer
    assert live_bytes_per_step(cases.reshape_view()) == [192, 128, 144]
    assert lower_bound(cases.reshape_view()) == 192


def test_inputs_live_from_step_0_and_outputs_to_the_end():
    # y = conv(x1) at step 0 is an output; x2 is read only at step 1; z = add at step 1
    b = GraphBuilder("two_inputs", (1, 2, 2, 4), (1, 2, 2, 4))
    b.conv("x0", "y", 4)
    b.op("add", ["x0", "x1"], "z")
    lifetimes = tensor_lifetimes(b.done("y", "z"))
    assert (lifetimes["x1"].first, lifetimes["x1"].last) == (0, 1)
    assert (lifetimes["y"].first, lifetimes["y"].last) == (0, 1)


def test_an_unread_output_lives_at_its_own_step():
    b = GraphBuilder("dead_end", (1, 16))
    b.fc("x", "unused", 8)
    b.fc("x", "y", 4)
    lifetimes = tensor_lifetimes(b.done("y"))
    assert (lifetimes["unused"].first, lifetimes["unused"].last) == (0, 0)
    assert live_bytes_per_step(b.graph) == [16 + 8, 16 + 4]


def test_sub_byte_tensors_count_packed_bytes():
    graph = cases.chain()
    graph.tensors["t1"].fmt = AffineFormat([0.5], [0], bits=4)  # 256 values of 4 bits
    assert tensor_lifetimes(graph)["t1"].nbytes == 128
    assert live_bytes_per_step(graph) == [768, 640, 256]

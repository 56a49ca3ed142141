import pytest

from edgesmith.errors import InvalidGraphError
from edgesmith.ir import verify_graph

from .graphs import int8_conv_graph


def test_hand_built_graph_is_valid():
    verify_graph(int8_conv_graph())


@pytest.mark.parametrize("break_it, message", [
    (lambda g: g.ops[0].attrs.update(activation="gelu"), "activation"),
    (lambda g: g.ops[0].attrs.update(colour=1), "undeclared attribute"),
    (lambda g: setattr(g.tensors["y"], "shape", (1, 2, 2, 3)), "inputs imply"),
    (lambda g: g.ops.reverse(), "used before it is produced"),
    (lambda g: setattr(g.ops[0], "type", "conv9d"), "unknown op type"),
    (lambda g: g.ops[1].attrs.pop("shape"), "missing required attribute"),
    (lambda g: setattr(g.tensors["x"], "dtype", "uint8"), "format stores int8"),
    (lambda g: g.outputs.append("nowhere"), "not a tensor"),
])
def test_verifier_names_the_problem(break_it, message):
    g = int8_conv_graph()
    break_it(g)
    with pytest.raises(InvalidGraphError, match=message):
        verify_graph(g)

"""--precision LAYER=fixed<W,I,Q,O>: parsing, clear errors, and what an override changes."""

import numpy as np
import pytest

from edgesmith.errors import EdgesmithError
from edgesmith.ir import FixedFormat
from edgesmith.quant import quantize_graph
from edgesmith.quant.overrides import parse_precision, split_assignments

from .graphs import dense_pool_chain

CALIB = np.random.default_rng(0).normal(size=(32, 4, 4, 2)).astype(np.float32)


def test_layers_by_output_name_or_index_and_parts():
    g = dense_pool_chain()
    o = parse_precision(g, {"c": "fixed<8,3>", "3:weight": "fixed<6,0,RND_CONV,SAT>",
                            "y.bias": "fixed<20,8>", "0:acc": "fixed<24,8>",
                            "*": "fixed<12,4,TRN,WRAP>"})
    assert o.get("output", "c") == FixedFormat(8, 3, rounding="RND", overflow="SAT")
    assert o.get("weight", "y") == FixedFormat(6, 0, rounding="RND_CONV", overflow="SAT")
    assert o.get("bias", "y") == FixedFormat(20, 8, rounding="RND", overflow="SAT")
    assert o.get("acc", "c") == FixedFormat(24, 8, rounding="RND", overflow="SAT")
    assert o.default == FixedFormat(12, 4, rounding="TRN", overflow="WRAP")
    # a rounding mode alone keeps it and takes the default overflow
    assert parse_precision(g, {"1": "fixed<8,3,TRN>"}).get("output", "p") == \
        FixedFormat(8, 3, rounding="TRN", overflow="SAT")


@pytest.mark.parametrize("items,message", [
    (["c"], "expected LAYER=fixed<W,I"),
    (["=fixed<8,3>"], "expected LAYER=fixed<W,I"),
    (["c=fixed<8,3>", "c=fixed<9,3>"], "given twice"),
])
def test_assignment_syntax_errors(items, message):
    with pytest.raises(EdgesmithError, match=message):
        split_assignments(items)


@pytest.mark.parametrize("key,value,message", [
    ("nosuch", "fixed<8,3>", r"no op has this output tensor or index \(0\.\.3\); op outputs: c, p"),
    ("9", "fixed<8,3>", "no op has this output tensor or index"),
    ("c", "fixed<8>", r"expected <W, I\[, Q\[, O\[, N\]\]\]>"),
    ("c", "float16", "not a fixed-point type"),
    ("c", "fixed<8,3,RND,WRAP_SM>", "WRAP_SM is not supported"),
    ("c", "fixed<40,3>", "1 to 32 bits"),
    ("c", "fixed<8,3,ROUND>", "unknown rounding mode 'ROUND'"),
    ("p:weight", "fixed<8,3>", r"op 1 \(max_pool2d\) has no weight"),
])
def test_override_errors_name_the_problem(key, value, message):
    with pytest.raises(EdgesmithError, match=message):
        parse_precision(dense_pool_chain(), {key: value})


def test_override_applies_to_the_share_group_and_other_schemes_refuse_it():
    g = dense_pool_chain()
    q = quantize_graph(g, CALIB, scheme="fixed", precision={"1": "fixed<10,3,RND_INF,SAT_SYM>"})
    wanted = FixedFormat(10, 3, rounding="RND_INF", overflow="SAT_SYM")
    # conv output, pool output and reshape output share one format
    assert q.tensors["c"].fmt == q.tensors["p"].fmt == q.tensors["r"].fmt == wanted
    assert q.tensors["x"].fmt == FixedFormat(16, q.tensors["x"].fmt.integer_bits,
                                             rounding="RND", overflow="SAT")
    with pytest.raises(EdgesmithError, match="applies to --scheme fixed and pow2"):
        quantize_graph(g, CALIB, scheme="int8", precision={"1": "fixed<10,3>"})


def test_uniform_type_for_activations_weights_and_biases():
    q = quantize_graph(dense_pool_chain(), CALIB, scheme="fixed", precision={"*": "fixed<16,6>"})
    uniform = FixedFormat(16, 6, rounding="RND", overflow="SAT")
    for name in ("x", "c", "p", "r", "y", *q.ops[0].inputs[1:], q.ops[3].inputs[1]):
        assert q.tensors[name].fmt == uniform, name

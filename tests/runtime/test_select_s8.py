"""es_maximum_s8 and es_minimum_s8 (broadcasting, a constant operand, the int8 extremes)
against the golden simulator; a format the inputs do not share is refused by name."""

import numpy as np
import pytest

from edgesmith.errors import UnsupportedError

from .harness import fmt, random_int8, runtime, single_op

BROADCASTS = [((1, 4, 5, 3), (1, 4, 5, 3)), ((1, 4, 5, 3), (1, 1, 1, 3)),
              ((1, 4, 1, 3), (1, 1, 5, 1)), ((1, 7), (1, 7)), ((1, 6, 2), (1, 1, 2))]


def _c_run(case, kernel=None) -> np.ndarray:
    """The broadcast binary kernel of ``case`` sample by sample (``kernel``: its call on
    input1_dims, input1, input2_dims, input2, output_dims, output)."""
    rt = runtime()
    kernel = kernel or rt.kernel(case.c_params())
    a_batch, b_tensor, b_value = case.value(0), case.tensor(1), case.value(1)
    out = np.zeros((a_batch.shape[0],) + tuple(case.output.shape[1:]), np.int8)
    for i in range(a_batch.shape[0]):
        a = np.ascontiguousarray(a_batch[i:i + 1])
        b = b_value if b_tensor.is_const else np.ascontiguousarray(b_value[i:i + 1])
        o = out[i:i + 1]
        rt.ok(kernel(rt.dims(a.shape), rt.ptr("int8_t", a), rt.dims(b.shape),
                     rt.ptr("int8_t", b), rt.dims(o.shape), rt.ptr("int8_t", o)))
    return out


@pytest.mark.parametrize("op_type", ["maximum", "minimum"])
@pytest.mark.parametrize("shapes", BROADCASTS, ids=str)
@pytest.mark.parametrize("const_b", [False, True])
def test_select_equals_the_simulator(op_type, shapes, const_b):
    rng = np.random.default_rng(len(shapes[1]) * 7 + const_b)
    f = fmt(0.05, -3)
    a = random_int8(rng, (5,) + shapes[0][1:], extremes=True)
    b = random_int8(rng, shapes[1][1:] if const_b else (5,) + shapes[1][1:], extremes=True)
    case = single_op(op_type, [(a, f, False), (b, f, const_b)], f)
    golden = case.golden()
    pick = np.maximum if op_type == "maximum" else np.minimum
    np.testing.assert_array_equal(golden, pick(a, b))
    np.testing.assert_array_equal(_c_run(case), golden)


def test_inputs_in_different_formats_are_refused():
    a = np.zeros((1, 4), np.int8)
    case = single_op("maximum", [(a, fmt(0.05, 0), False), (a, fmt(0.1, 0), False)],
                     fmt(0.05, 0))
    with pytest.raises(UnsupportedError, match="maximum needs every input in the output format"):
        case.golden()

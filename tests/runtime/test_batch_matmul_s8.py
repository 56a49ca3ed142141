"""es_batch_matmul_s8 against the golden simulator: adj_x / adj_y, broadcast batches,
random formats and the int8 extremes."""

import numpy as np
import pytest

from edgesmith.codegen.c_params import dims

from .harness import fmt, random_int8, random_scale, random_zero_point, single_op

SHAPES = [((1, 2, 3, 4), (1, 2, 4, 5)), ((1, 3, 2, 6), (1, 1, 6, 2)), ((1, 5, 7), (1, 7, 1)),
          ((1, 1, 1, 9), (1, 4, 9, 3))]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("adj_x,adj_y", [(False, False), (True, False), (False, True),
                                         (True, True)])
def test_batch_matmul_equals_the_simulator(rt, shapes, adj_x, adj_y):
    rng = np.random.default_rng(len(shapes[0]) + 2 * adj_x + adj_y)
    sa, sb = (list(s) for s in shapes)
    if adj_x:
        sa[-1], sa[-2] = sa[-2], sa[-1]
    if adj_y:
        sb[-1], sb[-2] = sb[-2], sb[-1]
    a = random_int8(rng, (4, *sa[1:]), extremes=True)
    b = random_int8(rng, (4, *sb[1:]), extremes=True)
    a[0], b[0], a[1], b[1] = -128, -128, 127, -128
    formats = [fmt(random_scale(rng, 1e-2, 1.0), random_zero_point(rng)) for _ in range(3)]
    case = single_op("batch_matmul", [(a, formats[0], False), (b, formats[1], False)],
                     formats[2], {"adj_x": adj_x, "adj_y": adj_y})
    golden = case.golden()
    params = rt.struct(case.c_params().args["params"])
    for i in range(4):
        x, y = np.ascontiguousarray(a[i:i + 1]), np.ascontiguousarray(b[i:i + 1])
        out = np.zeros((1, *golden.shape[1:]), np.int8)
        rt.ok(rt.lib.es_batch_matmul_s8(params, rt.new("es_dims *", dims(x.shape)),
                                        rt.ptr("int8_t", x), rt.new("es_dims *", dims(y.shape)),
                                        rt.ptr("int8_t", y), rt.new("es_dims *", dims(out.shape)),
                                        rt.ptr("int8_t", out)))
        np.testing.assert_array_equal(out, golden[i:i + 1])

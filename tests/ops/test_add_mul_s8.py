"""add and mul (int8), with broadcasting and fused activations, against LiteRT."""

import numpy as np
import pytest
from edgesmith.arith.params import AddParams, compute_params
from hypothesis import given
from hypothesis import strategies as st

from tests.ops.oracle import assert_bit_exact, random_int8
from tests.ops.strategies import EDGE_FORMATS, activations, op_settings, scales, zero_points
from tests.ops.tflite_writer import T, single_op

OPTIONS = {"ADD": "AddOptions", "MUL": "MulOptions"}


def binary_model(op, a_shape, b_shape, out_shape, a_fmt, b_fmt, out_fmt, activation=0,
                 b_data=None):
    (za, sa), (zb, sb), (zo, so) = a_fmt, b_fmt, out_fmt
    return single_op(op, [T(a_shape, scale=[sa], zero_point=[za]),
                          T(b_shape, scale=[sb], zero_point=[zb], data=b_data)],
                     [T(out_shape, scale=[so], zero_point=[zo])],
                     (OPTIONS[op], {"FusedActivationFunction": activation}))


FORMATS = [((0, 0.05), (3, 0.02), (-5, 0.06)),
           ((-128, 0.1), (127, 0.1), (0, 0.2)),
           (EDGE_FORMATS[0], EDGE_FORMATS[1], EDGE_FORMATS[3]),
           ((10, 0.9), (-10, 0.001), (2, 1.5))]


@pytest.mark.parametrize("op", ["ADD", "MUL"])
@pytest.mark.parametrize("formats", FORMATS)
@pytest.mark.parametrize("activation", [0, 1, 2, 3])
def test_same_shape_inputs(tmp_path, op, formats, activation):
    rng = np.random.default_rng(7)
    shape = (1, 4, 5, 3)
    model = binary_model(op, shape, shape, shape, *formats, activation=activation)
    a, b = random_int8(rng, (9, *shape[1:])), random_int8(rng, (9, *shape[1:]))
    b[2] = -128  # one sample with opposite extremes on both sides
    assert_bit_exact(model, [a, b], tmp_path)


@pytest.mark.parametrize("op", ["ADD", "MUL"])
@pytest.mark.parametrize("b_shape", [(1, 1, 1, 3), (1, 1, 5, 1), (3,)])
def test_broadcast_constant_operand(tmp_path, op, b_shape):
    rng = np.random.default_rng(8)
    shape = (1, 4, 5, 3)
    model = binary_model(op, shape, b_shape, shape, *FORMATS[0],
                         b_data=rng.integers(-128, 128, size=b_shape).astype(np.int8))
    assert_bit_exact(model, random_int8(rng, (6, *shape[1:])), tmp_path)


def test_add_params_use_twenty_bits_of_headroom(tmp_path):
    from edgesmith.frontends.tflite import load_tflite

    path = tmp_path / "add.tflite"
    shape = (1, 2)
    path.write_bytes(binary_model("ADD", shape, shape, shape, *FORMATS[0]))
    graph = load_tflite(path)
    p = compute_params(graph.ops[0], graph)
    assert isinstance(p, AddParams) and p.left_shift == 20
    # the larger input scale maps to exactly one half
    assert (p.input1_multiplier, p.input1_shift) == (1 << 30, 0)


@op_settings
@given(data=st.data(), op=st.sampled_from(["ADD", "MUL"]), za=zero_points, sa=scales,
       zb=zero_points, sb=scales, zo=zero_points, so=scales, activation=activations)
def test_random_formats(tmp_path, data, op, za, sa, zb, sb, zo, so, activation):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    shape = (1, data.draw(st.integers(1, 6)), data.draw(st.integers(1, 6)))
    model = binary_model(op, shape, shape, shape, (za, sa), (zb, sb), (zo, so), activation)
    assert_bit_exact(model, [random_int8(rng, (4, *shape[1:])),
                             random_int8(rng, (4, *shape[1:]))], tmp_path)

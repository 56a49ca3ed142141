"""edgesmith.codegen.c_params: exact C text of parameter values, and its refusals."""

import numpy as np
import pytest

from edgesmith.codegen.c_params import (CArray, CSymbol, as_dims4, c_array_lines, c_initializer,
                                        c_int, c_struct_lines, exact_scale, kernel_params)
from edgesmith.errors import UnsupportedError
from edgesmith.ir import AffineFormat, Graph, Op, Tensor


@pytest.mark.parametrize("value, text", [
    (0, "0"), (-128, "-128"), (2147483647, "2147483647"), (-2147483647, "-2147483647"),
    (-2147483648, "INT32_MIN"), (1 << 52, "INT64_C(4503599627370496)"),
    (-(1 << 63), "INT64_MIN"), (np.int32(-5), "-5"),
])
def test_integers_are_exact_c_constants(value, text):
    assert c_int(value) == text


def test_struct_initializers_nest_and_name_their_arrays():
    fields = {"stage": CSymbol("ES_OUTPUT_STAGE_Q31"), "multiplier": CSymbol("op3_mult"),
              "scale": None, "activation": {"min": -128, "max": 127}}
    assert c_struct_lines(fields) == [
        ".stage = ES_OUTPUT_STAGE_Q31,", ".multiplier = op3_mult,", ".scale = NULL,",
        ".activation = {.min = -128, .max = 127},"]
    with pytest.raises(TypeError):
        c_initializer(CArray("int32_t", (1, 2)))


def test_array_lines_hold_every_value_once():
    values = np.arange(-128, 128, dtype=np.int8)
    lines = c_array_lines(values, per_line=16)
    assert len(lines) == 16 and all(line.endswith(",") for line in lines)
    parsed = [int(v) for line in lines for v in line.rstrip(",").split(", ")]
    assert parsed == list(range(-128, 128))


def test_exact_scale_is_the_double_exactly():
    for real in (1.0, 0.1, 2.0 ** -40, 123456.789):
        s = exact_scale(real)
        assert s["mantissa"] * 2.0 ** s["exponent"] == real
        assert 1 << 52 <= s["mantissa"] < 1 << 53


def test_rank_above_four_is_refused():
    assert as_dims4((1, 7)) == (1, 1, 1, 7)
    with pytest.raises(UnsupportedError, match="rank <= 4"):
        as_dims4((1, 2, 3, 4, 5))


def _graph(op_type, in_fmt, out_fmt, out_dtype="int8"):
    g = Graph("g")
    g.add_tensor(Tensor("x", (1, 4), "int8" if in_fmt else "float32", in_fmt))
    g.add_tensor(Tensor("y", (1, 4), out_dtype, out_fmt))
    g.add_op(Op(op_type, ["x"], ["y"], origin=f"test {op_type}"))
    g.inputs, g.outputs = ["x"], ["y"]
    return g


def test_ops_without_c_kernels_are_refused_by_name():
    f = AffineFormat([0.1], [0])
    g = _graph("batch_norm", f, f)
    with pytest.raises(UnsupportedError, match="test batch_norm.*no kernel"):
        kernel_params(g.ops[0], g)


def test_float_edges_call_their_conversion_kernels():
    f = AffineFormat([0.1], [3])
    g = _graph("dequantize", f, None, "float32")
    kp = kernel_params(g.ops[0], g)
    assert kp.kernel == "es_dequantize_s8_f32"
    assert kp.args["params"].fields == {"scale": np.float32(0.1), "zero_point": 3}
    g = _graph("quantize", None, f)
    kp = kernel_params(g.ops[0], g)
    assert kp.kernel == "es_quantize_f32_s8"
    assert c_initializer(kp.args["params"].fields["scale"]) == "0x1.99999a0000000p-4f"
    assert kp.args["params"].fields["activation"] == {"min": -128, "max": 127}


def test_a_view_of_a_constant_is_refused(tmp_path):
    from edgesmith.codegen import generate_c

    g = Graph("const_view")
    f = AffineFormat([0.1], [0])
    g.add_tensor(Tensor("x", (1, 4), "int8", f))
    c = g.add_const("c", np.arange(4, dtype=np.int8).reshape(2, 2), f)
    g.add_tensor(Tensor("v", (1, 4), "int8", f))
    g.add_tensor(Tensor("y", (1, 4), "int8", f))
    g.add_op(Op("reshape", [c.name], ["v"], {"shape": (1, 4)}, origin="test reshape"))
    g.add_op(Op("add", ["x", "v"], ["y"], origin="test add"))
    g.inputs, g.outputs = ["x"], ["y"]
    with pytest.raises(UnsupportedError, match="test reshape: reshape of the constant"):
        generate_c(g, tmp_path / "out")
    assert not (tmp_path / "out").exists()

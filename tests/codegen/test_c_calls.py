"""Kernel calls rendered from their prototypes in es_nn.h (codegen/c_calls)."""

import numpy as np
import pytest

from edgesmith.codegen.c_kernel_sets import KERNEL_SETS
from edgesmith.codegen import build_c_model
from edgesmith.codegen.c_calls import (ArenaPointer, CObject, KernelCallError, call_values,
                                       op_tensors, render_call, variant)
from edgesmith.kernels.c_prototypes import parse_prototypes, prototype
from edgesmith.codegen.c_values import CArray, CStruct
from edgesmith.ir import Op

from tests.codegen.test_ops_host import elementwise_chain
from tests.runtime.harness import fmt, random_int8, single_op

ADD = ("es_status es_add_s8(const es_add_params *params, const es_dims *input1_dims, "
       "const int8_t *input1, const es_dims *input2_dims, const int8_t *input2, "
       "const es_dims *output_dims, int8_t *output);")
ADD_ARGS = {"params": CObject("p"), "input1_dims": CObject("d1"), "input1": ArenaPointer("&arena[0]"),
            "input2_dims": CObject("d2"), "input2": "w", "output_dims": CObject("do"),
            "output": ArenaPointer("&arena[16]")}


def one_line(call: str) -> str:
    return " ".join(call.split())


def test_a_call_follows_its_prototype():
    call = render_call(parse_prototypes(ADD)["es_add_s8"], ADD_ARGS)
    assert one_line(call) == "es_add_s8(&p, &d1, &arena[0], &d2, w, &do, &arena[16])"
    assert call == render_call("es_add_s8", ADD_ARGS)  # the runtime's header says the same


def test_a_prototype_change_changes_the_call():
    swapped = ADD.replace("const es_dims *input1_dims, const int8_t *input1, ",
                          "").replace("int8_t *output)", "int8_t *output, "
                                      "const es_dims *input1_dims, const int8_t *input1)")
    call = render_call(parse_prototypes(swapped)["es_add_s8"], ADD_ARGS)
    assert one_line(call) == "es_add_s8(&p, &d2, w, &do, &arena[16], &d1, &arena[0])"
    wider = ADD.replace("int8_t *", "int32_t *")  # raw int32 tensors: arena pointers are cast
    call = render_call(parse_prototypes(wider)["es_add_s8"], ADD_ARGS)
    assert one_line(call) == ("es_add_s8(&p, &d1, (const int32_t *)&arena[0], &d2, w, &do, "
                              "(int32_t *)&arena[16])")


def test_a_role_the_prototype_lacks_is_an_error():
    with pytest.raises(KernelCallError, match=r"es_add_s8 has no parameter 'input3'; its "
                                              r"prototype in es_nn.h is es_status es_add_s8\("):
        render_call("es_add_s8", {**ADD_ARGS, "input3": "x"})
    renamed = ADD.replace("*input2,", "*other,")
    with pytest.raises(KernelCallError, match="es_add_s8 has no parameter 'input2'"):
        render_call(parse_prototypes(renamed)["es_add_s8"], ADD_ARGS)
    with pytest.raises(KernelCallError, match=r"no argument for 'output' \(int8_t \*\) of "
                                              "es_add_s8"):
        render_call("es_add_s8", {k: v for k, v in ADD_ARGS.items() if k != "output"})
    with pytest.raises(KernelCallError, match=r"size \(int32_t\) takes no struct"):
        render_call("es_relu_s8", {"params": CObject("p"), "size": CObject("n"),
                                   "input": "a", "output": "b"})


def test_ctx_is_null_and_long_calls_break_between_arguments():
    args = {name: name for name in prototype("es_conv2d_s4").names if name != "ctx"}
    call = render_call("es_conv2d_s4", args)
    lines = call.split("\n")
    assert lines[0].startswith("es_conv2d_s4(NULL, params, quant, packing,")
    assert len(lines) == 2 and lines[1].startswith(" " * 8) and lines[1].endswith("output)")
    assert all(13 + len(line) <= 100 for line in lines)


def test_values_give_each_role_its_tensor_shape():
    rng = np.random.default_rng(3)
    x = (random_int8(rng, (2, 4, 1, 3)), fmt(0.05, 3), False)
    b = (random_int8(rng, (1, 1, 5, 1)), fmt(0.1, -2), True)
    graph = single_op("mul", [x, b], fmt(0.02, 0)).graph
    kernel, values = call_values(graph.ops[0], graph)
    assert kernel == "es_mul_s8"
    assert sorted(values) == ["input1_dims", "input2_dims", "output_dims", "params"]
    shapes = [values[f"{r}_dims"].fields for r in ("input1", "input2", "output")]
    assert shapes == [dict(n=1, h=4, w=1, c=3), dict(n=1, h=1, w=5, c=1),
                      dict(n=1, h=4, w=5, c=3)]


def test_a_pointer_array_takes_every_input_and_its_shapes():
    rng = np.random.default_rng(4)
    parts = [(random_int8(rng, (2, 3, c)), fmt(0.05, 3), False) for c in (2, 5, 1)]
    graph = single_op("concat", parts, fmt(0.05, 3), {"axis": -1}).graph
    op = graph.ops[0]
    kernel, values = call_values(op, graph)
    assert kernel == "es_concat_s8"
    assert op_tensors(op, prototype(kernel), values) == {"inputs": tuple(op.inputs), "output": "y"}
    shapes = values["input_dims"]
    assert isinstance(shapes, CArray) and [d["c"] for d in shapes.values] == [2, 5, 1]
    assert isinstance(values["output_dims"], CStruct) and values["output_dims"].fields["c"] == 8


def test_a_table_is_a_value_and_the_op_input_the_tensor():
    rng = np.random.default_rng(5)
    graph = single_op("logistic", [(random_int8(rng, (2, 16)), fmt(0.05, 3), False)],
                      fmt(1 / 256, -128)).graph
    kernel, values = call_values(graph.ops[0], graph)
    assert kernel == "es_logistic_s8" and sorted(values) == ["size", "table"]
    assert op_tensors(graph.ops[0], prototype(kernel), values) == {"input": "x0", "output": "y"}


def test_an_op_with_more_inputs_than_its_kernel_takes_is_an_error():
    op = Op("relu", ["a", "b"], ["y"], {})
    with pytest.raises(KernelCallError, match=r"relu has 2 inputs but es_relu_s8 takes 1 "
                                              r"tensors \(input\)"):
        op_tensors(op, prototype("es_relu_s8"), {"params", "size"})


@pytest.mark.parametrize("inplace", [True, False])
@pytest.mark.parametrize("optimize, kernel", [("size", "es_depthwise_conv2d_s8"),
                                              ("speed", "es_depthwise_conv2d_s8_w16")])
def test_the_in_place_variant_is_chosen_in_python_with_its_own_prototype(inplace, optimize,
                                                                         kernel):
    # on int8 weights, or on the fast set's per-channel table (codegen.c_layouts_dw)
    graph, _ = elementwise_chain()
    model = build_c_model(graph, inplace=inplace, optimize=optimize)
    depthwise = [s for s in model.steps if s.op_type == "depthwise_conv2d"]
    expected = f"{kernel}_inplace" if inplace else kernel
    assert [s.kernel for s in depthwise] == [expected] * 2
    data = prototype(expected).names.index("input")  # the buffer it reads (and writes)
    for step in depthwise:
        record = next((r for r in model.plan.inplace_ops if r.op_index == step.index), None)
        args = one_line(step.call).removeprefix(f"{expected}(").removesuffix(")").split(", ")
        assert len(args) == len(prototype(expected).params) and args[0] == "NULL"
        if inplace:  # input is the output's buffer, then the scratch buffer
            assert args[data] == step.output == f"&arena[{model.plan.offsets[record.input]}]"
            assert args[-1] == f"&arena[{model.plan.offsets[record.scratch]}]"
        else:
            assert record is None and args[-1] == step.output
    folder = KERNEL_SETS[model.kernel_set]
    assert f"runtime/kernels/{folder}/{kernel}.c" in model.kernel_sources


def test_a_variant_the_header_lacks_is_an_error():
    assert variant("es_depthwise_conv2d_s8", "_inplace") == "es_depthwise_conv2d_s8_inplace"
    with pytest.raises(KernelCallError, match="es_nn.h declares no es_depthwise_conv2d_fx_inplace"):
        variant("es_depthwise_conv2d_fx", "_inplace")

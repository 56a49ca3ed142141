"""QDQ models made by onnxruntime's static quantizer, one op each: imported with their own
parameters, the simulator against onnxruntime on 200 random inputs (equal bit for bit where
its integer result does not depend on its CPU path, else within the documented units), and
the C code against the simulator."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.errors import UnsupportedError
from edgesmith.frontends import load_model
from edgesmith.verify.host import verify_host
from edgesmith.verify.onnxruntime import check_against_onnxruntime
from edgesmith.verify.onnxruntime_ops import QDQ_UNITS
from tests.helpers.converter import edge_int8
from tests.helpers.onnx_graphs import OnnxNet
from tests.helpers.onnx_qdq import quantize_qdq

IMAGE = (1, 4, 8, 8)


def _split_relu_concat(n):  # the quantizer drops the Relu: the zero point clamps
    a, b = n.node("Split", [n.x, n.constant([1, 3])], n_out=2, axis=1)
    return n.node("Concat", [n.node("Relu", [b]), a], axis=1)


def _after_conv(op, **attrs):
    """``op`` on a Conv's output: onnxruntime's quantizer leaves a model of data movement
    alone float, so these ops follow a Conv (whose own bound is one unit)."""
    return lambda n: n.node(op, [n.conv(n.x, 4, 4, k=1), *attrs.pop("extra", lambda n: [])(n)],
                            **attrs)


#: op -> (model, the IR ops that may differ from onnxruntime by one unit on its inputs;
#: none: bit for bit)
CASES = {
    "Conv": (lambda n: n.conv(n.x, 4, 6, pads=[1, 1, 1, 1]), {"conv2d"}),
    "Conv_depthwise": (lambda n: n.conv(n.x, 4, 8, group=4, pads=[1, 1, 1, 1]),
                       {"depthwise_conv2d"}),
    "Conv_relu": (lambda n: n.node("Relu", [n.conv(n.x, 4, 6, strides=[2, 2])]), {"conv2d"}),
    "Gemm": (lambda n: n.gemm(n.node("Flatten", [n.x]), 4 * 8 * 8, 5), set()),
    "MatMul": (lambda n: n.node("MatMul", [n.node("Flatten", [n.x]), n.weight(256, 5)]),
               set()),
    "Add": (lambda n: n.node("Add", [n.x, n.node("Pad", [n.x, n.constant([0] * 8)])]), set()),
    "Mul": (lambda n: n.node("Mul", [n.x, n.x]), {"mul"}),
    "MaxPool": (_after_conv("MaxPool", kernel_shape=[2, 2], strides=[2, 2]), {"conv2d"}),
    "AveragePool": (_after_conv("AveragePool", kernel_shape=[2, 2], strides=[2, 2]),
                    {"conv2d", "avg_pool2d"}),
    "GlobalAveragePool": (_after_conv("GlobalAveragePool"), {"conv2d", "mean"}),
    "Resize": (_after_conv("Resize", extra=lambda n: ["", n.init([1, 1, 2, 2])],
                           mode="nearest", coordinate_transformation_mode="asymmetric",
                           nearest_mode="floor"), {"conv2d"}),
    "Pad": (lambda n: n.node("Pad", [n.x, n.constant([0, 0, 1, 1, 0, 0, 1, 1])]), set()),
    "Flatten": (_after_conv("Flatten"), {"conv2d"}),
    "Split_Relu_Concat": (_split_relu_concat, set()),
    "Sigmoid": (lambda n: n.node("Sigmoid", [n.x]), {"logistic", "quantize"}),
    "Softmax": (lambda n: n.node("Softmax", [n.node("Flatten", [n.x])], axis=1),
                {"softmax", "quantize"}),
}


@pytest.fixture(scope="module")
def calib():
    return np.random.default_rng(0).uniform(-1, 1, (16, *IMAGE[1:])).astype(np.float32)


def _qdq(tmp_path, build, calib, name="m"):
    n = OnnxNet(IMAGE)
    path = n.save(tmp_path / f"{name}.onnx", build(n))
    return quantize_qdq(path, tmp_path / f"{name}_qdq.onnx", calib)


def _differing_ops(report) -> set[str]:
    return {key.split()[1] for key in report.op_units}


@pytest.mark.parametrize("case", sorted(CASES))
def test_qdq_model_equals_onnxruntime_op_by_op(case, tmp_path, calib):
    build, may_differ = CASES[case]
    path = _qdq(tmp_path, build, calib)
    assert load_model(path).is_quantized()
    report = check_against_onnxruntime(path, samples=200)
    assert report.samples == 200 and report.ok, report
    assert _differing_ops(report) <= may_differ, report
    assert all(units <= QDQ_UNITS for units in report.op_units.values()), report
    if not may_differ:
        assert report.exact_samples == 200 and report.max_units == 0, report


def test_per_tensor_weights_import_as_one_scale(tmp_path, calib):
    n = OnnxNet(IMAGE)
    path = n.save(tmp_path / "m.onnx", n.conv(n.x, 4, 6, pads=[1, 1, 1, 1]))
    path = quantize_qdq(path, tmp_path / "m_qdq.onnx", calib, per_channel=False)
    graph = load_model(path)
    conv = next(op for op in graph.ops if op.type == "conv2d")
    assert graph.tensors[conv.inputs[1]].fmt.scale.size == 1
    report = check_against_onnxruntime(path, samples=200)
    assert report.ok and _differing_ops(report) <= {"conv2d"}, report


def test_qdq_weights_are_the_models_own_integers(tmp_path, calib):
    import onnx
    from onnx import numpy_helper

    path = _qdq(tmp_path, CASES["Conv"][0], calib)
    ints = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    weights = next(v for k, v in ints.items() if v.dtype == np.int8 and v.ndim == 4)
    graph = load_model(path)
    conv = next(op for op in graph.ops if op.type == "conv2d")
    w = graph.tensors[conv.inputs[1]]
    np.testing.assert_array_equal(w.data, weights.transpose(0, 2, 3, 1))
    scale = next(v for k, v in ints.items() if v.dtype == np.float32 and v.shape == (6,))
    np.testing.assert_array_equal(w.fmt.scale, scale)


def _requantizing_net(n):
    """Conv, a Split whose Relu the quantizer drops, a Concat of differently quantized
    inputs, and a Softmax in the model's format: requantize ops in the IR."""
    a, b = n.node("Split", [n.conv(n.x, 4, 6, pads=[1, 1, 1, 1]), n.constant([2, 4])],
                  n_out=2, axis=1)
    y = n.node("Concat", [n.node("Relu", [b]), a], axis=1)
    y = n.node("MaxPool", [y], kernel_shape=[2, 2], strides=[2, 2])
    return n.node("Softmax", [n.gemm(n.node("Flatten", [y]), 6 * 4 * 4, 3)], axis=1)


@pytest.fixture(scope="module")
def requantizing(tmp_path_factory, calib):
    graph = load_model(_qdq(tmp_path_factory.mktemp("qdq"), _requantizing_net, calib))
    assert graph.meta["onnx_requantize_ops"] >= 3
    assert [op.type for op in graph.ops].count("quantize") == graph.meta["onnx_requantize_ops"]
    return graph


def test_qdq_model_runs_as_c_equal_to_the_simulator(requantizing):
    graph = requantizing
    report = verify_host(graph, edge_int8(graph.tensors["input"].shape[1:], samples=16))
    assert report.samples == 16 and report.ok, report.first_mismatch


def test_a_chain_is_checked_op_by_op_and_names_the_ops_that_differ(tmp_path, calib):
    report = check_against_onnxruntime(_qdq(tmp_path, _requantizing_net, calib), samples=200)
    assert report.samples == 200 and report.ok, report
    assert "conv2d" in _differing_ops(report) <= {"conv2d", "softmax", "quantize"}, report


@pytest.mark.slow
def test_qdq_model_on_the_emulated_m4_equals_the_simulator(requantizing):
    from edgesmith.verify.qemu import verify_qemu

    graph = requantizing
    batch = {"input": edge_int8(graph.tensors["input"].shape[1:], samples=8)}
    report = verify_qemu(graph, batch, board="mps2-an386")
    assert report.samples == 8 and report.ok, report.first_mismatch


def test_a_batch_norm_of_a_quantized_tensor_is_refused_with_what_to_do(tmp_path, calib):
    path = _qdq(tmp_path, lambda n: n.batch_norm(n.conv(n.x, 4, 4, k=1), 4), calib)
    with pytest.raises(UnsupportedError, match="BatchNormalization of a quantized tensor") as e:
        load_model(path)
    assert "quant_pre_process" in str(e.value)


def test_cli_checks_a_qdq_model_against_onnxruntime(tmp_path, calib):
    import json

    from tests.hostile.cli_runner import assert_refused, run

    path = _qdq(tmp_path, CASES["Gemm"][0], calib)
    code, text = run("check", path, "--against", "onnxruntime", "--samples", "50", "--json")
    assert code == 0, text
    report = json.loads(text)
    assert report["oracle"] == "onnxruntime CPU" and report["samples"] == 50
    assert report["exact_samples"] == 50 and report["mismatched_samples"] == 0
    assert_refused(("check", path, "--against", "litert"), "needs a .tflite model")

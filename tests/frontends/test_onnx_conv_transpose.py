"""ONNX ConvTranspose and HardSwish, in the shapes torch.onnx.export writes them (explicit
pads, output_padding, kernel_shape): the float import against onnxruntime, then edgesmith's
PTQ and the generated C on this machine equal to the simulator, raw integers compared."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.errors import UnsupportedError
from edgesmith.frontends import load_model
from edgesmith.passes import run_pipeline
from edgesmith.quant import quantize_graph
from tests.helpers.c_exact import assert_c_equals_simulator_exactly
from tests.helpers.converter import edge_int8
from tests.helpers.onnx_graphs import OnnxNet, assert_float_matches
from tests.hostile.cli_runner import assert_refused

IMAGE = (1, 3, 5, 6)


def _deconv(n, x, cin, cout, k, bias=True, **attrs):
    kh, kw = (k, k) if isinstance(k, int) else k
    inputs = [x, n.weight(cin, cout, kh, kw)] + ([n.weight(cout, scale=0.3)] if bias else [])
    return n.node("ConvTranspose", inputs, kernel_shape=[kh, kw], dilations=[1, 1], group=1,
                  **attrs)


#: case -> graph builder; each gives one transpose_conv per ConvTranspose
CASES = {
    "stride2_pad1_output_padding1": lambda n: _deconv(
        n, n.x, 3, 4, 3, strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]),
    "stride2_no_pads": lambda n: _deconv(n, n.x, 3, 2, 2, strides=[2, 2], pads=[0, 0, 0, 0]),
    "uneven_no_bias": lambda n: _deconv(n, n.x, 3, 3, (3, 2), bias=False, strides=[1, 3],
                                        pads=[1, 0, 0, 1]),
    "kernel_below_stride": lambda n: _deconv(n, n.x, 3, 2, 2, strides=[3, 3],
                                             pads=[0, 0, 0, 0], output_padding=[2, 1]),
    "conv_deconv_hardswish": lambda n: n.node("HardSwish", [_deconv(
        n, n.node("Relu", [n.conv(n.x, 3, 4, pads=[1, 1, 1, 1], strides=[2, 2])]), 4, 3, 4,
        strides=[2, 2], pads=[1, 1, 1, 1])]),
}


@pytest.fixture(scope="module", params=list(CASES))
def imported(request, tmp_path_factory):
    net = OnnxNet(IMAGE)
    path = net.save(tmp_path_factory.mktemp("deconv") / f"{request.param}.onnx",
                    CASES[request.param](net))
    graph = assert_float_matches(path)
    types = [op.type for op in graph.ops]
    assert "transpose_conv" in types and "transpose" not in types, types
    return graph


def test_transpose_conv_attributes_follow_the_onnx_node(tmp_path):
    net = OnnxNet(IMAGE)
    case = "stride2_pad1_output_padding1"
    (op,) = load_model(net.save(tmp_path / "m.onnx", CASES[case](net))).ops
    # (5 - 1) * 2 + 3 + 1 - 2 = 10 rows, (6 - 1) * 2 + 3 + 1 - 2 = 12 columns
    assert op.attrs["size"] == (10, 12) and tuple(op.attrs["pads"]) == (1, 1, 1, 1)
    assert op.type == "transpose_conv" and len(op.inputs) == 3


def test_quantized_model_runs_as_c_equal_to_the_simulator(imported):
    graph = imported
    calib = np.random.default_rng(3).uniform(-1, 1, (32, 5, 6, 3)).astype(np.float32)
    quantized = quantize_graph(run_pipeline(graph), calib)
    assert "transpose_conv" in {op.type for op in quantized.ops}
    x = edge_int8((5, 6, 3), samples=12, seed=7)
    assert_c_equals_simulator_exactly(quantized, {quantized.inputs[0]: x})


def test_hard_swish_alone_is_one_op(tmp_path):
    net = OnnxNet(IMAGE)
    graph = assert_float_matches(net.save(tmp_path / "hs.onnx", net.node("HardSwish", [net.x])))
    assert [op.type for op in graph.ops] == ["hard_swish"]


@pytest.mark.parametrize("attrs, needle", [
    (dict(group=3), "grouped ConvTranspose"),
    (dict(dilations=[2, 2]), "dilated ConvTranspose"),
    (dict(auto_pad="SAME_UPPER"), "explicit pads"),
    (dict(output_shape=[10, 12]), "explicit pads"),
])
def test_unsupported_settings_are_refused(tmp_path, attrs, needle):
    net = OnnxNet(IMAGE)
    options = {"kernel_shape": [3, 3], "strides": [2, 2], "group": 1, **attrs}
    weights = net.weight(3, 1 if attrs.get("group") else 2, 3, 3)
    path = net.save(tmp_path / "m.onnx", net.node("ConvTranspose", [net.x, weights], **options))
    with pytest.raises(UnsupportedError, match=needle):
        load_model(path)
    if "group" in attrs:  # the command line says the same, exit 2
        assert_refused(("inspect", path), "node 0 ConvTranspose", needle)


@pytest.mark.parametrize("per_channel", [True, False])
def test_qdq_conv_transpose_is_within_one_unit_of_onnxruntime(tmp_path, per_channel):
    from edgesmith.verify.onnxruntime import check_against_onnxruntime
    from edgesmith.verify.onnxruntime_ops import QDQ_UNITS
    from tests.helpers.onnx_qdq import quantize_qdq

    net = OnnxNet(IMAGE)
    path = net.save(tmp_path / "m.onnx", CASES["stride2_pad1_output_padding1"](net))
    calib = np.random.default_rng(0).uniform(-1, 1, (16, *IMAGE[1:])).astype(np.float32)
    path = quantize_qdq(path, tmp_path / "m_qdq.onnx", calib, per_channel=per_channel)
    assert [op.type for op in load_model(path).ops] == ["transpose_conv"]
    report = check_against_onnxruntime(path, samples=200)
    assert report.samples == 200 and report.ok, report
    assert all(key.split()[1] == "transpose_conv" and units <= QDQ_UNITS
               for key, units in report.op_units.items()), report


@pytest.mark.slow
def test_quantized_model_on_the_emulated_m4_equals_the_simulator(tmp_path):
    from edgesmith.verify.qemu import verify_qemu

    net = OnnxNet(IMAGE)
    graph = load_model(net.save(tmp_path / "m.onnx", CASES["conv_deconv_hardswish"](net)))
    calib = np.random.default_rng(3).uniform(-1, 1, (32, 5, 6, 3)).astype(np.float32)
    quantized = quantize_graph(run_pipeline(graph), calib)
    x = edge_int8((5, 6, 3), samples=6, seed=7)
    report = verify_qemu(quantized, {quantized.inputs[0]: x}, board="mps2-an386")
    assert report.samples == 6 and report.ok, report.first_mismatch

"""Imported ONNX models quantize like any float model (edgesmith's PTQ), and their C code
equals the simulator on the host (QEMU under the slow marker). Models: torch-shaped CNNs
built with onnx.helper, and scikit-learn MLPs written by skl2onnx."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from edgesmith.frontends import load_model
from edgesmith.passes import run_pipeline
from edgesmith.quant import quantize_graph
from edgesmith.verify.host import verify_host
from tests.helpers.converter import edge_int8
from tests.helpers.onnx_graphs import OnnxNet, assert_float_matches


def _cnn(n):
    y = n.node("Relu", [n.batch_norm(n.conv(n.x, 3, 8, pads=[1, 1, 1, 1]), 8)])
    y = n.node("Clip", [n.conv(y, 8, 8, group=8, pads=[1, 1, 1, 1], strides=[2, 2]),
                        n.init(0.0), n.init(6.0)])
    y = n.node("MaxPool", [n.conv(y, 8, 6, k=1)], kernel_shape=[2, 2], strides=[2, 2])
    y = n.flatten_chain(n.node("GlobalAveragePool", [y]))
    return n.node("Softmax", [n.gemm(y, 6, 4)], axis=1)


def _branches(n):
    a = n.node("HardSigmoid", [n.conv(n.x, 3, 4, pads=[1, 1, 1, 1])])
    b = n.node("Relu", [n.conv(n.x, 3, 4, k=1)])
    y = n.node("Concat", [n.node("Add", [a, b]), b], axis=1)
    y = n.node("AveragePool", [y], kernel_shape=[2, 2], strides=[2, 2])
    y = n.node("Resize", [y, "", n.init([1, 1, 2, 2])], mode="nearest",
               coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    y = n.node("Slice", [n.node("Pad", [y, n.constant([0, 0, 1, 1, 0, 0, 1, 1])]),
                         n.constant([1, 1]), n.constant([9, 9]), n.constant([2, 3])])
    return n.gemm(n.node("Flatten", [n.conv(y, 8, 2, k=3, strides=[2, 2])]), 2 * 3 * 3, 3)


def _log_softmax_head(n):
    y = n.flatten_chain(n.node("GlobalAveragePool", [n.node("Relu", [n.conv(n.x, 3, 6, k=1)])]))
    return n.node("LogSoftmax", [n.gemm(y, 6, 5)], axis=-1)


def _sklearn(kind, path):
    from skl2onnx import to_onnx
    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    x, y = load_iris(return_X_y=True)
    x = x.astype(np.float32)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # a few iterations do
    if kind == "mlp_classifier":
        est = MLPClassifier(hidden_layer_sizes=(16,), max_iter=300, random_state=0).fit(x, y)
        model = to_onnx(est, x[:1], options={"zipmap": False})
    else:
        est = MLPRegressor(hidden_layer_sizes=(16, 8), max_iter=300, random_state=0)
        model = to_onnx(est.fit(x, y.astype(np.float64)), x[:1])
    path.write_bytes(model.SerializeToString())
    return path, x


MODELS = ("cnn", "branches", "log_softmax_head", "mlp_classifier", "mlp_regressor")


@pytest.fixture(scope="module", params=MODELS)
def imported(request, tmp_path_factory):
    """(onnx path, float graph, calibration batch in the IR's layout)."""
    path = tmp_path_factory.mktemp("onnx") / f"{request.param}.onnx"
    if request.param.startswith("mlp"):
        path, x = _sklearn(request.param, path)
        graph = assert_float_matches(path)
        return path, graph, x
    n = OnnxNet((1, 3, 16, 16))
    path = n.save(path, {"cnn": _cnn, "branches": _branches,
                         "log_softmax_head": _log_softmax_head}[request.param](n))
    graph = assert_float_matches(path)
    calib = np.random.default_rng(3).uniform(-1, 1, (32, 16, 16, 3)).astype(np.float32)
    return path, graph, calib


def test_skl2onnx_classifier_keeps_its_probabilities_only(tmp_path):
    path, _ = _sklearn("mlp_classifier", tmp_path / "clf.onnx")
    graph = load_model(path)
    assert graph.outputs == ["probabilities"]
    assert graph.meta["onnx_dropped_outputs"] == ["label"]


def test_quantized_onnx_model_runs_as_c_equal_to_the_simulator(imported):
    path, graph, calib = imported
    qgraph = quantize_graph(run_pipeline(graph), calib)
    assert qgraph.is_quantized()
    shape = qgraph.tensors[qgraph.inputs[0]].shape[1:]
    report = verify_host(qgraph, edge_int8(shape, samples=16, seed=7))
    assert report.samples == 16 and report.ok, report.first_mismatch


@pytest.mark.slow
def test_quantized_onnx_model_on_the_emulated_m4_equals_the_simulator(imported):
    from edgesmith.verify.qemu import verify_qemu

    path, graph, calib = imported
    qgraph = quantize_graph(run_pipeline(graph), calib)
    shape = qgraph.tensors[qgraph.inputs[0]].shape[1:]
    report = verify_qemu(qgraph, {qgraph.inputs[0]: edge_int8(shape, samples=8)},
                         board="mps2-an386")
    assert report.samples == 8 and report.ok, report.first_mismatch


def test_imported_graph_has_no_unexpected_ops(imported):
    path, graph, _ = imported
    assert "transpose" not in {op.type for op in graph.ops}, load_model(path).summary()


def test_quantized_log_softmax_has_tflites_output_format(tmp_path):
    n = OnnxNet((1, 3, 16, 16))
    graph = assert_float_matches(n.save(tmp_path / "m.onnx", _log_softmax_head(n)))
    calib = np.random.default_rng(4).uniform(-1, 1, (16, 16, 16, 3)).astype(np.float32)
    qgraph = quantize_graph(run_pipeline(graph), calib)
    (op,) = [op for op in qgraph.ops if op.type == "log_softmax"]
    fmt = qgraph.tensors[op.outputs[0]].fmt
    assert (float(fmt.scale[0]), int(fmt.zero_point[0])) == (16 / 256, 127)

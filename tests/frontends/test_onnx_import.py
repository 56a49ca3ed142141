"""ONNX import around the operators: ports, refusals, malformed files, the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from edgesmith.errors import ModelFormatError, UnsupportedError
from edgesmith.frontends import load_model
from tests.helpers.onnx_graphs import OnnxNet, assert_float_matches
from tests.hostile.cli_runner import assert_refused, run

IMAGE = (1, 3, 8, 8)


def _cnn(tmp_path, name="cnn.onnx"):
    n = OnnxNet(IMAGE)
    y = n.node("Relu", [n.batch_norm(n.conv(n.x, 3, 4, pads=[1, 1, 1, 1]), 4)])
    y = n.node("MaxPool", [y], kernel_shape=[2, 2], strides=[2, 2])
    return n.save(tmp_path / name, n.gemm(n.flatten_chain(y), 4 * 4 * 4, 3))


def test_nchw_ports_keep_the_onnx_layout_with_a_transpose_at_each_edge(tmp_path):
    n = OnnxNet(IMAGE)
    path = n.save(tmp_path / "m.onnx", n.node("Relu", [n.conv(n.x, 3, 4, k=1)]))
    graph = assert_float_matches(path, ports="nchw")
    assert graph.tensors[graph.inputs[0]].shape == IMAGE
    assert [op.type for op in graph.ops] == ["transpose", "conv2d", "relu", "transpose"]
    assert load_model(path).tensors["input"].shape == (1, 8, 8, 3)


@pytest.mark.parametrize("build, needle", [
    (lambda n: n.node("Div", [n.x, n.node("Relu", [n.x])]), "only division by constants"),
    (lambda n: n.node("Erf", [n.x]), "ONNX operator Erf is not supported"),
    (lambda n: n.node("Resize", [n.x, "", n.init([1, 1, 2, 2])], mode="linear"),
     "only nearest"),
    (lambda n: n.node("Pad", [n.x, n.constant([0, 0, 1, 1, 0, 0, 1, 1])], mode="edge"),
     "Pad mode 'edge'"),
    (lambda n: n.node("Flatten", [n.x], axis=0), "moves the batch axis"),
])
def test_unsupported_nodes_are_named(tmp_path, build, needle):
    n = OnnxNet(IMAGE)
    path = n.save(tmp_path / "m.onnx", build(n))
    with pytest.raises(UnsupportedError, match=needle):
        load_model(path)


def test_old_opsets_are_refused_with_what_to_do(tmp_path):
    n = OnnxNet(IMAGE, opset=11)
    path = n.save(tmp_path / "m.onnx", n.node("Relu", [n.x]))
    with pytest.raises(UnsupportedError, match="opset 11 is not supported") as err:
        load_model(path)
    assert "opset_version=13" in str(err.value)


def test_malformed_files_are_format_errors(tmp_path):
    good = _cnn(tmp_path).read_bytes()
    (tmp_path / "cut.onnx").write_bytes(good[: len(good) // 2])
    (tmp_path / "junk.onnx").write_bytes(b"\x08\x07not an onnx model\xff\xff")
    for name in ("cut.onnx", "junk.onnx"):
        with pytest.raises(ModelFormatError, match="not a valid ONNX model"):
            load_model(tmp_path / name)
    assert_refused(("inspect", tmp_path / "junk.onnx"), "not a valid ONNX model")


def test_cli_inspects_quantizes_verifies_and_generates_an_onnx_model(tmp_path):
    path = _cnn(tmp_path)
    code, text = run("inspect", path, "--json")
    assert code == 0 and json.loads(text)["quantized"] is False
    calib = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 3)).astype(np.float32)
    np.save(tmp_path / "calib.npy", calib)
    code, text = run("quantize", path, "--calib", tmp_path / "calib.npy", "-o",
                     tmp_path / "q.esm")
    assert code == 0, text
    code, text = run("verify", tmp_path / "q.esm", "--target", "host", "--samples", "4",
                     "--json")
    assert code == 0 and json.loads(text)["mismatched_samples"] == 0, text
    code, text = run("generate", "c", tmp_path / "q.esm", "-o", tmp_path / "c")
    assert code == 0 and any((tmp_path / "c").glob("*.c")), text
    assert_refused(("verify", path, "--target", "host"), "quantize it first")


def _mutated(tmp_path, build, mutate):
    import onnx

    n = OnnxNet(IMAGE)
    path = n.save(tmp_path / "m.onnx", build(n))
    model = onnx.load(path)
    mutate(model)
    onnx.save(model, str(path))
    return path


def _set_attr(op_type, name, value):
    def mutate(model):
        node = next(n for n in model.graph.node if n.op_type == op_type)
        attr = next(a for a in node.attribute if a.name == name)
        if attr.ints:
            attr.ints[:] = value
        else:
            attr.i = value
    return mutate


@pytest.mark.parametrize("build, mutate, needle", [
    (lambda n: n.conv(n.x, 3, 3, k=1, group=3), _set_attr("Conv", "group", 0),
     "group 0 is not positive"),
    (lambda n: n.conv(n.x, 3, 3, k=1, strides=[1, 1]), _set_attr("Conv", "strides", [0, 1]),
     r"strides \[0, 1\] outside"),
    (lambda n: n.node("Concat", [n.x, n.x], axis=1), _set_attr("Concat", "axis", 7),
     "malformed node"),
    (lambda n: n.node("Reshape", [n.x, n.init([1, 1 << 30, 192], np.int64)]), lambda m: None,
     "cannot reshape"),
    (lambda n: n.node("Add", [n.x, n.node("ConstantOfShape", [n.init([1 << 20, 1 << 20],
                                                                        np.int64)])]),
     lambda m: None, "element count"),
])
def test_malformed_nodes_are_named_format_errors(tmp_path, build, mutate, needle):
    from edgesmith.errors import EdgesmithError

    path = _mutated(tmp_path, build, mutate)
    with pytest.raises(EdgesmithError, match=needle) as err:
        load_model(path)
    assert "node" in str(err.value)
    assert_refused(("inspect", path), needle.replace("\\", ""))

"""The TFLite importer on the shared models and on hand-written flatbuffers."""

import sys

import numpy as np
import pytest
from edgesmith.errors import ModelFormatError, UnsupportedError
from edgesmith.frontends.tflite import load_tflite
from edgesmith.ir.ops import tflite_builtins
from edgesmith.ir import AffineFormat, same_padding, verify_graph

from tests.helpers.paths import SHARED_MODELS
from tests.ops.tflite_writer import ModelSpec, OpSpec, T, single_op, write_model

ALL_MODELS = sorted(p for p in SHARED_MODELS.glob("*/*.tflite") if "vela" not in p.name)
VELA = SHARED_MODELS / "tflm" / "person_detect_vela.tflite"


def test_the_shared_models_are_all_found():
    if not SHARED_MODELS.is_dir():
        pytest.skip("the shared models are not beside the repository")
    assert len(ALL_MODELS) == 13


@pytest.mark.parametrize("path", ALL_MODELS, ids=lambda p: p.stem)
def test_every_shared_model_imports_and_verifies(path):
    graph = load_tflite(path)
    verify_graph(graph)
    assert graph.meta["source"] == "tflite" and graph.meta["path"] == str(path)
    assert len(set(graph.tensors)) == len(graph.tensors)
    assert all(op.origin.startswith("tflite op ") for op in graph.ops)
    index_of = graph.meta["tflite_tensors"]
    assert all(name in index_of for op in graph.ops for name in op.outputs)
    quantized = "int8" in path.stem or "quant" in path.stem or path.stem in (
        "kws_ref_model", "str_ww_ref_model", "person_detect")
    assert graph.is_quantized() == quantized


def test_kws_structure():
    graph = load_tflite(SHARED_MODELS / "mlperf_tiny" / "kws_ref_model.tflite")
    assert [op.type for op in graph.ops] == (
        ["conv2d"] + ["depthwise_conv2d", "conv2d"] * 4
        + ["avg_pool2d", "reshape", "fully_connected", "softmax"])
    first = graph.ops[0]
    # 10x4 kernel, stride 2, SAME on 49x10: TFLite's padding arithmetic
    assert first.attrs["stride"] == (2, 2)
    assert first.attrs["pads"] == (*same_padding(49, 10, 2), *same_padding(10, 4, 2))
    w = graph.tensors[first.inputs[1]]
    assert w.dtype == "int8" and w.fmt.per_channel and w.fmt.axis == 0 and w.shape[0] == 64
    b = graph.tensors[first.inputs[2]]
    assert b.dtype == "int32" and b.fmt.bits == 32
    dw = graph.tensors[graph.ops[1].inputs[1]]
    assert dw.fmt.axis == 3 and graph.ops[1].attrs["depth_multiplier"] == 1
    assert graph.ops[-1].attrs["beta"] == 1.0
    assert graph.ops[-3].attrs["shape"] == (1, 64)


def test_person_detect_bias_axis_is_repaired():
    # its biases are tagged with quantized_dimension 3 on 1-D tensors
    graph = load_tflite(SHARED_MODELS / "tflm" / "person_detect.tflite")
    bias = graph.tensors[graph.ops[0].inputs[2]]
    assert bias.fmt.per_channel and bias.fmt.axis == 0


def test_hybrid_model_imports_as_float_with_dequantized_weights():
    graph = load_tflite(SHARED_MODELS / "mlperf_tiny" / "kws_ref_model_float32.tflite")
    assert graph.meta["hybrid"] is True and not graph.is_quantized()
    w = graph.tensors[graph.ops[0].inputs[1]]
    assert w.dtype == "float32" and w.fmt is None and np.any(w.data != 0)
    assert "Hybrid float models" in sys.modules[load_tflite.__module__].__doc__


def test_same_padding_matches_tflite_compute_padding():
    # TFLite: out = ceil(in / stride); total = max((out - 1) * stride + eff - in, 0);
    # before = total // 2 (the odd pixel goes after)
    for size in range(1, 20):
        for k in range(1, 8):
            for stride in range(1, 5):
                for dilation in range(1, 4):
                    eff = (k - 1) * dilation + 1
                    out = (size + stride - 1) // stride
                    total = max((out - 1) * stride + eff - size, 0)
                    assert same_padding(size, k, stride, dilation) == (total // 2,
                                                                       total - total // 2)


def test_vela_model_is_refused_naming_file_op_and_custom_code():
    with pytest.raises(UnsupportedError) as info:
        load_tflite(VELA)
    msg = str(info.value)
    assert str(VELA) in msg and "op 0 CUSTOM" in msg and "'ethos-u'" in msg
    for op in tflite_builtins():
        assert op in msg


@pytest.mark.parametrize("keep", [0.02, 0.3, 0.5, 0.9, 0.999])
def test_truncated_file_is_a_model_format_error(tmp_path, keep):
    data = (SHARED_MODELS / "mlperf_tiny" / "kws_ref_model.tflite").read_bytes()
    path = tmp_path / "truncated.tflite"
    path.write_bytes(data[:int(len(data) * keep)])
    with pytest.raises(ModelFormatError) as info:
        load_tflite(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("content", [b"", b"TFL3", b"\x00" * 64, b"not a model at all, clearly"])
def test_garbage_is_a_model_format_error(tmp_path, content):
    path = tmp_path / "garbage.tflite"
    path.write_bytes(content)
    with pytest.raises(ModelFormatError, match="garbage.tflite"):
        load_tflite(path)


def test_missing_file(tmp_path):
    with pytest.raises(ModelFormatError, match="cannot read"):
        load_tflite(tmp_path / "absent.tflite")


def _relu_spec(**kw) -> ModelSpec:
    fmt = {"scale": [0.1], "zero_point": [0]}
    return ModelSpec([T((1, 4), **fmt), T((1, 4), **fmt)], [OpSpec("RELU", [0], [1])], [0], [1],
                     **kw)


def test_two_subgraphs_are_refused(tmp_path):
    path = tmp_path / "two.tflite"
    path.write_bytes(write_model(_relu_spec(subgraphs=2)))
    with pytest.raises(UnsupportedError, match="2 subgraphs"):
        load_tflite(path)


def test_unknown_builtin_names_op_index_and_supported_list(tmp_path):
    fmt = {"scale": [0.1], "zero_point": [0]}
    spec = ModelSpec([T((1, 4), **fmt), T((1, 4), **fmt), T((1, 4), **fmt)],
                     [OpSpec("RELU", [0], [1]), OpSpec("FLOOR", [1], [2])], [0], [2])
    path = tmp_path / "floor.tflite"
    path.write_bytes(write_model(spec))
    with pytest.raises(UnsupportedError, match=r"op 1 FLOOR is not supported; supported TFLite "
                                               r"ops: ABS, ADD, ARG_MAX, ARG_MIN, AVERAGE_POOL_2D"):
        load_tflite(path)


def test_unsupported_dtype_is_refused(tmp_path):
    path = tmp_path / "uint8.tflite"
    fmt = {"scale": [0.1], "zero_point": [0]}
    path.write_bytes(single_op("RELU", [T((1, 4), "uint8", **fmt)], [T((1, 4), "uint8", **fmt)]))
    with pytest.raises(UnsupportedError, match="uint8"):
        load_tflite(path)


def test_int16_activations_import_and_an_op_without_an_int16_kernel_is_refused(tmp_path):
    from edgesmith.sim import simulate

    path = tmp_path / "int16.tflite"
    fmt = {"scale": [0.1], "zero_point": [0]}
    path.write_bytes(single_op("RELU", [T((1, 4), "int16", **fmt)], [T((1, 4), "int16", **fmt)]))
    graph = load_tflite(path)
    assert graph.tensors[graph.inputs[0]].fmt.bits == 16
    with pytest.raises(UnsupportedError, match=r"no int16 \(16x8\) kernel for 'relu'"):
        simulate(graph, np.zeros((1, 4), np.int16))


def test_unsupported_fused_activation_is_refused(tmp_path):
    path = tmp_path / "tanh_fused.tflite"
    fmt = {"scale": [0.1], "zero_point": [0]}
    path.write_bytes(single_op("ADD", [T((1, 4), **fmt), T((1, 4), **fmt)], [T((1, 4), **fmt)],
                               ("AddOptions", {"FusedActivationFunction": 4})))
    with pytest.raises(UnsupportedError, match="fused activation TANH"):
        load_tflite(path)


def test_constant_operands_become_attrs(tmp_path):
    fmt = {"scale": [0.1], "zero_point": [2]}
    spec = ModelSpec(
        [T((1, 3, 4, 2), **fmt),
         T((4, 2), "int32", data=np.array([[0, 0], [1, 1], [0, 2], [0, 0]])),
         T((1, 5, 6, 2), **fmt), T((2,), "int32", data=np.array([1, 2])), T((1, 2), **fmt)],
        [OpSpec("PAD", [0, 1], [2]),
         OpSpec("MEAN", [2, 3], [4], ("ReducerOptions", {"KeepDims": False}))], [0], [4])
    path = tmp_path / "attrs.tflite"
    path.write_bytes(write_model(spec))
    graph = load_tflite(path)
    pad, mean = graph.ops
    assert pad.attrs["pads"] == ((0, 0), (1, 1), (0, 2), (0, 0)) and len(pad.inputs) == 1
    assert mean.attrs["axes"] == (1, 2) and mean.attrs["keepdims"] is False
    assert all(t.dtype != "int32" for t in graph.tensors.values())


def test_constant_dequantize_is_folded(tmp_path):
    w = np.array([[-127, 0, 64, 127]], np.int8)
    spec = ModelSpec([T((1, 4), "float32"), T((1, 4), scale=[0.5], zero_point=[0], data=w),
                      T((1, 4), "float32"), T((1, 4), "float32")],
                     [OpSpec("DEQUANTIZE", [1], [2]), OpSpec("ADD", [0, 2], [3])], [0], [3])
    path = tmp_path / "fold.tflite"
    path.write_bytes(write_model(spec))
    graph = load_tflite(path)
    assert [op.type for op in graph.ops] == ["add"]
    folded = graph.tensors[graph.ops[0].inputs[1]]
    np.testing.assert_array_equal(folded.data, np.array([[-63.5, 0, 32, 63.5]], np.float32))


def test_duplicate_tflite_names_are_made_unique(tmp_path):
    fmt = {"scale": [0.1], "zero_point": [0]}
    spec = ModelSpec([T((1, 4), name="x", **fmt), T((1, 4), name="x", **fmt)],
                     [OpSpec("RELU", [0], [1])], [0], [1])
    path = tmp_path / "dup.tflite"
    path.write_bytes(write_model(spec))
    graph = load_tflite(path)
    assert graph.inputs == ["x"] and graph.outputs == ["x_1"]
    assert isinstance(graph.tensors["x_1"].fmt, AffineFormat)

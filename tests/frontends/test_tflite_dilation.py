"""The SPACE_TO_BATCH_ND -> convolution -> BATCH_TO_SPACE_ND idiom (what older converters
write for dilation > 1) folds at import into PAD + a dilated convolution: the graph has no
batch of block_h * block_w, the simulator equals LiteRT's reference kernels running the
idiom itself, and the generated C equals the simulator. TFLite Micro differs there (measured
below): its int8 SPACE_TO_BATCH_ND pads with the raw value 0, not the zero point (real 0),
so its outputs differ where a window reaches the padding and agree inside. A variant the
fold does not cover keeps its refusal."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.errors import UnsupportedError
from edgesmith.frontends import load_model

from tests.helpers.converter import edge_int8
from tests.helpers.op_oracles import assert_c_equals_simulator, assert_equals_litert
from tests.ops.tflite_writer import ModelSpec, OpSpec, T, write_model

I32 = np.int32
CONV_OPTIONS = {"Padding": 1, "StrideH": 1, "StrideW": 1, "DilationHFactor": 1,
                "DilationWFactor": 1}


def idiom(op: str, size: int, pads, crops, channels: int = 3, stride: int = 1) -> bytes:
    rng = np.random.default_rng(size)
    block = 2
    ph, pw = size + sum(pads[0]), size + sum(pads[1])
    inner = (ph // block - 2, pw // block - 2)  # a 3x3 'valid' convolution per phase
    out = (inner[0] * block - sum(crops[0]), inner[1] * block - sum(crops[1]))
    depthwise = op == "DEPTHWISE_CONV_2D"
    o = channels if depthwise else 4
    w_shape = (1, 3, 3, o) if depthwise else (o, 3, 3, channels)
    w_scales = list(rng.uniform(0.01, 0.03, o))
    tensors = [
        T((1, size, size, channels), scale=[0.05], zero_point=[-3]),
        T((2,), "int32", data=np.array([block, block], I32)),
        T((2, 2), "int32", data=np.array(pads, I32)),
        T((block * block, ph // block, pw // block, channels), scale=[0.05], zero_point=[-3]),
        T(w_shape, scale=w_scales, zero_point=[0] * o, axis=3 if depthwise else 0,
          data=rng.integers(-127, 128, w_shape).astype(np.int8)),
        T((o,), "int32", scale=[0.05 * s for s in w_scales], zero_point=[0] * o,
          data=rng.integers(-2000, 2000, o).astype(I32)),
        T((block * block, *inner, o), scale=[0.12], zero_point=[5]),
        T((2, 2), "int32", data=np.array(crops, I32)),
        T((1, *out, o), scale=[0.12], zero_point=[5]),
    ]
    options = dict(CONV_OPTIONS, StrideH=stride, StrideW=stride)
    if depthwise:
        options["DepthMultiplier"] = 1
    conv = OpSpec(op, [3, 4, 5], [6], ("DepthwiseConv2DOptions" if depthwise
                                       else "Conv2DOptions", options))
    return write_model(ModelSpec(tensors, [OpSpec("SPACE_TO_BATCH_ND", [0, 1, 2], [3]), conv,
                                           OpSpec("BATCH_TO_SPACE_ND", [6, 1, 7], [8])],
                                 [0], [8]))


CASES = {"conv_same": ("CONV_2D", 8, [[2, 2], [2, 2]], [[0, 0], [0, 0]]),
         "depthwise_cropped": ("DEPTHWISE_CONV_2D", 7, [[2, 3], [2, 3]], [[0, 1], [0, 1]])}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request, tmp_path_factory):
    op, size, pads, crops = CASES[request.param]
    path = tmp_path_factory.mktemp("s2b") / "m.tflite"
    path.write_bytes(idiom(op, size, pads, crops))
    return path, (size, size, 3)


def test_the_idiom_becomes_one_dilated_convolution(case):
    path, _ = case
    graph = load_model(path)
    convs = [op for op in graph.ops if op.type in ("conv2d", "depthwise_conv2d")]
    assert len(convs) == 1 and tuple(convs[0].attrs["dilation"]) == (2, 2)
    assert all(t.shape[0] == 1 for t in graph.tensors.values() if not t.is_const)


def test_simulator_equals_litert_on_the_idiom(case):
    path, shape = case
    assert_equals_litert(path, edge_int8(shape, samples=12), samples=12)


def test_tflite_micro_pads_space_to_batch_with_raw_zero(case):
    from edgesmith.verify.litert import run_litert
    from edgesmith.verify.tflm import run_tflm

    path, shape = case
    x = edge_int8(shape, samples=6)
    (tflm,), (litert,) = run_tflm(path, x), run_litert(path, x).outputs
    assert (tflm != litert).any()
    np.testing.assert_array_equal(tflm[:, 2:-2, 2:-2], litert[:, 2:-2, 2:-2])


def test_generated_c_equals_the_simulator(case):
    path, shape = case
    assert_c_equals_simulator(path, edge_int8(shape, samples=6, seed=2))


def test_a_strided_middle_convolution_is_not_folded(tmp_path):
    path = tmp_path / "m.tflite"
    path.write_bytes(idiom("CONV_2D", 8, [[2, 2], [2, 2]], [[0, 0], [0, 0]], stride=2))
    with pytest.raises(UnsupportedError, match="op 0 SPACE_TO_BATCH_ND"):
        load_model(path)

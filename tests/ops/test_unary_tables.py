"""The int8 unary ops that run as a 256-entry table (hard_swish, elu, rsqrt) and the
standalone relu_n1_to_1: the simulator against LiteRT's reference kernels and TFLite Micro,
the generated C against the simulator. The input shape holds 256 values, so the ramp among
the edge inputs feeds every input code through the table."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.errors import EdgesmithError
from edgesmith.frontends import load_model
from edgesmith.sim import simulate
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host
from edgesmith.verify.tflm import check_against_tflm

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.op_oracles import default_and_slow
from tests.helpers.tf_function import function_int8_tflite
from tests.ops.tflite_writer import T, single_op

tf = pytest.importorskip("tensorflow")

SHAPE = (8, 8, 4)
# (function, calibration scale, TFLite builtin, IR op); a wide calibration range gives
# hard_swish a reluish multiplier below one, a narrow one above one
CONVERTED = {
    "hard_swish": (lambda x: x * tf.nn.relu6(x + 3.0) / 6.0, 2.0, "HARD_SWISH", "hard_swish"),
    "hard_swish_wide": (lambda x: x * tf.nn.relu6(x + 3.0) / 6.0, 40.0, "HARD_SWISH",
                        "hard_swish"),
    "hard_swish_narrow": (lambda x: x * tf.nn.relu6(x + 3.0) / 6.0, 0.3, "HARD_SWISH",
                          "hard_swish"),
    "rsqrt": (lambda x: tf.math.rsqrt(tf.abs(x) + 0.5), 2.0, "RSQRT", "rsqrt"),
    "rsqrt_small": (lambda x: tf.math.rsqrt(tf.abs(x) + 0.01), 0.2, "RSQRT", "rsqrt"),
    "relu_n1_to_1": (lambda x: tf.clip_by_value(x, -1.0, 1.0), 2.0, "RELU_N1_TO_1",
                     "relu_n1_to_1"),
}
# the converter keeps ELU in float between DEQUANTIZE and QUANTIZE: int8 ELU is written
# by hand, (input scale, zero point, output scale, zero point)
ELU_FORMATS = {"elu": (0.05, 3, 0.04, -90), "elu_wide": (0.3, -20, 0.2, -123),
               "elu_narrow": (0.01, 100, 0.02, 0)}
#: LiteRT's reference resolver has no ELU at all; its builtin kernel runs int8 ELU through
#: the same table, filled in Prepare by the same float transform, so it is the oracle there,
#: without the default XNNPACK delegate (whose int8 ELU table rounds halves to even)
NO_REFERENCE_KERNEL = set(ELU_FORMATS)


def litert_builtin(path, x: np.ndarray) -> np.ndarray:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interpreter = Interpreter(
        model_path=str(path),
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    interpreter.allocate_tensors()
    into, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    outputs = []
    for sample in x:
        interpreter.set_tensor(into["index"], sample[None])
        interpreter.invoke()
        outputs.append(interpreter.get_tensor(out["index"])[0])
    return np.stack(outputs)
#: this TFLite Micro build has no RELU_N1_TO_1 kernel (it refuses the model at allocation)
NO_TFLM_KERNEL = {"relu_n1_to_1"}


@pytest.fixture(scope="module", params=default_and_slow(
    ["hard_swish", "rsqrt", "relu_n1_to_1", "elu", "hard_swish_wide", "elu_wide",
     "hard_swish_narrow", "rsqrt_small", "elu_narrow"], keep=6))
def case(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("unary") / f"{request.param}.tflite"
    if request.param in ELU_FORMATS:
        s_in, z_in, s_out, z_out = ELU_FORMATS[request.param]
        path.write_bytes(single_op("ELU", [T((1, *SHAPE), scale=[s_in], zero_point=[z_in])],
                                   [T((1, *SHAPE), scale=[s_out], zero_point=[z_out])]))
        builtin, ir_op = "ELU", "elu"
    else:
        fn, scale, builtin, ir_op = CONVERTED[request.param]
        function_int8_tflite(fn, SHAPE, path, scale=scale)
    assert builtin in tflite_ops(path)
    return request.param, path, ir_op


def test_simulator_equals_litert(case):
    name, path, ir_op = case
    graph = load_model(path)
    assert ir_op in [op.type for op in graph.ops]
    x = edge_int8(SHAPE, samples=64)
    if name in NO_REFERENCE_KERNEL:
        ours = simulate(graph, x)[graph.outputs[0]]
        np.testing.assert_array_equal(ours, litert_builtin(path, x))
        return
    report = check_against_litert(path, samples=0, inputs=x)
    assert report.samples == 64 and report.mismatched_samples == 0, report.first_mismatch


def test_simulator_equals_tflite_micro(case):
    name, path, _ = case
    if name in NO_TFLM_KERNEL:
        with pytest.raises(EdgesmithError, match="TFLite Micro cannot load the model"):
            check_against_tflm(path, samples=1)
        return
    report = check_against_tflm(path, samples=16, inputs=edge_int8(SHAPE))
    assert report.samples == 32 and report.mismatched_samples == 0, report.first_mismatch
    assert report.oracles_differ == 0, report.first_oracle_difference


def test_generated_c_equals_the_simulator(case):
    _, path, _ = case
    report = verify_host(load_model(path), edge_int8(SHAPE, samples=8, seed=5))
    assert report.samples == 8 and report.ok, report.first_mismatch


@pytest.mark.slow
def test_firmware_on_the_emulated_m4_equals_the_simulator(case):
    from edgesmith.verify.qemu import verify_qemu

    _, path, _ = case
    graph = load_model(path)
    report = verify_qemu(graph, {graph.inputs[0]: edge_int8(SHAPE, samples=4)},
                         board="mps2-an386")
    assert report.samples == 4 and report.ok, report.first_mismatch

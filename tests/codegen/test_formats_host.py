"""A small Keras CNN quantized to fixed point, power-of-two weights and 4-/2-bit affine, its
C code generated, built and run on the host: bit-exact with the simulator (verify_host), on
calibration-like and random inputs. A corrupted weight must be caught and located."""

from __future__ import annotations

import re

import numpy as np
import pytest

from edgesmith.codegen import generate_c
from edgesmith.io.arrays import prepare_inputs
from edgesmith.ir import AffineFormat, FixedFormat, Pow2Format
from edgesmith.sim.inputs import random_inputs
from edgesmith.verify.host import verify_host

from tests.helpers.keras_check import keras_or_skip

SCHEMES = {
    "fixed": dict(scheme="fixed"),
    "fixed-narrow": dict(scheme="fixed", act_bits=10, weight_bits=8,
                         precision={"0": "fixed<8,2,RND_CONV,WRAP>", "*": "fixed<12,4>"}),
    "pow2": dict(scheme="pow2"),
    "w4a4": dict(scheme="int8", weight_bits=4, act_bits=4),
    "w2a2": dict(scheme="int8", weight_bits=2, act_bits=2),
    "w4a8": dict(scheme="int8", weight_bits=4),
}


@pytest.fixture(scope="module")
def cnn():
    """(float graph, calibration data) of a small CNN: conv, pools, depthwise, dense."""
    keras = keras_or_skip()
    from keras import layers

    from edgesmith.frontends import load_model
    from edgesmith.passes import run_pipeline

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((12, 12, 2)),
        layers.Conv2D(6, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.DepthwiseConv2D(3, padding="same", activation="relu6"),
        layers.AveragePooling2D(2),
        layers.Flatten(),
        layers.Dense(16, activation="relu"),
        layers.Dense(5),
    ], name="small_cnn")
    calib = np.random.default_rng(0).normal(size=(64, 12, 12, 2)).astype(np.float32)
    return run_pipeline(load_model(model)), calib


def quantized(cnn, name):
    from edgesmith.quant import quantize_graph

    graph, calib = cnn
    return quantize_graph(graph, calib, **SCHEMES[name]), calib


@pytest.mark.parametrize("name", list(SCHEMES))
def test_generated_c_equals_simulator(cnn, name):
    qgraph, calib = quantized(cnn, name)
    formats = {type(t.fmt) for t in qgraph.tensors.values()}
    assert {"fixed": FixedFormat, "pow2": Pow2Format}.get(name.split("-")[0], AffineFormat) \
        in formats
    batch = prepare_inputs(qgraph, calib[:16])
    extra = random_inputs(qgraph, 16, seed=1)
    batch = {k: np.concatenate([batch[k], extra[k]]) for k in batch}
    report = verify_host(qgraph, batch)
    assert report.ok, report.first_mismatch
    assert report.samples == 32


@pytest.mark.parametrize("name", ["fixed", "w4a4"])
def test_a_corrupted_weight_is_found(cnn, name, tmp_path):
    """Flip one weight of the depthwise layer in the generated C: the check fails and names op 2."""
    qgraph, calib = quantized(cnn, name)
    folder = generate_c(qgraph, tmp_path / "model").folder
    weights = next(folder.glob("*_weights.c"))
    text = weights.read_text()
    match = re.search(r"(op2_filter\[\d+\] = \{\s*)(-?\d+)", text)
    assert match, "the depthwise filter is not in the weights file"
    value = int(match.group(2))
    flipped = value ^ 0x11 if name == "w4a4" else value + 1
    weights.write_text(text[:match.start(2)] + str(flipped) + text[match.end(2):])
    report = verify_host(qgraph, prepare_inputs(qgraph, calib[:8]), code_dir=folder)
    assert not report.ok
    assert report.first_mismatch["op_index"] == 2



@pytest.mark.parametrize("name", [*SCHEMES, "int8"])
def test_only_the_int8_depthwise_kernel_runs_in_place(cnn, name):
    # the planner runs the depthwise conv (op 2) in place whenever its input and output are
    # whole bytes of one width; of the C kernels only es_depthwise_conv2d_s8 has an in-place twin
    from edgesmith.codegen.c_plan import out_of_place_op_types, plan_c_arena
    from edgesmith.memory import plan_arena
    from edgesmith.quant import quantize_graph

    graph, calib = cnn
    qgraph = quantize_graph(graph, calib) if name == "int8" else quantized(cnn, name)[0]
    free = plan_arena(qgraph, "optimal", inputs_in_arena=True, alignment=16)
    planner = [r.op_index for r in free.inplace_ops if r.op_type == "depthwise_conv2d"]
    assert planner == ([] if name in ("w4a4", "w2a2") else [2])
    assert [r.op_index for r in plan_c_arena(qgraph).inplace_ops] == ([2] if name == "int8"
                                                                      else [])
    assert out_of_place_op_types(qgraph) == ([] if name == "int8" else ["depthwise_conv2d"])
    report = verify_host(qgraph, prepare_inputs(qgraph, calib[:8]))
    assert report.ok, report.first_mismatch

"""Every op the C runtime runs, through the code generator, against the simulator.

One-op graphs (built with the runtime tests' helpers) cover the op types the
public models do not use, and multi-input graphs the model API's argument
order; a chain of elementwise ops between two depthwise convs covers every op
the generated code runs in place.
"""

import numpy as np
import pytest

from edgesmith.codegen import C_INPLACE_OPS, generate_c
from edgesmith.ir import AffineFormat, Graph, Op, Tensor
from edgesmith.verify.host import verify_host

from tests.runtime.harness import fmt, random_int8, single_op

RNG_SEED = 7
SOFTMAX_OUT = fmt(1 / 256, -128)


def x(rng, *shape):
    return (random_int8(rng, (3, *shape), extremes=True), fmt(0.05, 3), False)


def per_channel(scales, axis):
    return AffineFormat(scales, [0] * len(scales), axis=axis)


def bias(rng, channels, in_scale, w_scales):
    scales = np.float32(in_scale) * np.asarray(w_scales, np.float32)
    return (rng.integers(-3000, 3000, channels, dtype=np.int32),
            AffineFormat(scales, [0] * channels, axis=0 if channels > 1 else None, bits=32), True)


def _cases(rng):
    w4 = [0.02, 0.01, 0.03, 0.015]
    yield single_op("conv2d", [x(rng, 6, 6, 3), (random_int8(rng, (4, 3, 3, 3)),
                                                  per_channel(w4, 0), True),
                               bias(rng, 4, 0.05, w4)], fmt(0.1, -5),
                    {"stride": (2, 1), "pads": (1, 1, 1, 1), "activation": "relu6"})
    yield single_op("depthwise_conv2d", [x(rng, 5, 5, 2), (random_int8(rng, (1, 3, 3, 4)),
                                                            per_channel(w4, 3), True),
                                         bias(rng, 4, 0.05, w4)], fmt(0.08, 0),
                    {"pads": (1, 1, 1, 1), "depth_multiplier": 2})
    yield single_op("fully_connected", [x(rng, 3, 4), (random_int8(rng, (5, 12)),
                                                       AffineFormat([0.01], [0]), True), None],
                    fmt(0.2, 10), {"activation": "relu"})
    for pool in ("avg_pool2d", "max_pool2d"):
        yield single_op(pool, [x(rng, 7, 5, 3)], fmt(0.05, 3),
                        {"kernel": (3, 3), "stride": (2, 2), "pads": (1, 1, 1, 1)})
    yield single_op("add", [x(rng, 4, 5, 3), (random_int8(rng, (1, 1, 1, 3)), fmt(0.1, -2), True)],
                    fmt(0.12, 1), {"activation": "relu"})
    yield single_op("mul", [x(rng, 4, 1, 3), x(rng, 1, 5, 1)], fmt(0.01, 0))
    for op in ("quantize", "relu", "relu6", "relu_n1_to_1"):
        yield single_op(op, [x(rng, 2, 9)], fmt(0.03, -7))
    yield single_op("softmax", [x(rng, 3, 7)], SOFTMAX_OUT, {"beta": 0.5})
    yield single_op("logistic", [x(rng, 16)], SOFTMAX_OUT)
    yield single_op("tanh", [x(rng, 4, 4)], fmt(1 / 128, 0))
    yield single_op("mean", [x(rng, 4, 6, 3)], fmt(0.04, 2), {"axes": (1, 2), "keepdims": True})
    yield single_op("pad", [x(rng, 3, 4, 2)], fmt(0.05, 3),
                    {"pads": ((0, 0), (1, 2), (0, 1), (0, 0))})
    yield single_op("concat", [x(rng, 2, 3, 4), x(rng, 2, 3, 1)], fmt(0.05, 3), {"axis": -1})
    yield single_op("reshape", [x(rng, 4, 6)], fmt(0.05, 3), {"shape": (1, 24)}, out_shape=(1, 24))


CASES = list(_cases(np.random.default_rng(RNG_SEED)))


@pytest.mark.parametrize("case", CASES, ids=[c.op.type for c in CASES])
def test_one_op_models_equal_the_simulator(case, tmp_path):
    generate_c(case.graph, tmp_path / "model", name="one_op")
    report = verify_host(case.graph, case.feeds, code_dir=tmp_path / "model")
    assert report.ok and report.samples == 3, report.first_mismatch


def elementwise_chain() -> tuple[Graph, dict]:
    """x -> depthwise -> relu -> relu6 -> relu_n1_to_1 -> tanh -> logistic -> quantize -> add(u)
    -> mul(c) -> abs -> leaky_relu -> prelu(c) -> sub(u) -> squared_difference(u) -> maximum(k)
    -> minimum(k) -> hard_swish -> elu -> rsqrt -> neg -> depthwise stride 2: every op runs in
    place."""
    g = Graph("chain")
    rng = np.random.default_rng(RNG_SEED)
    formats = {"x": fmt(0.05, 3), "d": fmt(0.04, -20), "r1": fmt(0.05, -128),
               "r2": fmt(0.03, -128), "r3": fmt(1 / 128, 0), "t": fmt(1 / 128, 0),
               "s": SOFTMAX_OUT, "q": fmt(0.01, 7), "u": fmt(0.02, -1), "a": fmt(0.02, 0),
               "m": fmt(0.004, 4), "ab": fmt(0.003, -128), "lr": fmt(0.004, -30),
               "pr": fmt(0.005, 2), "sb": fmt(0.03, 5), "sd": fmt(0.05, -128),
               "mx": fmt(0.05, -128), "mn": fmt(0.05, -128),
               "hs": fmt(0.03, -90), "el": fmt(0.02, 40), "rs": fmt(0.04, -128),
               "ng": fmt(0.05, 10)}
    shape = (1, 4, 4, 3)
    for name, f in formats.items():
        g.add_tensor(Tensor(name, shape, "int8", f))
    g.add_tensor(Tensor("y", (1, 2, 2, 3), "int8", fmt(0.01, -3)))
    c = g.add_const("c", np.arange(-6, 6, dtype=np.int8).reshape(1, 4, 1, 3), fmt(0.5, 0))
    w_scales = [0.02, 0.01, 0.03]

    def depthwise(src: str, dst: str, attrs: dict) -> None:
        w = g.add_const(f"{dst}_w", random_int8(rng, (1, 3, 3, 3), extremes=True),
                        per_channel(w_scales, 3))
        b = g.add_const(f"{dst}_b", *bias(rng, 3, formats[src].scale[0], w_scales)[:2])
        g.add_op(Op("depthwise_conv2d", [src, w.name, b.name], [dst], attrs,
                    origin=f"chain depthwise {dst}"))

    depthwise("x", "d", {"pads": (1, 1, 1, 1)})
    chain = [("relu", "d", "r1"), ("relu6", "r1", "r2"), ("relu_n1_to_1", "r2", "r3"),
             ("tanh", "r3", "t"), ("logistic", "t", "s"), ("quantize", "s", "q")]
    for op_type, src, dst in chain:
        g.add_op(Op(op_type, [src], [dst], origin=f"chain {op_type}"))
    g.add_op(Op("add", ["q", "u"], ["a"], origin="chain add"))
    g.add_op(Op("mul", ["a", c.name], ["m"], origin="chain mul"))
    g.add_op(Op("abs", ["m"], ["ab"], origin="chain abs"))
    g.add_op(Op("leaky_relu", ["ab"], ["lr"], {"alpha": 0.3}, origin="chain leaky_relu"))
    g.add_op(Op("prelu", ["lr", c.name], ["pr"], origin="chain prelu"))
    g.add_op(Op("sub", ["pr", "u"], ["sb"], origin="chain sub"))
    g.add_op(Op("squared_difference", ["sb", "u"], ["sd"], origin="chain squared_difference"))
    k = g.add_const("k", np.arange(-6, 6, dtype=np.int8).reshape(1, 4, 1, 3), fmt(0.05, -128))
    g.add_op(Op("maximum", ["sd", k.name], ["mx"], origin="chain maximum"))
    g.add_op(Op("minimum", ["mx", k.name], ["mn"], origin="chain minimum"))
    for op_type, src, dst in [("hard_swish", "mn", "hs"), ("elu", "hs", "el"),
                              ("rsqrt", "el", "rs"), ("neg", "rs", "ng")]:
        g.add_op(Op(op_type, [src], [dst], origin=f"chain {op_type}"))
    depthwise("ng", "y", {"stride": (2, 2), "pads": (0, 1, 0, 1)})
    g.inputs, g.outputs = ["x", "u"], ["y"]
    feeds = {n: random_int8(rng, (5, *shape[1:]), extremes=True) for n in g.inputs}
    return g, feeds


@pytest.mark.parametrize("inplace", [True, False])
def test_every_in_place_kernel_keeps_its_contract(inplace, tmp_path):
    graph, feeds = elementwise_chain()
    generated = generate_c(graph, tmp_path / "chain", inplace=inplace)
    plan = generated.model.plan
    assert {r.op_type for r in plan.inplace_ops} == (set(C_INPLACE_OPS) if inplace else set())
    text = (generated.folder / "chain.c").read_text()
    # on int8 weights, or on the fast set's per-channel table (es_depthwise_conv2d_s8_w16)
    assert (text.count("es_depthwise_conv2d_s8_inplace(") +
            text.count("es_depthwise_conv2d_s8_w16_inplace(")) == (2 if inplace else 0)
    report = verify_host(graph, feeds, code_dir=generated.folder)
    assert report.ok, report.first_mismatch

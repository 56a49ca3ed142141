"""es_svdf_s8 (int16 state) and es_svdf_s8_state8 (int8 state with a zero point) step by
step against the simulator's svdf: outputs and the state itself after every step, on
int8-extreme inputs that saturate the state, with and without a bias; bad arguments are
refused with a status."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.codegen.c_params import kernel_params
from edgesmith.frontends.tflite import load_tflite
from edgesmith.sim import ModelInstance

from tests.recurrent.svdf_models import svdf_model

from .harness import random_int8, runtime

STATE_TYPES = {"int16": ("es_svdf_s8", "int16_t"), "int8": ("es_svdf_s8_state8", "int8_t")}


def _graph(tmp_path, state: str, bias: bool):
    path = tmp_path / f"svdf_{state}_{bias}.tflite"
    path.write_bytes(svdf_model(state, bias=bias, inputs=5, filters=6, rank=3, memory=5, seed=4))
    return load_tflite(path)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("state", sorted(STATE_TYPES))
def test_svdf_steps_equal_the_simulator(tmp_path, state, bias):
    graph = _graph(tmp_path, state, bias)
    op = graph.ops[0]
    kp = kernel_params(op, graph)
    kernel_name, ctype = STATE_TYPES[state]
    assert kp.kernel == kernel_name
    rt = runtime()
    params = rt.struct(kp.args["params"])
    wf, wt = (np.ascontiguousarray(graph.tensors[n].data) for n in op.inputs[1:3])
    b = graph.tensors[op.inputs[3]].data if bias else None
    instance = ModelInstance(graph)
    (state_name,) = instance.state
    c_state = instance.state[state_name][0].copy()  # the reset value (3 for int8 state)
    zero_point = int(c_state[0])
    x = random_int8(np.random.default_rng(5), (16, 5), extremes=True)
    saturated = 0
    for step in range(16):
        want = instance.run(x[step:step + 1])[graph.outputs[0]][0]
        got = np.zeros(2, np.int8)
        rt.ok(getattr(rt.lib, kernel_name)(
            params, rt.ptr("int8_t", np.ascontiguousarray(x[step])), rt.ptr("int8_t", wf),
            rt.ptr(ctype, wt), rt.ffi.NULL if b is None else rt.ptr("int32_t", b),
            rt.ptr(ctype, c_state), rt.ptr("int8_t", got)))
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(c_state, instance.state[state_name][0])
        # the clamp comes before the zero point is added (with wrap-around)
        info = np.iinfo(c_state.dtype)
        unshifted = (c_state.astype(np.int64) - zero_point - info.min) % (1 << info.bits) \
            + info.min
        saturated += int(np.isin(unshifted, (info.min, info.max)).sum())
    assert saturated > 0  # the edge inputs reach the state's clamp


def test_bad_svdf_arguments_are_refused(tmp_path):
    graph = _graph(tmp_path, "int16", True)
    op = graph.ops[0]
    rt = runtime()
    kp = kernel_params(op, graph)
    wf, wt = (np.ascontiguousarray(graph.tensors[n].data) for n in op.inputs[1:3])
    x, out, st = np.zeros(5, np.int8), np.zeros(2, np.int8), np.zeros(30, np.int16)
    args = [rt.ptr("int8_t", x), rt.ptr("int8_t", wf), rt.ptr("int16_t", wt), rt.ffi.NULL]
    status = rt.lib.es_svdf_s8(rt.struct(kp.args["params"]), *args, rt.ffi.NULL,
                               rt.ptr("int8_t", out))
    assert rt.status_name(status) == "ES_ERR_ARG"
    fields = dict(kp.args["params"].fields, rank=4)  # 6 filters are not a multiple of 4
    bad = rt.new("es_svdf_params *", fields)
    status = rt.lib.es_svdf_s8(bad, *args, rt.ptr("int16_t", st), rt.ptr("int8_t", out))
    assert rt.status_name(status) == "ES_ERR_RANGE"

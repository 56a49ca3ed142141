"""Every data-movement op of a fixed-point graph runs in HLS C-simulation bit for bit as in
the simulator: strided walks (``es_hls::gather``), row tables (mirror padding, constant-index
gathers, resizes by a fraction: ``es_hls::gather_table``) and zero padding (``pad``, a row
table with zero rows); with them, the reductions mean, sum, reduce_max and reduce_min
(``es_hls::reduce``). The same graph's C is checked in tests/codegen/test_movement_fx_host.py."""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.hls.tbdata import random_fixed_inputs
from edgesmith.sim import simulate
from edgesmith.verify.csim import verify_csim

from tests.hls.conftest import CLOCK_NS, PART
from tests.hls.fixed_graphs import FixedBuilder, edge_inputs, fx

#: (op, attrs) applied to the image [1, 4, 6, 2]
MOVES = [
    ("transpose", {"perm": (0, 3, 1, 2)}),
    ("slice", {"begin": (0, 1, 0, 1), "size": (1, 2, 3, 1), "strides": (1, 1, 2, 1)}),
    ("tile", {"multiples": (1, 1, 2, 3)}),
    ("pad", {"pads": ((0, 0), (1, 0), (2, 1), (0, 0))}),
    ("pad", {"pads": ((0, 0), (0, 0), (0, 0), (1, 2))}),
    ("mirror_pad", {"pads": ((0, 0), (1, 2), (2, 1), (0, 0)), "mode": "reflect"}),
    ("mirror_pad", {"pads": ((0, 0), (0, 0), (1, 3), (1, 1)), "mode": "symmetric"}),
    ("resize_nearest", {"size": (8, 12)}),
    ("resize_nearest", {"size": (3, 5), "half_pixel_centers": True}),
    ("resize_nearest", {"size": (7, 4), "align_corners": True}),
    ("depth_to_space", {"block": 1}),
    ("space_to_depth", {"block": 2}),
    ("take", {"axis": 2, "indices": (5, 0, 0, 3), "indices_shape": (4,)}),
    ("broadcast_to", {"shape": (1, 3, 4, 6, 2)}),
    ("reverse", {"axes": (1, 2)}),
]


def movement_graph():
    f = FixedBuilder("moves", seed=4)
    img = f.input("img", (1, 4, 6, 2), fx(10, 3, "RND", "SAT"))
    chans = f.input("chans", (1, 4, 6, 4), fx(7, 2))
    outs = [f.op(op, [img], f.formats[img], attrs, name=f"{op}_{k}")
            for k, (op, attrs) in enumerate(MOVES)]
    outs.append(f.op("depth_to_space", [chans], f.formats[chans], {"block": 2},
                     name="depth_to_space_2"))
    outs.append(f.op("concat", [img, chans], fx(8, 3, "RND_CONV", "SAT"), {"axis": -1},
                     name="concat"))
    # reductions: the exact mean rounded once, sums that saturate, the chosen raw value
    for op, axes, out in (("mean", (1, 2), fx(8, 3, "RND_CONV", "SAT")),
                          ("mean", (3,), fx(6, 2, "RND_ZERO", "WRAP")),
                          ("sum", (1, 3), fx(9, 5, "RND", "SAT")),
                          ("reduce_max", (2,), fx(10, 3)),
                          ("reduce_min", (1, 2, 3), fx(8, 3, "RND", "SAT"))):
        outs.append(f.op(op, [img], out, {"axes": axes, "keepdims": op == "sum"},
                         name=f"{op}_{''.join(map(str, axes))}"))
    return f.finish(outs)


@pytest.fixture(scope="module")
def graph():
    return movement_graph()


@pytest.fixture(scope="module")
def batch(graph):
    return edge_inputs(graph, random_fixed_inputs(graph, 20, seed=5))


def test_every_move_lowers_for_c_and_hls(graph):
    from edgesmith.hls.layers import build_layers

    kernels = [layer.kernel for layer in build_layers(graph)]
    assert kernels.count("gather_table") == 7  # 2 pads, 2 mirror pads, 2 fraction resizes, take
    assert kernels.count("gather") == 9 and kernels.count("concatenate") == 1
    assert kernels.count("reduce") == 5


@pytest.mark.usefixtures("toolchain")
@pytest.mark.parametrize("io", ["parallel", pytest.param("stream", marks=pytest.mark.slow)])
def test_hls_csim_equals_the_simulator(graph, batch, io):
    report, run = verify_csim(graph, batch, part=PART, clock_ns=CLOCK_NS, io=io)
    expected = simulate(graph, batch)
    for name in graph.outputs:
        np.testing.assert_array_equal(run.outputs[name], np.asarray(expected[name], np.int64),
                                      err_msg=name)
    assert report.ok and run.returncode == 0

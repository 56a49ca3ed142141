"""es_gather_table_s8 / es_gather_table_fx (the row gather of data-movement ops whose index
map is no strided walk) against the simulator's gather_table, on mirror padding, constant
index gathers and fractional resizes; a row outside the input is refused and nothing is
written."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.ir.ops.gather_table import GATHER_TABLE, row_table
from edgesmith.ir.ops.mirror_pad import MIRROR_PAD
from edgesmith.ir.ops.resize_nearest import RESIZE_NEAREST
from edgesmith.ir.ops.take import TAKE
from edgesmith.boards.host_build import STRICT_C99_FLAGS, build_host_library

from tests.runtime.harness import INCLUDE, RUNTIME, SANITIZE, Runtime, public_cdef

SENTINEL = 0x5A
SHAPE = (1, 5, 4, 3)
MAPS = {
    "mirror_pad": (MIRROR_PAD.move, {"pads": ((0, 0), (2, 1), (0, 3), (0, 0)), "mode": "reflect"}),
    "take": (TAKE.move, {"axis": 2, "indices": (3, 0, 0, 2, 1), "indices_shape": (5,)}),
    "resize_nearest": (RESIZE_NEAREST.move, {"size": (7, 3), "align_corners": False,
                                             "half_pixel_centers": True}),
    "channels_shuffled": (lambda x, a: x[..., [2, 0, 1]], {}),  # rows of one element
}


@pytest.fixture(scope="module")
def rt() -> Runtime:
    source = RUNTIME / "kernels" / "ref" / "es_gather_table_s8.c"
    return Runtime(*build_host_library([source], [INCLUDE], public_cdef(),
                                       cflags=STRICT_C99_FLAGS, sanitize=SANITIZE))


def _table(move, attrs):
    size = int(np.prod(SHAPE))
    index = move(np.arange(size, dtype=np.int64).reshape(SHAPE), attrs)
    run, offsets = row_table(index)
    return index.shape, run, offsets


def _run(rt, tag, run, offsets, x, input_size=None):
    ctype = {"s8": "int8_t", "fx": "int32_t"}[tag]
    table = rt.new("int32_t[]", list(offsets))
    params = rt.new("es_gather_table_params *", {
        "rows": len(offsets), "run": run, "offsets": table,
        "input_size": x.size if input_size is None else input_size})
    out = np.full(len(offsets) * run, SENTINEL, x.dtype)
    status = getattr(rt.lib, f"es_gather_table_{tag}")(params, rt.ptr(ctype, x),
                                                       rt.ptr(ctype, out))
    return status, out


@pytest.mark.parametrize("tag,dtype", [("s8", np.int8), ("fx", np.int32)])
@pytest.mark.parametrize("name", sorted(MAPS))
def test_row_gather_equals_the_simulator(rt, tag, dtype, name):
    move, attrs = MAPS[name]
    out_shape, run, offsets = _table(move, attrs)
    info = np.iinfo(dtype)
    x = np.random.default_rng(len(name)).integers(info.min, info.max, size=SHAPE, endpoint=True,
                                                  dtype=dtype)
    x.flat[:2] = info.min, info.max
    expected = GATHER_TABLE.move(x, {"shape": out_shape, "run": run, "offsets": offsets})
    np.testing.assert_array_equal(expected, move(x, attrs))
    status, out = _run(rt, tag, run, offsets, x)
    assert status == rt.lib.ES_OK
    np.testing.assert_array_equal(out, expected.reshape(-1))


def test_runs_are_as_long_as_the_map_allows():
    assert _table(*MAPS["mirror_pad"])[1] == 3  # whole pixels: the channel axis moves whole
    assert _table(*MAPS["channels_shuffled"])[1] == 1


@pytest.mark.parametrize("offsets,input_size", [((0, 58), 60), ((-1, 0), 60), ((0,), 2)])
def test_a_row_outside_the_input_is_refused(rt, offsets, input_size):
    x = np.zeros(60, np.int8)
    status, out = _run(rt, "s8", 3, offsets, x, input_size)
    assert status == rt.lib.ES_ERR_SHAPE
    assert (out == SENTINEL).all()

"""es_gather_s8 / es_gather_fx (the strided walk every data-movement op is lowered to)
against the simulator's walk, on transposes, reversed and repeated axes, and edge walks;
bad walks are refused with a status and leave the output untouched."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.ir.ops.movement import StridedWalk, walk_gather

from edgesmith.boards.host_build import STRICT_C99_FLAGS, build_host_library

from tests.runtime.harness import INCLUDE, RUNTIME, SANITIZE, Runtime, public_cdef

SENTINEL = 0x5A
MAX_DIMS = 6


@pytest.fixture(scope="module")
def rt() -> Runtime:
    """Both gather kernels, built alone (the s8 runtime of the other tests has no _fx)."""
    sources = [RUNTIME / "kernels" / "ref" / f"es_gather_{tag}.c" for tag in ("s8", "fx")]
    return Runtime(*build_host_library(sources, [INCLUDE], public_cdef(),
                                       cflags=STRICT_C99_FLAGS, sanitize=SANITIZE))


def _params(rt, walk: StridedWalk, input_size: int, rank: int | None = None):
    pad = MAX_DIMS - len(walk.dims)
    return rt.new("es_gather_params *", {
        "rank": len(walk.dims) if rank is None else rank, "offset": walk.offset,
        "dims": list(walk.dims) + [1] * pad, "strides": list(walk.strides) + [0] * pad,
        "input_size": input_size})


def _run(rt, tag: str, walk: StridedWalk, x: np.ndarray, out_size: int, rank=None):
    ctype = {"s8": "int8_t", "fx": "int32_t"}[tag]
    out = np.full(out_size, SENTINEL, x.dtype)
    status = getattr(rt.lib, f"es_gather_{tag}")(_params(rt, walk, x.size, rank),
                                                 rt.ptr(ctype, x), rt.ptr(ctype, out))
    return status, out


WALKS = [
    StridedWalk(0, (4, 6), (1, 4)),                   # a 2-D transpose
    StridedWalk(21, (2, 4, 3), (24, -3, 1)),          # a slice with a step, one axis reversed
    StridedWalk(5, (3, 4), (0, 1)),                   # a row repeated (tile, broadcast)
    StridedWalk(0, (2, 2, 2, 2, 2, 2), (32, 16, 8, 4, 2, 1)),  # six axes
    StridedWalk(47, (48,), (-1,)),                    # everything reversed
    StridedWalk(7, (1,), (0,)),                       # one element
]


@pytest.mark.parametrize("tag,dtype", [("s8", np.int8), ("fx", np.int32)])
@pytest.mark.parametrize("walk", WALKS, ids=lambda w: f"{w.dims}@{w.strides}")
def test_gather_equals_the_simulators_walk(rt, rng, tag, dtype, walk):
    info = np.iinfo(dtype)
    x = rng.integers(info.min, info.max, size=64, endpoint=True, dtype=dtype)
    x[:2] = info.min, info.max
    expected = walk_gather(x[None], walk, (1, int(np.prod(walk.dims))))[0]
    status, out = _run(rt, tag, walk, x, expected.size)
    rt.ok(status)
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("walk,rank,why", [
    (StridedWalk(0, (65,), (1,)), None, "the last read lies past the input"),
    (StridedWalk(3, (5,), (-1,)), None, "a reversed walk reads below element 0"),
    (StridedWalk(-1, (2,), (1,)), None, "a negative offset"),
    (StridedWalk(0, (4,), (1,)), 0, "rank 0"),
    (StridedWalk(0, (4,), (1,)), 7, "rank beyond ES_GATHER_MAX_DIMS"),
    (StridedWalk(0, (0,), (1,)), None, "an empty axis"),
])
def test_bad_walks_are_refused_and_write_nothing(rt, walk, rank, why):
    x = np.arange(64, dtype=np.int8)
    status, out = _run(rt, "s8", walk, x, 70, rank)
    assert status == rt.lib.ES_ERR_SHAPE, why
    assert (out == SENTINEL).all()

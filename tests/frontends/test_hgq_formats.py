"""Each HGQ2 quantizer element is the ``ap_fixed`` format the importer gives it: HGQ2's own
inference output equals ``FixedFormat.quantize`` on values that hit every rounding tie,
both ends of the range and beyond, for every supported rounding and overflow mode, signed
and unsigned lanes, negative integer bits and lanes of no bits."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from tests.helpers.hgq_check import hgq_keras, skip_without_hgq

skip_without_hgq()

#: (k, i, f) per lane: signed, unsigned, negative i, i below -f (raised to -f), a sign
#: bit only, no bits
LANES = [(1, 2, 3), (0, 3, 2), (1, -1, 4), (0, 0, 5), (1, -4, 2), (0, -2, 1), (1, 0, 0), (0, 0, 0)]


def _quantizer(q_type: str, rounding: str, overflow: str):
    from hgq.quantizer import Quantizer, QuantizerConfig

    q = Quantizer(QuantizerConfig(q_type, "datalane", round_mode=rounding,
                                  overflow_mode=overflow, homogeneous_axis=(0,)))
    q.build((None, len(LANES)))
    k, i, f = (np.array([[lane[j] for lane in LANES]], np.float32) for j in range(3))
    inner = q.quantizer
    inner._k.assign(k.astype(np.uint8))
    inner._i.assign(i)
    if q_type == "kif":
        inner._f.assign(f)
    else:
        inner._b.assign(i + f)
    return q


@pytest.mark.parametrize("q_type,rounding,overflow", [
    ("kif", r, o) for r, o in itertools.product(("RND", "TRN", "RND_CONV"),
                                                 ("WRAP", "SAT", "SAT_SYM"))
] + [("kbi", "RND", "SAT_SYM"), ("kbi", "TRN", "SAT")])
def test_formats_equal_hgq2_quantizers(q_type, rounding, overflow):
    keras = hgq_keras()
    from edgesmith.frontends.hgq_formats import element_formats

    q = _quantizer(q_type, rounding, overflow)
    formats = element_formats(q, (1, len(LANES)), "test")
    assert formats[-1] is None  # 0 bits: always 0
    assert formats[0].describe().startswith("fixed<6,3,")  # k + i + f bits, k + i integer
    assert formats[1].describe().startswith("ufixed<5,3,")
    # every multiple of 1/128 over [-12, 12): ties of every lane, and far out of range
    x = np.arange(-12 * 128, 12 * 128, dtype=np.float32)[:, None] / 128
    x = np.repeat(x, len(LANES), axis=1)
    expected = np.asarray(keras.ops.convert_to_numpy(q(x, training=False)), np.float64)
    for lane, fmt in enumerate(formats):
        got = 0.0 if fmt is None else fmt.dequantize(fmt.quantize(x[:, lane]))
        assert_array_equal(np.broadcast_to(got, expected[:, lane].shape), expected[:, lane],
                           err_msg=f"lane {lane} {LANES[lane]} {fmt}")


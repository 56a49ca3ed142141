"""The one first-difference locator of every verification target."""

import numpy as np

from edgesmith.ir import AffineFormat, Graph, Op, Tensor
from edgesmith.ir.packing import pack_subbyte
from edgesmith.verify.target import decode, first_difference


def _graph(bits: int = 8) -> Graph:
    fmt = AffineFormat([0.1], [0], bits=bits)
    tensors = {n: Tensor(n, (1, 2, 3), "int8", fmt) for n in ("x", "a", "b")}
    ops = [Op("relu", ["x"], ["a"], {}, "first"), Op("relu", ["a"], ["b"], {}, "second")]
    return Graph("g", tensors, ops, ["x"], ["b"])


def test_names_the_first_op_and_element_in_the_sample():
    g = _graph()
    expected = {"a": np.zeros((1, 2, 3), np.int8), "b": np.arange(6, dtype=np.int8).reshape(1, 2, 3)}
    traced = [(0, np.zeros(6, np.int8)), (1, np.array([0, 1, 2, 3, 9, 5], np.int8))]
    record = first_difference(g, traced, expected, sample=7)
    assert record == {"op_index": 1, "op_type": "relu", "origin": "second", "tensor": "b",
                      "sample": 7, "index": (1, 1), "ours": 9, "theirs": 4}


def test_an_oracle_reports_the_simulator_as_ours():
    g = _graph()
    expected = {"a": np.ones((1, 2, 3), np.int8), "b": np.ones((1, 2, 3), np.int8)}
    record = first_difference(g, [(0, np.full(6, 3, np.int8))], expected, 0, oracle=True)
    assert (record["ours"], record["theirs"], record["index"]) == (1, 3, (0, 0))


def test_a_wrong_size_and_equal_traces():
    g = _graph()
    expected = {"a": np.ones((1, 2, 3), np.int8), "b": np.ones((1, 2, 3), np.int8)}
    assert first_difference(g, [(0, np.ones(4, np.int8))], expected, 0)["ours"] == "4 values"
    assert first_difference(g, [(0, np.ones(6, np.int8)), (1, np.ones(6, np.int8))],
                            expected, 0) is None


def test_raw_bytes_are_decoded_and_sub_byte_values_unpacked():
    values = np.array([-8, 7, 0, -1, 3, -4], np.int8)
    np.testing.assert_array_equal(decode(_graph(4), "a", pack_subbyte(values, 4).tobytes()),
                                  values)
    np.testing.assert_array_equal(decode(_graph(), "a", values.tobytes()), values)
    np.testing.assert_array_equal(decode(_graph(), "a", values.astype(np.int64)), values)

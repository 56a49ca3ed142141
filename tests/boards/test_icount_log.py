"""The instruction-count log of the QEMU plugin, turned into per-sample and per-op counts."""

from __future__ import annotations

import pytest

from edgesmith.boards.icount import parse_marks

MARKS = {"es_mark_begin": 0x100, "es_mark_end": 0x110, "es_mark_op_done": 0x120,
         "es_mark_op_resume": 0x130}


def test_plain_build_subtracts_the_empty_pair():
    log = "100 50\n110 55\n100 1000\n110 1905\n100 3000\n110 3907\ntotal 4000\n"
    counts = parse_marks(log, MARKS)
    assert counts.marker_overhead == 5
    assert counts.per_sample == [900, 902]
    assert counts.per_op == [[], []]


def test_traced_build_leaves_the_hook_bodies_out():
    # begin at 1000; op 0 ends at 1400, hook body 30; op 1 ends at 1600, hook 30; end at 1650
    log = "100 10\n110 15\n100 1000\n120 1400\n130 1430\n120 1600\n130 1630\n110 1650\n"
    counts = parse_marks(log, MARKS)
    assert counts.per_op == [[400, 170]]
    assert counts.per_sample == [1650 - 1000 - 60 - 5]


def test_a_log_without_markers_is_an_error():
    with pytest.raises(ValueError, match="no begin/end marker pair"):
        parse_marks("total 12\n", MARKS)

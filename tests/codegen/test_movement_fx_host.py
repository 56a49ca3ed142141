"""The data-movement graph of tests/hls/test_data_movement_fx.py as generated C on the host:
transpose, slice, tile, broadcast_to, depth_to_space, space_to_depth, reverse and a
whole-factor resize_nearest lowered to es_gather_fx; mirror_pad, take and resizes by a
fraction to es_gather_table_fx; pad on es_pad_fx (raw 0); concat of two fixed-point types;
mean, sum, reduce_max and reduce_min on es_<op>_fx.
Bit for bit with the simulator, edge values first."""

from __future__ import annotations

from edgesmith.hls.tbdata import random_fixed_inputs
from edgesmith.verify.host import verify_host

from tests.hls.fixed_graphs import edge_inputs
from tests.hls.test_data_movement_fx import movement_graph


def test_generated_c_equals_the_simulator():
    graph = movement_graph()
    batch = edge_inputs(graph, random_fixed_inputs(graph, 20, seed=5))
    report = verify_host(graph, batch)
    assert report.ok, report.first_mismatch
    assert report.samples == 24

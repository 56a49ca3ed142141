"""The pure data-movement ops (slice, tile, broadcast_to, depth_to_space, space_to_depth,
mirror_pad, take, reverse, resize_nearest; SQUEEZE and EXPAND_DIMS as reshape views): the
simulator against LiteRT on converter-built full-int8 models, and the generated C (each op
lowered to one strided gather, or to a row gather where its index map is no strided walk)
against the simulator, and the refusal of a target without the row gather."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.codegen.c_params import C_OP_TYPES
from edgesmith.errors import EdgesmithError, UnsupportedError
from edgesmith.frontends import load_model
from edgesmith.passes.lowering import lower
from edgesmith.sim import simulate
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host
from edgesmith.verify.litert import run_litert

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

SHAPE = (6, 4, 4)
#: case -> (TF function, TFLite op it converts to, IR op, a strided walk? (else a row table))
CASES = {
    "strided_slice": (lambda x: x[:, 1:5:2, ::-1, 1:], "STRIDED_SLICE", "slice", True),
    "strided_slice_shrink": (lambda x: x[:, -2, :, 1:3], "STRIDED_SLICE", "slice", True),
    "slice": (lambda x: tf.slice(x, [0, 1, 0, 1], [1, 3, -1, 2]), "SLICE", "slice", True),
    # every piece used: the converter leaves a split with unused outputs in float
    "split": (lambda x: tf.concat(tf.split(x, 3, axis=1)[::-1], 2), "SPLIT", "slice", True),
    "split_v": (lambda x: tf.concat(tf.split(x, [1, -1, 2], axis=3)[::-1], 3), "SPLIT_V",
                "slice", True),
    "unpack": (lambda x: tf.concat(tf.unstack(x, axis=2)[::-1], 1), "UNPACK", "slice", True),
    "tile": (lambda x: tf.tile(x, [1, 2, 1, 3]), "TILE", "tile", True),
    "broadcast_to": (lambda x: tf.broadcast_to(x[:, :1], [1, 6, 4, 4]), "BROADCAST_TO",
                     "broadcast_to", True),
    "depth_to_space": (lambda x: tf.nn.depth_to_space(x, 2), "DEPTH_TO_SPACE",
                       "depth_to_space", True),
    "space_to_depth": (lambda x: tf.nn.space_to_depth(x, 2), "SPACE_TO_DEPTH",
                       "space_to_depth", True),
    "mirror_pad_reflect": (lambda x: tf.pad(x, [[0, 0], [1, 2], [3, 0], [0, 0]], "REFLECT"),
                           "MIRROR_PAD", "mirror_pad", False),
    "mirror_pad_symmetric": (lambda x: tf.pad(x, [[0, 0], [0, 2], [1, 4], [0, 0]],
                                              "SYMMETRIC"), "MIRROR_PAD", "mirror_pad", False),
    "take": (lambda x: tf.gather(x, [[3, 0], [0, 2]], axis=2), "GATHER", "take", False),
    "reverse": (lambda x: tf.reverse(x, [2, 3]), "REVERSE_V2", "reverse", True),
    "resize_2x": (lambda x: tf.compat.v1.image.resize_nearest_neighbor(x, [12, 8]),
                  "RESIZE_NEAREST_NEIGHBOR", "resize_nearest", True),
    "resize_half_pixel": (lambda x: tf.compat.v1.image.resize_nearest_neighbor(
        x, [7, 5], half_pixel_centers=True), "RESIZE_NEAREST_NEIGHBOR", "resize_nearest", False),
    "resize_align_corners": (lambda x: tf.compat.v1.image.resize_nearest_neighbor(
        x, [9, 3], align_corners=True), "RESIZE_NEAREST_NEIGHBOR", "resize_nearest", False),
}
#: builtin versions the int8 converter writes that LiteRT's reference resolver lacks: their
#: optimized kernels move the same bytes (no arithmetic), so they are the oracle there
NO_REFERENCE_KERNEL = {"tile", "depth_to_space"}
#: ops this TFLite Micro build has no int8 kernel for (it refuses the model at allocation)
NO_TFLM_KERNEL = {"tile"}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request, tmp_path_factory):
    fn, builtin, ir_op, walks = CASES[request.param]
    path = function_int8_tflite(fn, SHAPE, tmp_path_factory.mktemp("move") / "m.tflite")
    assert builtin in tflite_ops(path)
    return request.param, path, ir_op, walks


def test_simulator_equals_litert(case):
    name, path, ir_op, _ = case
    graph = load_model(path)
    assert ir_op in [op.type for op in graph.ops]
    x = edge_int8(SHAPE, samples=40)
    if name in NO_REFERENCE_KERNEL:
        theirs = run_litert(path, x, reference=False).outputs[0]
        np.testing.assert_array_equal(simulate(graph, x)[graph.outputs[0]], theirs)
        return
    report = check_against_litert(path, samples=24, inputs=x)
    assert report.samples == 64 and report.mismatched_samples == 0, report.first_mismatch


def test_generated_c_equals_the_simulator(case):
    name, path, ir_op, walks = case
    graph = load_model(path)
    lowered = [op.type for op in lower(graph, C_OP_TYPES).ops]
    assert ("gather" if walks else "gather_table") in lowered and ir_op not in lowered
    report = verify_host(graph, edge_int8(SHAPE, samples=12, seed=1))
    assert report.samples == 12 and report.ok, report.first_mismatch


def test_a_target_without_the_row_gather_refuses_a_map_that_is_no_walk(case):
    name, path, ir_op, walks = case
    graph = load_model(path)
    if walks:
        assert "gather" in [op.type for op in lower(graph, {"gather"}).ops]
    else:  # a target with the strided gather only (HLS has the row gather too)
        with pytest.raises(UnsupportedError, match=f"{ir_op} of .* no strided walk"):
            lower(graph, {"gather"})


def test_resize_index_rule_of_the_reference_kernel():
    from edgesmith.ir.ops.resize_nearest import source_index

    # by hand from TFLite's rule: floor((i + offset) * scale), or rounded with align_corners
    assert source_index(7, 6, False, False).tolist() == [0, 0, 1, 2, 3, 4, 5]
    assert source_index(7, 6, False, True).tolist() == [0, 1, 2, 3, 3, 4, 5]
    assert source_index(9, 6, True, False).tolist() == [0, 1, 1, 2, 3, 3, 4, 4, 5]
    assert source_index(3, 6, True, True).tolist() == [1, 4, 5]


@pytest.mark.parametrize("builtin,out_shape,operand", [
    ("SQUEEZE", (1, 4, 4), None), ("EXPAND_DIMS", (1, 1, 4, 4, 1), np.array([1], np.int32))])
def test_squeeze_and_expand_dims_are_reshape_views(tmp_path, builtin, out_shape, operand):
    from tests.ops.tflite_writer import T, single_op

    q = {"scale": [0.05], "zero_point": [3]}
    inputs = [T((1, 1, 4, 4), **q)] + ([T((1,), "int32", data=operand)] if operand is not None
                                       else [])
    path = tmp_path / "m.tflite"
    path.write_bytes(single_op(builtin, inputs, [T(out_shape, **q)]))
    graph = load_model(path)
    assert [op.type for op in graph.ops] == ["reshape"]
    if builtin == "EXPAND_DIMS":  # a SQUEEZE without squeeze_dims would drop LiteRT's batch too
        report = check_against_litert(path, samples=16, inputs=edge_int8((1, 4, 4), samples=4))
        assert report.samples == 20 and report.mismatched_samples == 0, report.first_mismatch
    report = verify_host(graph, edge_int8((1, 4, 4), samples=4))
    assert report.samples == 4 and report.ok, report.first_mismatch


def test_batch_axis_is_refused_by_name(tmp_path):
    path = function_int8_tflite(lambda x: tf.tile(x, [2, 1, 1, 1]), SHAPE, tmp_path / "m.tflite")
    with pytest.raises(UnsupportedError, match=r"op 0 TILE: tiling the batch axis"):
        load_model(path)


def test_simulator_equals_tflite_micro(case):
    from edgesmith.verify.tflm import check_against_tflm

    name, path, _, _ = case
    if name in NO_TFLM_KERNEL:
        with pytest.raises(EdgesmithError, match="TFLite Micro cannot load the model"):
            check_against_tflm(path, samples=4)
        return
    report = check_against_tflm(path, samples=16, inputs=edge_int8(SHAPE, samples=8))
    assert report.samples == 24 and report.mismatched_samples == 0, report.first_mismatch
    assert report.oracles_differ == 0, report.first_oracle_difference
    assert (report.litert_error is None) == (name not in NO_REFERENCE_KERNEL)


@pytest.mark.slow
def test_firmware_on_the_emulated_m4_equals_the_simulator(case):
    from edgesmith.verify.qemu import verify_qemu

    _, path, _, _ = case
    graph = load_model(path)
    report = verify_qemu(graph, {graph.inputs[0]: edge_int8(SHAPE, samples=8)},
                         board="mps2-an386")
    assert report.samples == 8 and report.ok, report.first_mismatch

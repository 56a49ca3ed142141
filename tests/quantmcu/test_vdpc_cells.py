"""VDPC in generated C: one read of the model input into cells, the same routing as scanning
each patch's window (``route_patches``): outliers on window borders, in halos, none, all."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from edgesmith.codegen import generate_c
from edgesmith.codegen.c_mixed import routing_cells
from edgesmith.codegen.c_routing import outlier_test
from edgesmith.quant.mixed_patch import MixedPatchModel, feature_map_windows
from edgesmith.quant.vdpc import route_patches
from numpy.testing import assert_array_equal

from tests.patch.graphs import chain_graph, residual_graph

from .test_mixed_c import host_equals_simulator, mixed_model

CASES = [(chain_graph, 2, 2), (chain_graph, 1, 3), (residual_graph, 4, 2)]


def test_byte_test_is_the_vdpc_rule_for_every_zero_point_threshold_and_value():
    q = np.arange(-128, 128)
    for zp in range(-128, 128):
        for threshold in (-5, -1, 0, 1, 2, 63, 64, 100, 127, 128, 200, 254, 255, 256, 400):
            t = outlier_test(zp, threshold)
            assert 0 <= t.low <= 255 and 0 <= t.span <= 255
            got = t.every == 1 or ((q - t.low) % 256 > t.span)
            assert_array_equal(got, np.abs(q - zp) > threshold, err_msg=f"{zp} {threshold}")


def cell_routes(model: MixedPatchModel, x: np.ndarray) -> np.ndarray:
    """The generated code's routing, step by step in NumPy: per band a bitmask of the cell
    columns holding an outlier, then per patch its bands' masks against its columns."""
    cells = routing_cells(model)
    test = outlier_test(model.input_zero_point, model.threshold)
    flat = x.reshape(x.shape[0], -1).astype(np.int32)
    outlier = (test.every == 1) | ((flat - test.low) % 256 > test.span)
    routes = np.zeros((x.shape[0], len(cells.blocks)), dtype=bool)
    for n in range(x.shape[0]):
        masks = []
        for band in cells.bands:
            mask = 0
            for r in range(band.rows):
                start = band.from_offset + r * band.from_pitch
                for j in np.flatnonzero(outlier[n, start:start + band.row_bytes]):
                    mask |= 1 << cells.byte_cell[j]
            masks.append(mask)
        for p, block in enumerate(cells.blocks):
            seen = 0
            for b in range(block.first_band, block.first_band + block.rows):
                seen |= masks[b]
            routes[n, p] = (seen & block.columns) != 0
    return routes


def border_inputs(model: MixedPatchModel, value: int) -> np.ndarray:
    """Quiet inputs (the zero point) with ``value`` at one place each: every corner and
    edge middle of every patch's input window (on halos where windows overlap), one
    input with none and one with ``value`` everywhere."""
    q = model.graph
    shape = tuple(q.tensors[q.inputs[0]].shape[1:])
    places = set()
    for rows, cols in feature_map_windows(q, model.plan)[q.inputs[0]]:
        for r in (rows.start, (rows.start + rows.stop - 1) // 2, rows.stop - 1):
            for c in (cols.start, (cols.start + cols.stop - 1) // 2, cols.stop - 1):
                places.add((r, c))
    x = np.full((len(places) + 2,) + shape, model.input_zero_point, dtype=np.int8)
    for k, (r, c) in enumerate(sorted(places)):
        x[k, r, c, k % shape[2]] = value
    x[-1] = value
    return x


@pytest.mark.parametrize("make,split,grid", CASES)
def test_cells_route_as_the_windows_do(make, split, grid):
    model = mixed_model(make, split, grid)
    zp = model.input_zero_point
    windows = feature_map_windows(model.graph, model.plan)[model.graph.inputs[0]]
    _, _, width, _ = model.graph.tensors[model.graph.inputs[0]].shape
    # the windows overlap (halos), so the cells are finer than the windows
    assert len(routing_cells(model).bands) > model.plan.grid
    assert sum(c.size for _, c in windows) > width
    rng = np.random.default_rng(grid)
    for threshold in (-1, 0, 30, 100, 255):
        m = replace(model, threshold=threshold)
        far = zp + threshold + 1 if zp + threshold + 1 <= 127 else zp - threshold - 1
        borders = border_inputs(m, int(np.clip(far, -128, 127)))
        noise = rng.integers(-128, 128, (8,) + borders.shape[1:]).astype(np.int8)
        x = np.concatenate([borders, noise])
        expected = route_patches(m.graph, m.plan, x, threshold)
        assert_array_equal(cell_routes(m, x), expected)
        quiet, everywhere = len(borders) - 2, len(borders) - 1
        assert expected[quiet].all() == (threshold < 0) and expected[quiet].any() == (threshold < 0)
        if 0 <= threshold < 255:  # one outlier reaches some patches, not all
            assert expected[everywhere].all()
            assert expected[:quiet].any(axis=1).all() and not expected[:quiet].all()


@pytest.mark.parametrize("threshold", [-1, 30, 100])
def test_generated_code_routes_border_and_halo_outliers_as_the_simulator(tmp_path, threshold):
    """On the host (the portable byte test; QEMU runs the Arm SIMD one in the slow test):
    the narrow (span < 128) and wide (span >= 128) forms of the test, and "every"."""
    model = replace(mixed_model(chain_graph, 2, 2), threshold=threshold)
    zp = model.input_zero_point
    wide = outlier_test(zp, threshold)
    assert wide.every == (threshold < 0)
    assert threshold < 0 or (wide.span >= 128) == (threshold >= 64)
    far = zp + threshold + 1 if zp + threshold + 1 <= 127 else zp - threshold - 1
    x = np.concatenate([border_inputs(model, max(-128, min(127, far))),
                        border_inputs(model, -128), border_inputs(model, 127)])
    folder = generate_c(model.graph, tmp_path / "m", mixed=model).folder
    routes = host_equals_simulator(model, x, folder)
    assert routes.all() if threshold < 0 else routes.any() and not routes.all()


def test_more_cell_columns_than_a_mask_holds_is_a_clear_error():
    from edgesmith.codegen.c_routing import MAX_CELL_COLUMNS, routing_cells as cells_of
    from edgesmith.errors import UnsupportedError
    from edgesmith.memory.patch_windows import Span

    def windows(n):  # n overlapping windows in one row: 2n - 1 cell columns
        return [(Span(0, 4), Span(2 * k, 2 * k + 3)) for k in range(n)]

    assert len(cells_of(windows(16), 40, 1).byte_cell) == 33  # 31 columns fit
    with pytest.raises(UnsupportedError, match=f"up to {MAX_CELL_COLUMNS} cells"):
        cells_of(windows(17), 40, 1)


@pytest.mark.slow
@pytest.mark.parametrize("threshold", [30, 100])
def test_qemu_firmware_routes_border_and_halo_outliers_as_the_simulator(threshold):
    """The Arm SIMD byte test (__usub8, __uqsub8) on the M4, narrow and wide spans."""
    from edgesmith.boards.toolchain import require_tool
    from edgesmith.errors import EdgesmithError
    from edgesmith.verify.qemu import verify_qemu

    try:
        require_tool("qemu-system-arm")
        require_tool("arm-none-eabi-gcc")
    except EdgesmithError as exc:
        pytest.skip(str(exc))
    model = replace(mixed_model(chain_graph, 2, 2), threshold=threshold)
    zp = model.input_zero_point
    far = zp + threshold + 1 if zp + threshold + 1 <= 127 else zp - threshold - 1
    x = np.concatenate([border_inputs(model, far), border_inputs(model, -128)])
    routes = route_patches(model.graph, model.plan, x, threshold)
    assert routes.any() and not routes.all()
    report = verify_qemu(model.graph, {model.graph.inputs[0]: x}, board="mps2-an386",
                         mixed=model)
    assert report.ok, report.first_mismatch

"""Our fixed-point arithmetic against the ap_types headers (HLS C-simulation).

* Casts: ap_cast_harness.cpp compares ``es_sim::fx::cast`` with ap_fixed
  assignment for every target ap_[u]fixed<W, I, Q, O> (I from -2 to W + 2,
  every Q and O), over every value of wider source types (see the harness).
  The default run takes W in DEFAULT_WIDTHS; the slow run the other widths.
  The raw ap results of the small widths also go through the Python binding
  ``_sim.fixed_cast``, so the module is checked, not only the header.
* Refusals: each cast our rule refuses must abort inside the headers (the
  harness checks that in a child process) and raise ValueError here; WRAP_SM
  and saturation bits N > 0 are refused by FixedFormat itself.
* MAC chains: ap_dense_harness.cpp computes dense layers with ap_fixed
  accumulators; the simulator's dense kernel must give the same bits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from edgesmith import _sim
from edgesmith.ir import FixedFormat, Graph, Op, Tensor, verify_graph
from edgesmith.ir.fixed import OVERFLOW_MODES, ROUNDING_MODES
from edgesmith.sim import simulate
from edgesmith.sim.fixed_kernels import cast_fixed

from .ap_harness import HERE, build, parallel, run

CAST_HARNESS = HERE / "ap_cast_harness.cpp"
DENSE_HARNESS = HERE / "ap_dense_harness.cpp"
DEFAULT_WIDTHS = (1, 2, 3, 4, 8, 16)  # build time: ~20 ms per ap_fixed type
SLOW_WIDTHS = tuple(w for w in range(1, 17) if w not in DEFAULT_WIDTHS)
DUMP_WIDTHS = (1, 2, 3, 4, 8)  # their wide sources are swept exhaustively


@dataclass
class Sweep:
    casts: int = 0
    mismatches: list[str] = field(default_factory=list)
    refused: list[tuple[int, ...]] = field(default_factory=list)
    confirmed: int = 0

    def add(self, output: str) -> None:
        self.mismatches += [line for line in output.splitlines() if line.startswith("mismatch")]
        self.refused += [tuple(int(v) for v in line.split()[1:])
                         for line in output.splitlines() if line.startswith("refused")]
        total = re.search(r"total casts=(\d+) mismatches=\d+ refused=\d+ confirmed=(\d+)", output)
        assert total, f"harness output ends early:\n{output[-2000:]}"
        self.casts += int(total.group(1))
        self.confirmed += int(total.group(2))


def sweep(widths, dump_dir: Path | None = None) -> Sweep:
    def one(width: int) -> str:
        exe = build(CAST_HARNESS, (f"TARGET_W={width}",))
        dump = [str(dump_dir / f"w{width}.bin")] if dump_dir and width in DUMP_WIDTHS else []
        return run(exe, *dump)

    result = Sweep()
    for output in parallel(one, sorted(widths, reverse=True)):  # the slowest first
        result.add(output)
    return result


def targets(width: int):
    """Target formats in the harness order: signed first, I ascending, Q outer, O inner."""
    for signed in (True, False):
        for int_bits in range(-2, width + 3):
            for rounding in ROUNDING_MODES:
                for overflow in OVERFLOW_MODES:
                    yield FixedFormat(width, int_bits, signed, rounding, overflow)


@pytest.fixture(scope="module")
def default_sweep(tmp_path_factory) -> tuple[Sweep, Path]:
    dump_dir = tmp_path_factory.mktemp("ap_dumps")
    return sweep(DEFAULT_WIDTHS, dump_dir), dump_dir


def test_casts_equal_ap_fixed_for_every_mode(default_sweep, capsys):
    result, _ = default_sweep
    assert result.mismatches == [], "\n".join(result.mismatches)
    assert result.casts >= 1_000_000
    with capsys.disabled():
        print(f"\nap_fixed casts compared (W in {DEFAULT_WIDTHS}): {result.casts}, "
              f"mismatches: 0, casts refused: {len(result.refused)}")


def test_refused_casts_abort_in_the_headers_and_raise_here(default_sweep):
    result, _ = default_sweep
    assert result.refused, "the narrow sources should reach the refused casts"
    assert result.confirmed == len(result.refused), "a refused cast did not abort the headers"
    for width, int_bits, signed, q, o, src_width, src_int_bits, src_signed in result.refused:
        target = FixedFormat(width, int_bits, bool(signed), ROUNDING_MODES[q], OVERFLOW_MODES[o])
        source = FixedFormat(src_width, src_int_bits, bool(src_signed))
        with pytest.raises(ValueError, match="cast refused"):
            cast_fixed(np.zeros(1), source, target)


def test_binding_gives_the_dumped_ap_results(default_sweep):
    _, dump_dir = default_sweep
    compared = 0
    for width in DUMP_WIDTHS:
        expected = np.fromfile(dump_dir / f"w{width}.bin", dtype=np.int64)
        offset = 0
        for target in targets(width):
            source = FixedFormat(width + 4, target.integer_bits + 2)
            raw = np.arange(source.qmin, source.qmax + 1, dtype=np.int64)
            ours = _sim.fixed_cast(raw, source.sim_type(), target.sim_type())
            assert_array_equal(ours, expected[offset:offset + raw.size], err_msg=target.describe())
            offset += raw.size
        assert offset == expected.size
        compared += offset
    assert compared >= 1_000_000


def test_wrap_sm_and_saturation_bits_are_refused(capsys):
    refused = 0
    for width in range(1, 17):
        for int_bits in range(-2, width + 3):
            for signed in (True, False):
                for rounding in ROUNDING_MODES:
                    with pytest.raises(ValueError, match="WRAP_SM"):
                        FixedFormat(width, int_bits, signed, rounding, "WRAP_SM")
                    with pytest.raises(ValueError, match="saturation bits"):
                        FixedFormat(width, int_bits, signed, rounding, "SAT", saturation_bits=1)
                    refused += 2
    with capsys.disabled():
        print(f"\nap_fixed types refused by FixedFormat (WRAP_SM, N = 1): {refused}")


@pytest.mark.slow
def test_casts_equal_ap_fixed_for_the_other_widths(capsys):
    result = sweep(SLOW_WIDTHS)
    assert result.mismatches == [], "\n".join(result.mismatches)
    assert result.confirmed == len(result.refused)
    with capsys.disabled():
        print(f"\nap_fixed casts compared (W in {SLOW_WIDTHS}): {result.casts}, mismatches: 0")


# -- multiply-accumulate chains of a dense layer --------------------------------------------
def _format(fields: list[str]) -> FixedFormat:
    width, int_bits, signed, rounding, overflow = fields
    return FixedFormat(int(width), int(int_bits), signed == "1", rounding, overflow)


def dense_cases(output: str):
    """(name, x, w, b, y raw arrays, formats) per case of ap_dense_harness's output."""
    lines = output.splitlines()
    for i in range(0, len(lines), 5):
        header = lines[i].split()
        name, k, out, n = header[1], *map(int, header[2:5])
        formats = [_format(header[j + 1:j + 6]) for j in range(5, len(header), 6)]
        x, w, b, y = (np.array(line.split()[1:], dtype=np.int64) for line in lines[i + 1:i + 5])
        yield name, x.reshape(n, k), w.reshape(out, k), b, y.reshape(n, out), formats


def dense_graph(x_fmt, w_fmt, b_fmt, out_fmt, w, b) -> Graph:
    g = Graph("ap_dense")
    g.add_tensor(Tensor("x", (1, w.shape[1]), "int32", x_fmt))
    g.add_const("w", w.astype(np.int32), w_fmt)
    g.add_const("b", b.astype(np.int32), b_fmt)
    g.add_tensor(Tensor("y", (1, w.shape[0]), "int32", out_fmt))
    g.add_op(Op("fully_connected", ["x", "w", "b"], ["y"]))
    g.inputs, g.outputs = ["x"], ["y"]
    return g


def test_dense_mac_chains_equal_ap_fixed(capsys):
    output = run(build(DENSE_HARNESS))
    chains = 0
    for name, x, w, b, y, (x_fmt, w_fmt, b_fmt, out_fmt) in dense_cases(output):
        graph = dense_graph(x_fmt, w_fmt, b_fmt, out_fmt, w, b)
        verify_graph(graph)
        ours = simulate(graph, x.astype(np.int32))["y"]
        assert_array_equal(ours, y, err_msg=f"{name}: {out_fmt.describe()}")
        chains += y.size
    assert chains > 0
    with capsys.disabled():
        print(f"\nap_fixed dense MAC chains compared: {chains}, mismatches: 0")

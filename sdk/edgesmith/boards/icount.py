"""Exact executed-instruction counts under QEMU, with a TCG plugin of our own.

The plugin (boards/qemu/es_icount_plugin.c) adds 1 to a counter for every guest
instruction executed and logs the counter whenever the guest enters one of the
harness's marker functions (boards/harness/es_marks.h). Counts are exact and
deterministic: one core, no interrupts, no timing dependence. They are
instructions, not cycles. Beside them the plugin estimates Cortex-M4 cycles from
the Technical Reference Manual's timings (boards/qemu/es_m4_cycles.h says what it
models and what not); :mod:`edgesmith.boards.latency` reports both.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..resources import data_path
from .toolchain import require_tool

MARKERS = ("es_mark_begin", "es_mark_end", "es_mark_op_done", "es_mark_op_resume")


def plugin_library() -> Path:
    """The plugin built for this host (cached by content, see host_build)."""
    from .host_build import build_shared_object

    require_tool("cc")
    source = data_path("boards", "qemu", "es_icount_plugin.c")
    return build_shared_object([source], [source.parent], cflags=("-std=c99", "-Wall"))


def marker_addresses(elf: Path) -> dict[str, int]:
    """Addresses of the marker functions in ``elf`` (Thumb bit cleared)."""
    nm = require_tool("arm-none-eabi-nm")
    out = subprocess.run([nm, str(elf)], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] in MARKERS and parts[1] in "Tt":
            found[parts[2]] = int(parts[0], 16) & ~1
    return found


@dataclass
class InstructionCounts:
    """Per sample: instructions in <model>_invoke(), and per op when traced; beside them the
    plugin's estimate of Cortex-M4 cycles (boards/qemu/es_m4_cycles.h), split the same way."""

    per_sample: list[int]
    #: per sample, per op (empty unless the firmware was built with ES_TRACE)
    per_op: list[list[int]]
    #: instructions the begin/end markers add to each count, already subtracted
    marker_overhead: int
    #: estimated Cortex-M4 cycles, per sample and per op (an estimate, not a measurement)
    cycles_per_sample: list[int] = field(default_factory=list)
    cycles_per_op: list[list[int]] = field(default_factory=list)


def parse_marks(log: str, addresses: dict[str, int]) -> InstructionCounts:
    """Turn the plugin's "<address> <count> <cycles>" lines into per-sample and per-op counts.

    The harness runs one empty begin/end pair first: its count is the markers'
    own cost, subtracted from every sample. With ES_TRACE, op i costs
    (op_done_i - the previous op_resume, or begin): the trace hook's body is
    left out, the few instructions that call it are not. Cycles split the same way.
    """
    names = {address: name for name, address in addresses.items()}
    events = []
    for line in log.splitlines():
        address, *counters = line.split()
        if address != "total":
            events.append((names[int(address, 16)], [int(c) for c in counters]))
    per_sample, per_op, overhead = _spans([(n, c[0]) for n, c in events])
    if events and all(len(c) > 1 for _, c in events):
        cycles, cycles_op, _ = _spans([(n, c[1]) for n, c in events])
    else:  # a log of the plugin before it estimated cycles
        cycles, cycles_op = [], []
    return InstructionCounts(per_sample, per_op, overhead, cycles, cycles_op)


def _spans(events: list[tuple[str, int]]) -> tuple[list[int], list[list[int]], int]:
    """Per sample totals and per-op counts of one counter, and the markers' own cost."""
    spans: list[tuple[int, list[int]]] = []
    begin = resume = done = hooks = 0
    ops: list[int] = []
    for name, count in events:
        if name == "es_mark_begin":
            begin, resume, hooks, ops = count, count, 0, []
        elif name == "es_mark_op_done":
            ops.append(count - resume)
            done = count
        elif name == "es_mark_op_resume":
            hooks += count - done
            resume = count
        elif name == "es_mark_end":
            spans.append((count - begin - hooks, ops))
    if not spans:
        raise ValueError("the instruction-count log holds no begin/end marker pair")
    overhead = spans[0][0]
    return [total - overhead for total, _ in spans[1:]], [ops for _, ops in spans[1:]], overhead

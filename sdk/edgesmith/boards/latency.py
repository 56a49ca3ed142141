"""Instructions per inference and per layer on an emulated board, and the time they imply.

Two builds of the same model run under QEMU with the instruction-count
plugin (:mod:`.icount`): the plain firmware gives the count per inference
(``<model>_invoke()``, exactly what an application calls), the ES_TRACE
firmware gives the count of every op. Per-op counts include the few
instructions that call the trace hook after each op, so they add up to a
little more than the plain count; both are reported.

Time is an estimate, not a measurement: instructions x CPI / clock, with the
CPI stated (1 by default; a real Cortex-M4 runs int8 kernels at roughly 1.1-1.6
cycles per instruction because of loads and multiply-accumulates, wait states
on flash add more). Beside it, the plugin's estimate of Cortex-M4 cycles from
the Technical Reference Manual's timings (boards/qemu/es_m4_cycles.h), per
inference and per layer, so that counts can be set beside published cycle
counts; also an estimate (no wait states, no stalls beyond the table).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..ir import Graph
from ..report.metrics import op_macs, total_macs
from .qemu import run_graph
from .registry import Board

DEFAULT_CPI = 1.0


@dataclass
class LayerCount:
    index: int
    type: str
    output: str
    macs: int
    instructions: int
    #: estimated Cortex-M4 cycles (TRM timings, see boards/qemu/es_m4_cycles.h)
    estimated_m4_cycles: int = 0


@dataclass
class LatencyReport:
    model: str
    board: str
    core: str
    clock_hz: int
    samples: int
    macs: int
    #: instructions in one <model>_invoke(), per sample (data can change a few branches)
    instructions_per_sample: list[int]
    cpi: float
    layers: list[LayerCount] = field(default_factory=list)
    #: sum of the per-op counts of the traced build (sample 0)
    traced_instructions: int = 0
    #: per sample: estimated Cortex-M4 cycles of one <model>_invoke() (TRM timings)
    estimated_m4_cycles_per_sample: list[int] = field(default_factory=list)

    @property
    def estimated_m4_cycles(self) -> int:
        """Per inference, the largest over the samples; 0 when the log had no estimate."""
        return max(self.estimated_m4_cycles_per_sample, default=0)

    @property
    def instructions(self) -> int:
        """Per inference: the largest over the samples (the worst case seen)."""
        return max(self.instructions_per_sample)

    @property
    def instructions_per_mac(self) -> float:
        return self.instructions / self.macs if self.macs else float("nan")

    @property
    def estimated_ms(self) -> float:
        return 1e3 * self.instructions * self.cpi / self.clock_hz

    def to_json(self) -> dict:
        payload = asdict(self)
        payload.update(instructions=self.instructions,
                       instructions_per_mac=None if not self.macs else self.instructions_per_mac,
                       estimated_ms=self.estimated_ms,
                       estimated_m4_cycles=self.estimated_m4_cycles,
                       cycle_estimate="Cortex-M4 TRM timings, zero wait states: an estimate",
                       time_assumption=f"instructions x CPI {self.cpi:g} / {self.clock_hz:,} Hz")
        return payload


def measure_latency(graph: Graph, board: Board, *, samples: int = 1, seed: int = 0,
                    per_layer: bool = True, cpi: float = DEFAULT_CPI,
                    model_dir: Path | None = None) -> LatencyReport:
    """Count instructions of ``samples`` random inputs on an emulated ``board``.

    ``model_dir`` counts an already generated C folder of ``graph`` (generated with
    other options, or edited by hand) instead of generating one; both builds use it.
    """
    from ..sim.inputs import random_inputs

    inputs = random_inputs(graph, samples, seed)
    _, plain = run_graph(graph, board, inputs, count_instructions=True, model_dir=model_dir)
    report = LatencyReport(graph.name, board.name, board.core, board.clock_hz, samples,
                           total_macs(graph), plain.instructions.per_sample, cpi,
                           estimated_m4_cycles_per_sample=plain.instructions.cycles_per_sample)
    if per_layer:
        first = {n: a[:1] for n, a in inputs.items()}
        _, traced = run_graph(graph, board, first, count_instructions=True, trace=True,
                              model_dir=model_dir)
        counts = traced.instructions.per_op[0]
        cycles = (traced.instructions.cycles_per_op or [[0] * len(counts)])[0]
        ops = graph.ops if len(counts) == len(graph.ops) else [None] * len(counts)
        for index, (op, count, cyc) in enumerate(zip(ops, counts, cycles)):
            report.layers.append(LayerCount(
                index, op.type if op else "?", op.outputs[0] if op else "",
                op_macs(graph, op) if op else 0, count, cyc))
        report.traced_instructions = sum(counts)
    return report

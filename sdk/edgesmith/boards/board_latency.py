"""Cycles per inference measured on a board over its serial port, beside the emulator's
instruction count for the same firmware code.

The serial harness reads the core's cycle counter around ``<model>_invoke()``
(DWT CYCCNT where the core has one, SysTick otherwise, es_marks.c) and sends
the count with every sample's outputs; its HELLO says the clock the core runs
at, so the time is a measurement: cycles / clock. The instruction count comes
from QEMU and our instruction-count plugin on the board itself when it is
emulated, else on the emulated board with the same core (or at least the same
architecture), so that cycles per instruction can be read off.

On an emulated board the "cycles" are SysTick's, which QEMU ticks from the
host's clock: they show the path works, not how fast a chip is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from ..ir import Graph
from .registry import Board, list_boards


@dataclass
class BoardLatency:
    model: str
    board: str
    port: str
    clock_hz: int
    cycle_counter: str
    samples: int
    cycles_per_sample: list[int]
    #: the emulated board whose instruction count stands beside the cycles (or None)
    emulator_board: str | None
    instructions_per_sample: list[int]

    @property
    def cycles(self) -> int:
        """Per inference: the largest over the samples."""
        return max(self.cycles_per_sample)

    @property
    def measured_ms(self) -> float:
        return 1e3 * self.cycles / self.clock_hz

    @property
    def instructions(self) -> int | None:
        return max(self.instructions_per_sample) if self.instructions_per_sample else None

    @property
    def cycles_per_instruction(self) -> float | None:
        return self.cycles / self.instructions if self.instructions else None

    def to_json(self) -> dict:
        return {**asdict(self), "cycles": self.cycles, "measured_ms": self.measured_ms,
                "instructions": self.instructions,
                "cycles_per_instruction": self.cycles_per_instruction}


def emulator_twin(board: Board) -> Board | None:
    """The board itself if emulated; else an emulated board with the same core, or failing
    that the same architecture (semihosting boards first: their counts are exact)."""
    if board.emulated:
        return board
    emulated = sorted((b for b in list_boards() if b.emulated), key=lambda b: b.io != "semihosting")
    for same in (lambda b: b.core == board.core, lambda b: b.arch == board.arch):
        found = [b for b in emulated if same(b)]
        if found:
            return found[0]
    return None


def measure_on_board(graph: Graph, board: Board, port: str, *, samples: int = 1, seed: int = 0,
                     flash: bool = False, timeout: float | None = None,
                     model_dir: Path | None = None) -> BoardLatency:
    """Run ``samples`` random inputs on the board at ``port`` and count instructions of the
    same inputs on its emulator twin."""
    from ..sim.inputs import random_inputs
    from .qemu import run_graph
    from .serial_link import DEFAULT_TIMEOUT
    from .serial_run import run_graph_on_port

    inputs = random_inputs(graph, samples, seed)
    _, run = run_graph_on_port(graph, board, inputs, port, flash=flash, model_dir=model_dir,
                               timeout=timeout or DEFAULT_TIMEOUT)
    twin = emulator_twin(board)
    counts = []
    if twin is not None:
        _, counted = run_graph(graph, twin, inputs, count_instructions=True, model_dir=model_dir)
        counts = counted.instructions.per_sample
    return BoardLatency(graph.name, board.name, port, run.hello.clock_hz, run.hello.cycle_counter,
                        samples, [int(c) for c in run.cycles], twin.name if twin else None,
                        counts)

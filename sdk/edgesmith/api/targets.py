"""Where a model runs besides the simulator, named as on the command line: ``host`` (the
generated C built here, through cffi), ``qemu:BOARD`` or an emulated board's name (firmware
under QEMU), a board with ``port=`` (firmware over its serial port) and ``hls-csim`` (the HLS
C-simulation). Each is a :class:`~edgesmith.verify.target.Target`; the CLI's `verify` and the
Python API's ``compile``/``verify`` both open them here."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from ..codegen.options import CodeOptions, generate_code
from ..errors import BadArgumentError, EdgesmithError
from ..ir import Graph
from ..quant.mixed_patch import mixed_model_of

#: the named targets; an MCU board name (or qemu:BOARD) is a target too
NAMED_TARGETS = ("host", "hls-csim")


def code_options(graph: Graph, *, name: str | None = None, strategy: str = "optimal",
                 inplace: bool = True, patch: str | None = None, budget_kb: float | None = None,
                 max_extra_macs: float | None = None, kernel_set: str | None = None,
                 optimize: str | None = None, model_path=None) -> CodeOptions:
    """The C code options the CLI flags give (``patch`` "auto" or "SPLIT:GRID"; ``optimize``
    "speed" or "size", as `--optimize`)."""
    from ..memory import STRATEGIES
    from ..memory.patch_search import plan_patches_from_spec

    if strategy not in STRATEGIES:
        raise BadArgumentError(f"unknown strategy {strategy!r}; choose one of "
                               f"{', '.join(sorted(STRATEGIES))}")
    plan = None
    if patch is not None:
        if mixed_model_of(graph) is not None:
            raise EdgesmithError("this model carries its own mixed-precision patch plan; "
                                 "a patch option would replace it", hint="drop the patch option")
        plan = plan_patches_from_spec(
            graph, patch, budget_bytes=None if budget_kb is None else int(budget_kb * 1024),
            max_extra_macs_pct=max_extra_macs)
    return CodeOptions(name=name, strategy=strategy, inplace=inplace, patch=plan,
                       model_path=model_path, kernel_set=kernel_set, optimize=optimize)


def mcu_board_of(where: str):
    """The microcontroller board a target names (``qemu:BOARD`` or ``BOARD``)."""
    from ..boards import get_board

    name = where[5:] if where.startswith("qemu:") else where
    if not name:
        raise BadArgumentError(f"target {where!r} names no board; write qemu:BOARD",
                               hint="`edgesmith boards` lists the boards")
    return get_board(name)


def open_target(graph: Graph, where: str, scratch: Path, options: CodeOptions, *,
                port: str | None = None, flash: bool = False, timeout: float | None = None,
                hls: dict | None = None):
    """The Target running ``graph`` at ``where``, its code generated into ``scratch``."""
    if where == "hls-csim":
        return _csim_target(graph, scratch, hls or {})
    if not graph.is_quantized():
        raise EdgesmithError(f"{graph.name}: generated code runs integer models; quantize it "
                             "first")
    mixed = mixed_model_of(graph)
    options = replace(options, mixed=mixed) if mixed is not None else options
    if where == "host":
        from ..verify.host import HostTarget

        code = generate_code(graph, scratch / "model", options).folder
        return HostTarget(code, graph, name=options.name)
    board = mcu_board_of(where)
    code = generate_code(graph, scratch / "model",
                         options.for_board(board)).folder
    if port is not None:
        from ..boards.serial_link import DEFAULT_TIMEOUT
        from ..verify.serial import SerialTarget

        return SerialTarget(graph, board, port, flash, timeout or DEFAULT_TIMEOUT, code)
    if not board.emulated:
        raise BadArgumentError(f"{board.name} is a real board: give the serial port it is at "
                               "(port=...)", hint="emulated boards run under QEMU without one")
    from ..verify.qemu import QemuTarget

    return QemuTarget(graph, board, code)


def _csim_target(graph: Graph, scratch: Path, hls: dict):
    from ..hls.precision import is_fixed_point
    from ..hls.writer import generate_hls
    from ..verify.csim import CsimTarget

    if not is_fixed_point(graph):
        raise EdgesmithError(f"{graph.name}: the HLS C-simulation runs fixed-point models",
                             hint="quantize with scheme='fixed' (or 'pow2') first")
    # the part only names the Tcl target: the C-simulation is the same for every board
    options = {"board": "pynq-z2", **hls}
    return CsimTarget(generate_hls(graph, scratch / "hls", **options).folder, graph)


class Scratch:
    """A temporary folder that lives as long as the object holding it."""

    def __init__(self, prefix: str):
        self._dir = tempfile.TemporaryDirectory(prefix=prefix)
        self.path = Path(self._dir.name)

    def close(self) -> None:
        self._dir.cleanup()


def verification_batch(graph: Graph, x, samples: int, seed: int, fixed: bool = False) -> dict:
    """``x`` (if given, real values or stored integers) then ``samples`` seeded random
    inputs: what `verify` runs."""
    import numpy as np

    from ..io.arrays import prepare_inputs

    if fixed:
        from ..hls.tbdata import random_fixed_inputs as random_batch
    else:
        from ..sim.inputs import random_inputs as random_batch
    parts = [random_batch(graph, samples, seed)]
    if x is not None:
        parts.insert(0, prepare_inputs(graph, x))
    batch = {n: np.concatenate([p[n] for p in parts]) for n in graph.inputs}
    if batch[graph.inputs[0]].shape[0] == 0:
        raise EdgesmithError("nothing to verify: no random samples and no other inputs")
    return batch

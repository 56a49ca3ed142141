"""One trial: a configuration of the search space quantized, planned, generated, built for
its board and measured. RAM and flash come from the linker, instructions (and the Cortex-M4
cycle estimate) from one inference on the emulated board, accuracy from the simulator, which
is bit-exact with the firmware. Every number is a pure function of the model, the data and
the configuration, so a trial measures the same whichever process or machine runs it; the
result is cached under that content (:mod:`.cache`)."""

from __future__ import annotations

import functools
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import EdgesmithError
from ..ir import Graph
from .cache import (array_digest, config_id, inputs_id, load_result, store_result,
                    trial_folder, trial_key)
from .space import normalized

#: the measured columns of a result row, in order (None where a trial does not measure one)
MEASURES = ("accuracy", "float_accuracy", "accuracy_drop", "instructions", "m4_cycles", "ram",
            "flash", "arena_bytes")


@dataclass(frozen=True)
class TrialInputs:
    """What every trial of a search shares; small enough to ship to Ray workers once."""

    model_bytes: bytes
    #: the model file's suffix, which says how to read the bytes (.keras, .tflite, .esm...)
    model_suffix: str
    data: np.ndarray
    labels: np.ndarray
    calib: np.ndarray

    @functools.cached_property
    def model_digest(self) -> str:
        import hashlib

        return hashlib.sha256(self.model_suffix.encode() + self.model_bytes).hexdigest()

    @functools.cached_property
    def data_digest(self) -> str:
        return array_digest(self.data, self.labels, self.calib)

    @functools.cached_property
    def inputs_id(self) -> str:
        return inputs_id(self.model_digest, self.data_digest)


def read_inputs(model: Path, data, labels, calib_samples: int) -> TrialInputs:
    """The inputs of a search: the model file's bytes, and its first ``calib_samples``
    samples of ``data`` as the calibration slice."""
    data = np.asarray(data)
    if calib_samples < 1:
        raise EdgesmithError("the calibration slice needs at least one sample")
    return TrialInputs(Path(model).read_bytes(), Path(model).suffix, data, np.asarray(labels),
                       data[:calib_samples])


def run_trial(inputs: TrialInputs, config: dict[str, Any]) -> dict[str, Any]:
    """The result row of ``config``: from the cache, else measured and stored."""
    config = normalized(config)
    key = trial_key(inputs.model_digest, inputs.data_digest, config)
    result = load_result(key)
    if result is None:
        started = time.monotonic()
        try:
            result = {"status": "ok", **measure(inputs, config, trial_folder(key))}
        except EdgesmithError as exc:  # a configuration that cannot be built is a result too
            if _of_this_machine(exc):
                raise
            result = {"status": f"failed: {exc.message}", **dict.fromkeys(MEASURES)}
        result["seconds"] = round(time.monotonic() - started, 3)
        store_result(key, result)
    return {"trial": config_id(config), "inputs": inputs.inputs_id, **config, **result}


def _of_this_machine(exc: EdgesmithError) -> bool:
    """A missing tool or an emulator that stopped (a timeout on a busy machine) says nothing
    about the configuration: never stored as its result, the search stops and resumes."""
    from ..boards.qemu import EmulatorError
    from ..boards.toolchain import ToolchainError

    return isinstance(exc, (EmulatorError, ToolchainError))


def measure(inputs: TrialInputs, config: dict[str, Any], folder: Path) -> dict[str, Any]:
    from ..api.evaluate import evaluate_graph

    float_graph = float_graph_of(inputs)
    graph = quantized(float_graph, inputs.calib, config)
    accuracy = evaluate_graph(graph, inputs.data, inputs.labels)["outputs"][0]["accuracy"]
    float_accuracy = _float_accuracy(float_graph, inputs)
    row = {"accuracy": accuracy, "float_accuracy": float_accuracy,
           "accuracy_drop": float_accuracy - accuracy}
    row.update(_measure_code(graph, config, folder))
    return row


def quantized(graph: Graph, calib: np.ndarray, config: dict[str, Any]) -> Graph:
    """The float ``graph`` quantized as ``config`` says (QuantMCU when it has a lambda)."""
    from ..api.loading import quantize_checked

    if config["mixed_lambda"] is not None:
        return _quantized_mixed(graph, calib, config)
    scheme = "int8" if config["scheme"] == "subbyte" else config["scheme"]
    wide = scheme != "int8" or config["scheme"] == "subbyte"
    precision = [p.strip() for p in config["precision"].split(";") if p.strip()]
    return quantize_checked(graph, calib, scheme=scheme,
                            weight_bits=config["weight_bits"] if wide else None,
                            act_bits=config["act_bits"] if wide else None,
                            precision=precision).graph


def _quantized_mixed(graph: Graph, calib: np.ndarray, config: dict[str, Any]) -> Graph:
    """QuantMCU (VDPC + VDQS) on the configuration's patch plan (normalized: never none)."""
    from ..memory.patch_search import plan_patches_from_spec
    from ..quant.calibrate import calibrate
    from ..quant.int8 import quantize_int8
    from ..quant.mixed_patch import META_KEY
    from ..quant.vdqs import MixedSearchConfig, quantize_mixed_patch

    if config["scheme"] != "int8":
        raise EdgesmithError("QuantMCU mixed precision (mixed_lambda) builds on the int8 "
                             f"scheme, not {config['scheme']}")
    if len(graph.inputs) != 1:
        raise EdgesmithError("QuantMCU mixed precision takes single-input models")
    int8_graph = quantize_int8(graph, calibrate(graph, calib))
    plan = plan_patches_from_spec(int8_graph, config["patch"])
    search = MixedSearchConfig(accuracy_weight=float(config["mixed_lambda"]),
                               outlier_percentile=float(config["mixed_percentile"]))
    model = quantize_mixed_patch(graph, calib, plan, search, int8_graph=int8_graph).model
    g = model.graph
    return Graph(g.name, g.tensors, g.ops, g.inputs, g.outputs,
                 {**g.meta, META_KEY: model.to_json()})


def _measure_code(graph: Graph, config: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Arena, RAM, flash and instructions of the generated code (a firmware build on a
    board; on "host" only the planner's arena, which is the RAM the model itself needs)."""
    from ..boards.project import read_model_api
    from ..codegen.options import generate_code

    options = code_options_of(graph, config)
    with tempfile.TemporaryDirectory(prefix="edgesmith-tune-") as tmp:
        if config["board"] == "host":
            code = generate_code(graph, Path(tmp) / "model", options).folder
            arena = read_model_api(code).arena_bytes
            return {"instructions": None, "m4_cycles": None, "ram": arena, "flash": None,
                    "arena_bytes": arena}
        from ..boards import get_board

        board = get_board(config["board"])
        code = generate_code(graph, Path(tmp) / "model", options.for_board(board)).folder
        return _measure_firmware(graph, board, code, folder / "firmware")


def code_options_of(graph: Graph, config: dict[str, Any]):
    """The C code options of ``config`` (a QuantMCU model carries its own patch plan)."""
    from ..api.targets import code_options
    from ..quant.mixed_patch import mixed_model_of

    mixed = mixed_model_of(graph) is not None
    patch = None if config["patch"] == "none" or mixed else config["patch"]
    return code_options(graph, strategy=config["strategy"], patch=patch,
                        optimize=config["optimize"])


def _measure_firmware(graph: Graph, board, code: Path, out: Path) -> dict[str, Any]:
    from ..boards.build import build_firmware
    from ..boards.qemu import run_on_qemu
    from ..sim.inputs import random_inputs

    image = build_firmware(None, board, out, model_dir=code)
    # the input `bench latency` counts: seeded random, the same for every trial
    sample = random_inputs(graph, 1, 0)
    run = run_on_qemu(image, [sample[n] for n in graph.inputs], count_instructions=True)
    counts = run.instructions
    return {"instructions": int(counts.per_sample[0]),
            "m4_cycles": int(counts.cycles_per_sample[0]) if counts.cycles_per_sample else None,
            "ram": image.sizes.ram, "flash": image.sizes.flash,
            "arena_bytes": image.model.arena_bytes}


#: float graphs read in this process, by model digest
_GRAPHS: dict[str, Graph] = {}


def remember_float_graph(inputs: TrialInputs, graph: Graph) -> None:
    """Keep the graph the caller already read, so this process does not read it again."""
    _GRAPHS[inputs.model_digest] = graph


def float_graph_of(inputs: TrialInputs) -> Graph:
    """The float model, read once per process from its bytes (through a file of its kind)."""
    from ..api.loading import load_graph

    if inputs.model_digest not in _GRAPHS:
        with tempfile.TemporaryDirectory(prefix="edgesmith-tune-model-") as tmp:
            path = Path(tmp) / f"model{inputs.model_suffix}"
            path.write_bytes(inputs.model_bytes)
            graph = load_graph(path)
        if graph.is_quantized():
            raise EdgesmithError("tune searches quantizations: give the float model")
        _GRAPHS.clear()  # one model per search
        _GRAPHS[inputs.model_digest] = graph
    return _GRAPHS[inputs.model_digest]


def _float_accuracy(graph: Graph, inputs: TrialInputs) -> float:
    from ..api.evaluate import evaluate_graph

    return evaluate_graph(graph, inputs.data, inputs.labels)["outputs"][0]["accuracy"]

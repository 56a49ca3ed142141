"""The eight public int8 models: generated C, compiled and run on the host, equals the simulator.

Each model is generated and built once per module (a module-scoped fixture;
host_build caches the library). With ``ES_CODEGEN_SANITIZE=1`` the libraries
are built with ASan + UBSan; test_sanitize.py runs this file that way in a
child process.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from edgesmith.codegen import GeneratedC, generate_c
from edgesmith.frontends.tflite import load_tflite
from edgesmith.ir import Graph
from edgesmith.sim import simulate
from edgesmith.sim.inputs import random_inputs
from edgesmith.verify.host import HostModel
from edgesmith.boards.host_build import STRICT_C99_FLAGS
from edgesmith.verify.inputs import shipped_inputs

from tests.helpers.paths import SHARED_MODELS

MODELS = ["mlperf_tiny/vww_96_int8", "mlperf_tiny/kws_ref_model",
          "mlperf_tiny/pretrainedResnet_quant", "mlperf_tiny/ad01_int8",
          "mlperf_tiny/str_ww_ref_model", "tflm/hello_world_int8", "tflm/person_detect",
          "tflm/micro_speech_quantized"]
SANITIZE = os.environ.get("ES_CODEGEN_SANITIZE") == "1"
ARM_FLAGS = ("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16")


@dataclass
class Built:
    path: Path
    graph: Graph
    generated: GeneratedC

    @functools.cached_property
    def host(self) -> HostModel:
        return HostModel(self.generated.folder, self.graph, sanitize=SANITIZE)

    def inputs(self, random: int, seed: int = 0) -> dict[str, np.ndarray]:
        """The shipped inputs (if any) followed by ``random`` seeded random ones."""
        name = self.graph.inputs[0]
        batch = random_inputs(self.graph, random, seed)[name]
        shipped = shipped_inputs(self.path)
        if shipped is not None:
            batch = np.concatenate([shipped, batch])
        return {name: batch}

    def assert_equal_to_simulator(self, batch: dict[str, np.ndarray]) -> None:
        ours, golden = self.host.run(batch), simulate(self.graph, batch)
        for name in self.graph.outputs:
            np.testing.assert_array_equal(ours[name], golden[name])


@pytest.fixture(scope="module", params=MODELS)
def built(request, tmp_path_factory) -> Built:
    path = SHARED_MODELS / f"{request.param}.tflite"
    graph = load_tflite(path)
    folder = tmp_path_factory.mktemp("generated") / graph.name
    return Built(path, graph, generate_c(graph, folder, model_path=path))


def test_equal_to_simulator_on_shipped_and_random_inputs(built):
    built.assert_equal_to_simulator(built.inputs(random=20))


@pytest.mark.slow
def test_equal_to_simulator_on_200_random_inputs(built):
    built.assert_equal_to_simulator(built.inputs(random=200, seed=1))


def test_header_states_the_planned_arena(built):
    header = (built.generated.folder / f"{built.generated.model.name}.h").read_text()
    macro = built.generated.model.macro
    assert f"#define {macro}_ARENA_SIZE {built.generated.model.plan.arena_bytes} " in header
    # in-place ops (depthwise convs included) may take the arena below the lower bound without
    # them, never below the bytes its own buffers hold at one step
    assert built.generated.model.plan.arena_bytes >= max(built.generated.model.plan.steps)


def _sources(folder: Path) -> list[str]:
    return [str(p) for p in sorted(folder.glob("*.c")) + sorted(folder.glob("runtime/**/*.c"))]


@pytest.mark.parametrize("compiler", ["gcc", "clang"])
def test_compiles_warning_free(built, compiler):
    if shutil.which(compiler) is None:
        pytest.skip(f"{compiler} is not installed")
    folder = built.generated.folder
    for defines in ((), ("-DES_TRACE",)):
        proc = subprocess.run([compiler, *STRICT_C99_FLAGS, *defines, "-fsyntax-only",
                               f"-I{folder}", f"-I{folder / 'runtime/include'}",
                               *_sources(folder)], capture_output=True, text=True, check=False)
        assert proc.returncode == 0 and not proc.stderr, proc.stderr


def test_compiles_warning_free_for_cortex_m4_with_the_arena_as_its_ram(built, tmp_path):
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc is not installed")
    folder, model = built.generated.folder, built.generated.model
    proc = subprocess.run(["arm-none-eabi-gcc", *ARM_FLAGS, *STRICT_C99_FLAGS, "-Os", "-c",
                           f"-I{folder}", f"-I{folder / 'runtime/include'}", *_sources(folder)],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    size = subprocess.run(["arm-none-eabi-size", "-A", f"{model.name}.o"], cwd=tmp_path,
                          capture_output=True, text=True, check=True).stdout
    sections = {line.split()[0]: int(line.split()[1]) for line in size.splitlines()
                if line.startswith(".")}
    # the static arena is all the model's RAM; everything else is flash
    assert sections.get(".bss", 0) == model.plan.arena_bytes
    assert sections.get(".data", 0) == 0

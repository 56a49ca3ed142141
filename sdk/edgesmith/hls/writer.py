"""Write a generated HLS project folder: render the templates, copy the kernel headers.

The folder is self-contained (the ``es_hls`` headers are copied in; only the
``ap_types`` headers come from outside) and is written atomically with
:func:`edgesmith.codegen.c_writer.write_folder_atomically`. It includes a few
test vectors computed by the simulator, so the testbench (and the Vitis HLS
C simulation of ``build_prj.tcl``) runs as generated.
"""

from __future__ import annotations

import functools
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import jinja2
import numpy as np

from ..codegen.c_writer import write_folder_atomically
from ..ir import Graph
from ..resources import data_path
from .project import HlsProject, build_hls_project
from .tbdata import random_fixed_inputs, write_raw

#: output file ({name} is the model's C name) -> template
FILE_TEMPLATES = {
    "{name}.h": "model.h.jinja",
    "{name}.cpp": "model.cpp.jinja",
    "defines.h": "defines.h.jinja",
    "parameters.h": "parameters.h.jinja",
    "weights.h": "weights.h.jinja",
    "{name}_test.cpp": "testbench.cpp.jinja",
    "build_prj.tcl": "build_prj.tcl.jinja",
    "README.md": "README.md.jinja",
}
#: test vectors written into tb_data/
DEFAULT_TB_SAMPLES = 16
INPUTS_FILE, EXPECTED_FILE = "tb_data/inputs.txt", "tb_data/expected.txt"


@dataclass(frozen=True)
class GeneratedHls:
    folder: Path
    project: HlsProject
    files: dict[str, int]

    @property
    def testbench(self) -> Path:
        return self.folder / f"{self.project.name}_test.cpp"

    @property
    def top(self) -> Path:
        return self.folder / f"{self.project.name}.cpp"


def kernel_headers() -> Path:
    return data_path("hls", "include", "es_hls")


@functools.cache
def template_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_path("hls", "templates"))),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        autoescape=False, keep_trailing_newline=True)


def render(project: HlsProject, template: str) -> str:
    text = template_environment().get_template(template).render(m=project)
    return text if text.endswith("\n") else text + "\n"


def generate_hls(graph: Graph, out_dir: str | os.PathLike, *, part: str | None = None,
                 clock_ns: float | None = None,
                 io: str = "parallel", reuse_factor: int = 1, board: str | None = None,
                 name: str | None = None, source: str = "", precision: str = "",
                 tb_samples: int = DEFAULT_TB_SAMPLES, seed: int = 0) -> GeneratedHls:
    """Generate the HLS project of fixed-point ``graph`` at ``out_dir`` (replacing a
    previous one); ``board`` gives the part and clock that are not given."""
    from ..sim import simulate

    if part is None or clock_ns is None:
        from ..boards.fpga_boards import get_fpga_board
        from ..errors import EdgesmithError

        if board is None:
            raise EdgesmithError("say which FPGA: board=..., or part=... and clock_ns=...")
        fpga = get_fpga_board(board)
        part, clock_ns = part or fpga.part, clock_ns or fpga.clock_ns

    project = build_hls_project(graph, io=io, reuse_factor=reuse_factor, part=part,
                                clock_ns=clock_ns, board=board, name=name, source=source,
                                precision=precision or graph.meta.get("precision", ""))
    project.tb_samples = tb_samples
    inputs = random_fixed_inputs(graph, tb_samples, seed)
    expected = simulate(graph, inputs)
    sizes: dict[str, int] = {}

    def write(folder: Path) -> None:
        for pattern, template in FILE_TEMPLATES.items():
            path = pattern.format(name=project.name)
            data = render(project, template).encode("utf-8", "backslashreplace")
            (folder / path).write_bytes(data)
            sizes[path] = len(data)
        shutil.copytree(kernel_headers(), folder / "es_hls")
        for header in sorted((folder / "es_hls").iterdir()):
            sizes[f"es_hls/{header.name}"] = header.stat().st_size
        (folder / "tb_data").mkdir()
        write_raw(folder / INPUTS_FILE, [inputs[n] for n in graph.inputs])
        write_raw(folder / EXPECTED_FILE, [np.asarray(expected[n]) for n in graph.outputs])
        for path in (INPUTS_FILE, EXPECTED_FILE):
            sizes[path] = (folder / path).stat().st_size

    target = write_folder_atomically(Path(out_dir), write)
    return GeneratedHls(target, project, sizes)

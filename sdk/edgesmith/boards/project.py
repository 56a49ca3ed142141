"""Write a self-contained firmware project: generated model + harness + board files.

The folder ``write_project`` produces builds on its own with CMake::

    CMakeLists.txt          boards/cmake/firmware/CMakeLists.txt
    board.cmake             CPU flags and defines, from the board file
    board/linker.ld         from boards/linker/cortex_m.ld.jinja and the board's memory map
    cmake/arm-none-eabi.cmake
    board/es_board_config.h the serial harness's board facts (board_config.py)
    harness/                es_harness.c and friends, es_model_glue.h (generated)
    startup/                es_startup.c (every board), a boot2 stage (RP2040)
    serial/, clock/         UART drivers and clock set-ups (the serial harness)
    model/                  the generated C model (edgesmith generate c)
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..errors import EdgesmithError
from ..ir import Graph
from ..resources import data_path
from .board_config import board_defines, model_hash
from .registry import Board

_HARNESS_FILES = ("es_harness.c", "es_harness_io.h", "es_marks.c", "es_marks.h",
                  "es_semihost.c", "es_semihost.h", "es_serial_harness.c", "es_link.c",
                  "es_link.h")
#: folders copied whole: every UART driver and clock set-up (CMake picks the board's)
_SOURCE_FOLDERS = ("startup", "serial", "clock")


@dataclass(frozen=True)
class ModelApi:
    """What the generated header declares (INTERNALS.md, "Generated C model API")."""

    name: str            # C prefix of the functions: kws_init, kws_invoke...
    prefix: str          # prefix of the macros: KWS_NUM_INPUTS...
    input_bytes: tuple[int, ...]
    output_bytes: tuple[int, ...]
    arena_bytes: int
    #: patches of a mixed-precision patch model, whose branches follow the outputs; or 0
    patch_branches: int = 0
    #: each port's C element type (``<PREFIX>_INPUTk_TYPE``; int8_t in older headers)
    input_types: tuple[str, ...] = ()
    output_types: tuple[str, ...] = ()


def read_model_api(model_dir: Path) -> ModelApi:
    """Find the model header in a generated folder and read its sizes."""
    for header in sorted(model_dir.glob("*.h")):
        text = header.read_text(errors="replace")
        match = re.search(r"#define\s+(\w+)_NUM_INPUTS\s+(\d+)", text)
        if match and re.search(rf"\b{re.escape(header.stem)}_invoke\s*\(", text):
            prefix = match.group(1)
            defines = dict(re.findall(rf"#define\s+{prefix}_(\w+)\s+(-?\d+)", text))
            try:
                inputs = tuple(int(defines[f"INPUT{k}_SIZE"])
                               for k in range(int(defines["NUM_INPUTS"])))
                outputs = tuple(int(defines[f"OUTPUT{k}_SIZE"])
                                for k in range(int(defines["NUM_OUTPUTS"])))
            except KeyError as exc:
                raise EdgesmithError(f"{header}: the model header lacks {prefix}_{exc.args[0]}"
                                     ) from None
            mixed = re.search(rf"\b{re.escape(header.stem)}_patch_branches\s*\(", text)
            types = dict(re.findall(rf"#define\s+{prefix}_(\w+)_TYPE\s+(\w+)", text))
            return ModelApi(header.stem, prefix, inputs, outputs,
                            int(defines.get("ARENA_SIZE", 0)),
                            int(defines.get("NUM_PATCHES", 0)) if mixed else 0,
                            tuple(types.get(f"INPUT{k}", "int8_t") for k in range(len(inputs))),
                            tuple(types.get(f"OUTPUT{k}", "int8_t") for k in range(len(outputs))))
    raise EdgesmithError(f"{model_dir} holds no generated model header "
                         "(a <name>.h declaring <name>_invoke and <NAME>_NUM_INPUTS)")


def generate_model_folder(graph: Graph, dest: Path, board: Board | None = None) -> None:
    """Run the C code generator (``edgesmith generate c``) into ``dest``, with the kernel set
    of ``board``'s core (codegen.c_kernel_sets)."""
    from ..codegen.options import CodeOptions, generate_code

    # the CLI's defaults; a mixed-precision patch model (`edgesmith quantize-mixed`) runs
    # both of its branches
    options = CodeOptions()
    generate_code(graph, dest, options.for_board(board) if board
                  else options)


def write_project(graph: Graph | None, board: Board, dest: Path, *,
                  model_dir: Path | None = None) -> ModelApi:
    """Fill ``dest`` (an empty or new folder) with the firmware project.

    The model comes from the C code generator, or is copied from ``model_dir``
    (a folder generated before, or a hand-written test fixture).
    """
    if model_dir is not None and not Path(model_dir).is_dir():
        raise EdgesmithError(f"model folder {model_dir} does not exist",
                             hint="write one with `edgesmith generate c MODEL -o DIR`")
    dest.mkdir(parents=True, exist_ok=True)
    if model_dir is not None:
        shutil.copytree(model_dir, dest / "model")
    elif graph is not None:
        generate_model_folder(graph, dest / "model", board)
    else:
        raise ValueError("write_project needs a graph or a model folder")
    api = read_model_api(dest / "model")
    boards = data_path("boards")
    shutil.copy2(boards / "cmake" / "firmware" / "CMakeLists.txt", dest / "CMakeLists.txt")
    (dest / "cmake").mkdir(exist_ok=True)
    shutil.copy2(boards / "cmake" / "arm-none-eabi.cmake", dest / "cmake")
    (dest / "harness").mkdir(exist_ok=True)
    for name in _HARNESS_FILES:
        shutil.copy2(boards / "harness" / name, dest / "harness")
    for folder in _SOURCE_FOLDERS:
        shutil.copytree(boards / folder, dest / folder, dirs_exist_ok=True)
    (dest / "board").mkdir(exist_ok=True)
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(str(boards)),
                                   undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    _render(templates, "linker/cortex_m.ld.jinja", dest / "board" / "linker.ld",
            board=board.name, flash_origin=f"0x{board.flash.origin:08X}",
            flash_size=f"0x{board.flash.size:08X}", ram_origin=f"0x{board.ram.origin:08X}",
            ram_size=f"0x{board.ram.size:08X}", stack_bytes=f"0x{board.stack_bytes:X}",
            boot2_origin=f"0x{board.boot2['origin']:08X}" if board.boot2 else "")
    _render(templates, "cmake/board.cmake.jinja", dest / "board.cmake", board=board.name,
            model=api.name, cflags=list(board.cflags), fpu_present=int(board.has_fpu),
            dwt_present=int(board.cycle_counter == "dwt"),
            systick_cycles=int(board.cycle_counter == "systick"), io=board.io,
            uart_driver=board.serial.get("driver", ""), clock_setup=board.clock_setup,
            boot2_source=board.boot2.get("source", ""))
    _render(templates, "harness/es_board_config.h.jinja", dest / "board" / "es_board_config.h",
            board=board.name, defines=board_defines(board))
    _render(templates, "harness/es_model_glue.h.jinja", dest / "harness" / "es_model_glue.h",
            name=api.name, prefix=api.prefix,
            input_size_macros=[f"{api.prefix}_INPUT{k}_SIZE" for k in range(len(api.input_bytes))],
            output_size_macros=[f"{api.prefix}_OUTPUT{k}_SIZE"
                                for k in range(len(api.output_bytes))],
            patch_branches=api.patch_branches,
            hash_bytes=", ".join(f"0x{b:02X}u" for b in model_hash(dest / "model")))
    return api


def _render(env: jinja2.Environment, template: str, target: Path, **values) -> None:
    target.write_text(env.get_template(template).render(**values))

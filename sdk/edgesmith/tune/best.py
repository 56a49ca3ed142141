"""`tune --best DIR`: the chosen configuration's firmware folder (ELF, BIN, HEX and the
generated C), copied from the trial's cached build, with the configuration beside it in
``tune.json``; on "host" the generated C folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from .cache import trial_folder, trial_key
from .space import DEFAULTS, normalized
from .trial import TrialInputs, measure

CONFIG_FILE = "tune.json"


def check_best_folder(out: Path) -> None:
    """Refuse, before a search, a folder that holds something other than an earlier --best."""
    from ..errors import BadArgumentError
    from ..io.outputs import check_output_folder

    check_output_folder(out, "--best folder")
    if out.is_dir() and any(out.iterdir()) and not (out / CONFIG_FILE).is_file():
        raise BadArgumentError(f"--best {out} holds other files; refusing to replace them",
                               hint="choose a new or empty folder")


def write_best(inputs: TrialInputs, row: dict[str, Any], out: Path) -> Path:
    from ..codegen.c_writer import write_folder_atomically

    check_best_folder(out)
    if (out / CONFIG_FILE).is_file():  # an earlier --best: replaced by this one
        shutil.rmtree(out)
    config = normalized({name: row[name] for name in DEFAULTS})
    folder = trial_folder(trial_key(inputs.model_digest, inputs.data_digest, config))
    firmware = folder / "firmware"
    if config["board"] != "host" and not (firmware / "firmware.elf").is_file():
        measure(inputs, config, folder)  # the row came from a table, the build is gone: redo
    record = {"configuration": config, "measured": {k: row[k] for k in row
                                                    if k not in DEFAULTS}}

    def write(staging: Path) -> None:
        if config["board"] == "host":
            _host_code(inputs, config, staging / "model")
        else:
            shutil.copytree(firmware, staging, dirs_exist_ok=True)
        (staging / CONFIG_FILE).write_text(json.dumps(record, indent=2, default=str) + "\n")

    return write_folder_atomically(Path(out), write)


def _host_code(inputs: TrialInputs, config: dict[str, Any], out: Path) -> None:
    from ..codegen.options import generate_code
    from .trial import code_options_of, float_graph_of, quantized

    graph = quantized(float_graph_of(inputs), inputs.calib, config)
    generate_code(graph, out, code_options_of(graph, config))

"""Reports of two shared models, written once per test session by the CLI, and the JSON of
the commands whose numbers a page must repeat."""

import json
import re
from pathlib import Path

import pytest

from tests.helpers.cli_run import cli, cli_json
from tests.helpers.paths import HLS4ML_MODELS, SHARED_MODELS

VWW = str(SHARED_MODELS / "mlperf_tiny" / "vww_96_int8.tflite")
JET = [str(HLS4ML_MODELS / "KERAS_3layer.json"), "--weights",
       str(HLS4ML_MODELS / "KERAS_3layer_weights.h5")]
#: the page's embedded numbers (a JSON block, never run)
DATA_BLOCK = re.compile(r'<script type="application/json" id="edgesmith-report">(.*?)</script>',
                        re.S)


def page_data(html: str) -> dict:
    blocks = DATA_BLOCK.findall(html)
    assert len(blocks) == 1, "one JSON block per page"
    return json.loads(blocks[0])


def write_page(folder: Path, name: str, *args: str) -> Path:
    page = folder / name
    proc = cli(folder, "report", *args, "-o", str(page))
    assert proc.returncode == 0, proc.stderr
    return page


@pytest.fixture(scope="session")
def vww_page(tmp_path_factory) -> Path:
    """vww_96_int8 with the patch plan `--patch auto` finds, run on the emulated board."""
    return write_page(tmp_path_factory.mktemp("vww"), "vww.html", VWW, "--patch", "auto",
                      "--board", "mps2-an386")


@pytest.fixture(scope="session")
def jet_page(tmp_path_factory) -> Path:
    """The hls4ml jet tagger (float Keras, fixed<16,6> by default) on the pynq-z2 FPGA."""
    return write_page(tmp_path_factory.mktemp("jet"), "jet.html", *JET, "--target", "pynq-z2")


@pytest.fixture(scope="session")
def vww_commands(tmp_path_factory) -> dict:
    """What `inspect`, `plan`, `plan --patch auto` and `generate c` say about vww_96_int8."""
    folder = tmp_path_factory.mktemp("vww-json")
    return {"inspect": cli_json(folder, "inspect", VWW), "plan": cli_json(folder, "plan", VWW),
            "patch": cli_json(folder, "plan", VWW, "--patch", "auto"),
            "code": cli_json(folder, "generate", "c", VWW, "-o", str(folder / "code"))}

"""`edgesmith report`: one self-contained HTML page about a model (no script, no network).

:func:`build_report` gathers the sections (:mod:`.sections`, :mod:`.tensors`,
:mod:`.targets`) and the numbers behind them; :func:`write_report` renders the Jinja
template and writes the page atomically. The numbers are embedded in the page as a
``<script type="application/json" id="edgesmith-report">`` block (data, never run), named
as `inspect --json`, `plan --json` and `estimate --json` name them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import numpy as np
from markupsafe import Markup

from .. import __version__
from ..errors import EdgesmithError, UnsupportedError
from ..ir import Graph
from .sections import Section, Table, memory_section, ops_sections, patch_section
from .targets import board_section, fpga_board, fpga_section
from .tensors import flash_section, tensors_section

#: random samples for saturation when no calibration data is given
DEFAULT_SAMPLES = 64


@dataclass
class ReportOptions:
    """What to put in the page beside the model's own numbers (defaults: the CLI's)."""

    #: a microcontroller board: instructions per layer when it is emulated here
    board: str | None = None
    #: an FPGA board name or part: DSP, BRAM and latency per layer
    target: str | None = None
    #: a patch plan spec ("auto" or SPLIT:N) and its limits, as `plan --patch`
    patch: str | None = None
    budget_kb: float | None = None
    max_extra_macs: float | None = None
    #: FPGA: reuse factor, I/O style, precision of a float model (`estimate`'s options)
    reuse: int = 1
    io: str = "parallel"
    precision: str | None = None
    #: inputs for saturation: calibration data (real values or stored integers), else
    #: ``samples`` seeded random inputs
    calib: np.ndarray | dict | None = None
    samples: int = DEFAULT_SAMPLES
    seed: int = 0
    source: str = ""
    #: a search of `edgesmith tune` (edgesmith.tune.report_data of its results table): its
    #: Pareto front and plot
    tune: dict | None = None


@dataclass
class Report:
    title: str
    sections: list[Section]
    data: dict = field(default_factory=dict)


def checked_options(o: ReportOptions):
    """Refuse options that cannot go together or name nothing, before any work; the FPGA
    board of ``o.target`` (or None)."""
    if o.patch is not None and o.target is not None:
        raise EdgesmithError("--patch plans microcontroller RAM; an FPGA --target has no arena",
                             hint="drop --patch or --target")
    if o.board is not None and o.target is not None:
        raise EdgesmithError("--board is a microcontroller, --target an FPGA: give one",
                             hint="one report per target")
    if o.precision and o.target is None:
        raise EdgesmithError("--precision is for a float model on an FPGA target",
                             hint="add --target BOARD, or drop --precision")
    if o.board is not None:
        from ..boards import get_board

        get_board(o.board)
    return fpga_board(o.target) if o.target else None


def _deployed_graph(graph: Graph, o: ReportOptions, fpga) -> Graph:
    """The graph the page describes: for an FPGA target, a float model in fixed point."""
    if fpga is None:
        return graph
    from ..hls.precision import fixed_point_graph, is_fixed_point, parse_precision

    if is_fixed_point(graph):
        if o.precision:
            raise EdgesmithError("the model is fixed-point already; --precision is for float "
                                 "models", hint="drop --precision")
        return graph
    return fixed_point_graph(graph, parse_precision(o.precision))


def sample_batch(graph: Graph, o: ReportOptions) -> tuple[dict, str]:
    """The inputs saturation is counted on, and how the page names them."""
    from ..io.arrays import prepare_inputs
    from ..sim.inputs import random_inputs

    if o.calib is not None:
        batch = prepare_inputs(graph, o.calib)
        return batch, "calibration samples"
    return random_inputs(graph, o.samples, o.seed), f"random inputs (seed {o.seed})"


def build_report(graph: Graph, options: ReportOptions | None = None) -> Report:
    """Every section of the page for ``graph``, and the numbers behind them."""
    from ..trees.graph import is_tree_graph

    o = options or ReportOptions()
    if is_tree_graph(graph):
        raise UnsupportedError(f"model {graph.name!r} is a tree ensemble; `edgesmith report` "
                               "describes neural networks only",
                               hint="`edgesmith inspect` lists its trees")
    fpga = checked_options(o)
    graph = _deployed_graph(graph, o, fpga)
    plan = None
    if o.patch is not None:
        from ..memory.patch_search import plan_patches_from_spec

        budget = None if o.budget_kb is None else int(o.budget_kb * 1024)
        plan = plan_patches_from_spec(graph, o.patch, budget_bytes=budget,
                                      max_extra_macs_pct=o.max_extra_macs)
    data = {"model": graph.name, "source": o.source, "edgesmith": __version__,
            "quantized": graph.is_quantized()}
    overview, op_table = ops_sections(graph, data)
    sections = [overview]
    if o.tune is not None:
        from .tune_section import tune_section

        sections.append(tune_section(o.tune, data))
    if plan is not None:  # what the page was asked about first
        sections.append(patch_section(graph, plan, data))
    if fpga is not None:
        sections.append(fpga_section(graph, fpga, data, reuse=o.reuse, io=o.io))
    sections.append(memory_section(graph, data))
    if fpga is None:
        sections.append(board_section(graph, o.board, plan, data))
    sections.append(tensors_section(graph, *sample_batch(graph, o), data))
    sections += [flash_section(graph, data), op_table]
    return Report(f"{graph.name}: edgesmith report", sections, data)


def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    return env.get_template("report.html.jinja")


def render_report(report: Report) -> str:
    """The page's HTML. Charts are our own SVG (escaped where they are drawn); the JSON
    block cannot end the script element early ("</" is written as "<\\/")."""
    sections = [{"id": s.id, "title": s.title, "notes": s.notes, "table": _cells(s.table),
                 "charts": [Markup(c) for c in s.charts]} for s in report.sections]
    payload = json.dumps(report.data, indent=1, default=_jsonable).replace("</", "<\\/")
    return _template().render(title=report.title, sections=sections,
                              data_json=Markup(payload), version=__version__,
                              source=report.data.get("source", ""))


def _cells(table: Table | None) -> dict | None:
    """The table as the template prints it: every cell with its CSS class."""
    if table is None:
        return None
    rows = [[{"text": text, "css": "num" if k in table.numeric else "long"}
             for k, text in enumerate(row)] for row in table.rows]
    return {"headers": table.headers, "rows": rows}


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON-ready")


def check_report_path(path: str | os.PathLike) -> Path:
    """Refuse, before any work, a page path that cannot be written or is not .html."""
    from ..io.outputs import check_output_file

    path = check_output_file(Path(path), "report")
    if path.suffix.lower() not in (".html", ".htm"):
        raise EdgesmithError(f"report {path} must end in .html", hint="e.g. -o report.html")
    return path


def write_report(report: Report, path: str | os.PathLike) -> Path:
    """Write the page at ``path`` through a temporary file (nothing is left on an error)."""
    from ..io.outputs import write_file_atomically

    path = check_report_path(path)
    text = render_report(report).encode("utf-8", "backslashreplace")  # a path not UTF-8
    write_file_atomically(path, lambda fh: fh.write(text))
    return path

"""The `edgesmith` command line."""

from __future__ import annotations

import typer

from .. import __version__
from .board_cmds import bench_app, build_cmd, flash_cmd, list_boards_cmd, run_cmd
from .check_cmd import check_model
from .codegen_cmds import generate_app, plan_model
from .evaluate_cmd import evaluate_model
from .hls_cmds import estimate_model, generate_hls_model
from .mixed_cmds import quantize_mixed_model
from .model_cmds import inspect_model, quantize_model, simulate_model
from .report_cmd import report_model
from .tune_cmd import tune_model
from .verify_cmd import verify_model

app = typer.Typer(
    name="edgesmith",
    help="Put trained neural networks on microcontrollers and FPGAs, bit-exact.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("inspect")(inspect_model)
app.command("check")(check_model)
app.command("quantize")(quantize_model)
app.command("quantize-mixed")(quantize_mixed_model)
app.command("simulate")(simulate_model)
app.command("evaluate")(evaluate_model)
app.add_typer(generate_app, name="generate")
generate_app.command("hls")(generate_hls_model)
app.command("plan")(plan_model)
app.command("verify")(verify_model)
app.command("estimate")(estimate_model)
app.command("boards")(list_boards_cmd)
app.command("build")(build_cmd)
app.command("run")(run_cmd)
app.command("flash")(flash_cmd)
app.add_typer(bench_app, name="bench")
app.command("report")(report_model)
app.command("tune")(tune_model)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"edgesmith {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Put trained neural networks on microcontrollers and FPGAs, bit-exact."""


def main(prog_name: str | None = None) -> None:
    import os

    # this process is ours: TensorFlow (read for .keras files) says nothing unless asked;
    # oneDNN's start-up notice is printed whatever the log level, so its ops are off here
    # (the CLI never computes with TensorFlow, it only reads models with it)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    _printable_streams()
    app(prog_name=prog_name)


def _printable_streams() -> None:
    """A file name that is not valid UTF-8 (Linux allows any bytes) reaches Python as lone
    surrogates; on a strict UTF-8 terminal printing it would fail, so such characters are
    written as backslash escapes instead."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")

"""The `edgesmith` command line."""

from __future__ import annotations

import typer

from .. import __version__
from .check_cmd import check_model
from .model_cmds import inspect_model, quantize_model, simulate_model

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
app.command("simulate")(simulate_model)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"edgesmith {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Put trained neural networks on microcontrollers and FPGAs, bit-exact."""


def main() -> None:
    app()

"""The options of the commands that reach a real board over its serial port:
``run``, ``verify`` and ``bench latency`` take ``--port``, ``--flash`` and ``--timeout``."""

from __future__ import annotations

import typer

PORT_OPTION = typer.Option(
    None, "--port",
    help="The board's serial port: a device (/dev/ttyACM0, COM3) or a pyserial URL "
         "(socket://HOST:PORT). Runs the model on the board through the serial harness.")
FLASH_OPTION = typer.Option(False, "--flash",
                            help="With --port: program the board with the model's firmware "
                                 "first (as `edgesmith flash`).")
TIMEOUT_OPTION = typer.Option(10.0, "--timeout", min=0.1,
                              help="With --port: seconds to wait for each answer of the board.")


def describe_board_run(board_info: dict) -> str:
    """One line about the firmware that answered: board, port, clock, cycle counter."""
    skipped = " (clock set-up skipped: emulated)" if board_info["clock_setup_skipped"] else ""
    return (f"{board_info['board']} at {board_info['port']}, core clock "
            f"{board_info['clock_hz'] / 1e6:g} MHz{skipped}, cycles counted with "
            f"{board_info['cycle_counter']}")

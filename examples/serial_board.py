"""A real board over its serial port: build the firmware, flash it (your tool, or --flash),
then run the model on the board through the port and compare with the simulator.

    python examples/serial_board.py --board nucleo-f411re --out build/fw     # build
    python examples/serial_board.py --board nucleo-f411re --port /dev/ttyACM0 [--flash]

An emulated STM32F405 (QEMU's netduinoplus2) serves its UART as a port too:
`--board netduinoplus2 --port socket://127.0.0.1:PORT` (see examples/README.md).
"""

import argparse
from pathlib import Path

import numpy as np

import edgesmith

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "models"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default=SHARED / "mlperf_tiny" / "kws_ref_model.tflite")
    parser.add_argument("--board", default="netduinoplus2", help="a board (edgesmith boards)")
    parser.add_argument("--port", help="its serial port; without it, only build the firmware")
    parser.add_argument("--flash", action="store_true", help="flash the firmware first")
    parser.add_argument("--out", default="build/serial_fw", help="firmware folder")
    args = parser.parse_args()

    q = edgesmith.load(args.model)
    if args.port is None:
        image = q.build(args.board, args.out)
        print(f"firmware for {args.board}: {image.elf} ({image.sizes.flash} bytes flash); "
              "flash it, then run again with --port")
        return 0
    shape = q.graph.tensors[q.graph.inputs[0]].shape[1:]
    x = np.random.default_rng(0).integers(-128, 128, (4, *shape)).astype(np.int8)
    with q.compile(args.board, port=args.port, flash=args.flash) as board:
        same = np.array_equal(board.predict(x, raw=True), q.predict(x, raw=True))
        report = board.verify(samples=4)
    print(f"{args.board} at {args.port}: equals the simulator bit for bit: {same}; "
          f"verify: {report.samples} samples, ok: {report.ok}")
    return 0 if same and report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

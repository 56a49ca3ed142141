"""The hls4ml jet tagger as HLS C++ for an FPGA: fixed-point and power-of-two weights, each
C-simulated against the simulator bit for bit, with resource and latency estimates.

    python examples/hls_fixed_pow2.py [MODEL.json WEIGHTS.h5] [--board pynq-z2] [--reuse 4]
"""

import argparse
from pathlib import Path

import numpy as np

import edgesmith
from edgesmith.boards.fpga_boards import get_fpga_board
from edgesmith.hls.estimate import estimate_graph

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "models" / "hls4ml"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="*", default=[SHARED / "KERAS_3layer.json",
                                                     SHARED / "KERAS_3layer_weights.h5"])
    parser.add_argument("--board", default="pynq-z2", help="an FPGA board (edgesmith boards)")
    parser.add_argument("--reuse", type=int, default=4, help="reuse factor of the estimate")
    args = parser.parse_args()

    m = edgesmith.load(*args.model)
    features = m.graph.tensors[m.graph.inputs[0]].shape[1:]
    rng = np.random.default_rng(0)
    calib = rng.normal(size=(256, *features)).astype(np.float32)
    x = rng.normal(size=(20, *features)).astype(np.float32)
    board, ok = get_fpga_board(args.board), True
    for scheme in ("fixed", "pow2"):
        q = m.quantize(calib, scheme=scheme)
        with q.compile("hls-csim", board=args.board) as csim:
            same = np.array_equal(csim.predict(x, raw=True), q.predict(x, raw=True))
        est = estimate_graph(q.graph, board, io="parallel", reuse_factor=args.reuse)
        agree = q.evaluate(x)["outputs"][0]["argmax_agreement"]
        print(f"{scheme}: C-simulation equals simulator: {same}; argmax agreement with float "
              f"{agree:.2f}; {est.totals['dsp']} DSP, {est.totals['lut']:,} LUT, "
              f"{est.totals['bram18']} BRAM18 of {board.name}; latency {est.latency_cycles} "
              f"cycles ({est.latency_ns:.0f} ns)")
        ok = ok and same
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

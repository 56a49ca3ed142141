"""QuantMCU on the MLPerf Tiny visual wake words model: patch-based inference with
value-driven mixed precision (outlier patches keep 8 bits, the others run 4-bit feature
maps), its C code verified bit for bit against the simulator on the host.

    python examples/quantmcu_mixed.py [FLOAT_MODEL.tflite] [--patch 7:2] [--out vww_mixed.esm]
"""

import argparse
from pathlib import Path

import numpy as np

import edgesmith
from edgesmith.memory.patch_search import plan_patches_from_spec
from edgesmith.quant.calibrate import calibrate
from edgesmith.quant.int8 import quantize_int8
from edgesmith.quant.mixed_patch import save_mixed_esm
from edgesmith.quant.vdqs import MixedSearchConfig, quantize_mixed_patch

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "models"


def images(rng, n):
    """Mid-grey images, half of them with one bright spot (the outliers VDPC routes to 8 bits)."""
    x = rng.uniform(0.3, 0.7, (n, 96, 96, 3)).astype(np.float32)
    x[::2, rng.integers(0, 90), rng.integers(0, 90)] = 1.0
    return x


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default=SHARED / "mlperf_tiny" / "vww_96_float.tflite",
                        help="the float model (mixed precision needs its float ranges)")
    parser.add_argument("--patch", default="7:2", help="SPLIT:GRID, or auto")
    parser.add_argument("--out", default="vww_mixed.esm")
    args = parser.parse_args()

    graph = edgesmith.load(args.model).graph
    rng = np.random.default_rng(0)
    calib = images(rng, 16)
    int8 = quantize_int8(graph, calibrate(graph, calib))
    plan = plan_patches_from_spec(int8, args.patch)
    config = MixedSearchConfig(widths=(8, 4), accuracy_weight=0.0)
    mixed = quantize_mixed_patch(graph, calib, plan, config, int8_graph=int8).model
    save_mixed_esm(mixed, Path(args.out))
    print(f"patch stage: ops 0..{plan.split} on {plan.grid}x{plan.grid} patches; "
          f"feature-map widths {sorted(set(mixed.widths().values()))}")
    q = edgesmith.load(args.out)  # the .esm carries the mixed-precision patch model
    report = q.verify("host", images(rng, 6), samples=2)
    print(f"host: {report.samples} samples, bit-exact: {report.ok}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env bash
# The main job, end to end, on the default embedded target (an emulated Cortex-M4
# board, mps2-an386, under QEMU): take a shared MLPerf Tiny int8 model, prove the
# golden simulator equal to the LiteRT reference kernels, generate C, build the
# firmware, run it on the emulated board and verify every output bit for bit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
model=${1:-../shared/models/mlperf_tiny/kws_ref_model.tflite}
board=${2:-mps2-an386}
inputs=()
if [ -z "${1:-}" ]; then  # the default model: the input its authors ship, passed explicitly
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    python3 -c 'import sys, numpy as np; np.save(sys.argv[2], np.fromfile(sys.argv[1], np.int8).reshape(1, 49, 10, 1))' \
        ../shared/models/mlperf_tiny/kws_input0_49x10.int8.bin "$tmp/kws_input.npy"
    inputs=(--inputs "$tmp/kws_input.npy")
fi
edgesmith inspect "$model"
edgesmith check "$model" --against litert --samples 200 ${inputs[@]+"${inputs[@]}"}
edgesmith plan "$model"
edgesmith verify "$model" --target "qemu:$board" --samples 100 ${inputs[@]+"${inputs[@]}"}
edgesmith bench latency "$model" --board "$board"

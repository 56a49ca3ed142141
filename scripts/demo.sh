#!/usr/bin/env bash
# The main job, end to end: inspect a shared MLPerf Tiny int8 model and prove the
# golden simulator equal to the LiteRT reference kernels on it, bit for bit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
model=${1:-../shared/models/mlperf_tiny/kws_ref_model.tflite}
edgesmith inspect "$model"
edgesmith check "$model" --against litert --samples 200

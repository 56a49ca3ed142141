#!/usr/bin/env bash
# Set up (if needed) and run the test suite. Pass extra pytest arguments through.
# ES_SLOW=1 also runs the suites marked slow.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
marker=(-m "not slow")
[ "${ES_SLOW:-0}" = 1 ] && marker=()
python3 -m pytest -q "${marker[@]}" "$@"

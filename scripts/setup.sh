#!/usr/bin/env bash
# Set up a fresh machine for edgesmith: system packages (Debian) and the Python package.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(g++ cmake make ninja-build gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  else
    echo "edgesmith needs these Debian packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 2
  fi
fi

python3 -m pip install -q --upgrade pip
# Editable install with the test and benchmark extras (oracles and frontends).
python3 -m pip install -q -e ".[test,bench]"
# Keras 2 for the converter-built LSTM tests (tests/recurrent/test_keras2_lstm.py): it asks
# for the `tensorflow` wheel, which tensorflow-cpu (the keras extra) already is
python3 -c "import tf_keras" 2>/dev/null ||
  python3 -m pip install -q --no-deps "tf-keras>=2.21,<2.22"

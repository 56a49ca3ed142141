"""A stage whose feature-map channels span very different ranges (channel equalization)."""

import numpy as np
from edgesmith.frontends.builder import GraphBuilder

#: output-channel magnitudes of the first conv: channel 3 is 100x narrower than channel 2
CHANNEL_GAINS = np.array([1.0, 0.3, 3.0, 0.03])


def uneven_graph():
    """x 12x12x1 -> conv 3x3 (4 ch, uneven gains, relu) -> depthwise 3x3 x2 (8 ch, relu)
    -> conv 1x1 (4 ch, relu6) -> conv 1x1 (2 ch)."""
    rng = np.random.default_rng(4)
    b = GraphBuilder("uneven")
    x = b.input("x", (1, 12, 12, 1))
    w = rng.uniform(0.2, 1.0, (4, 3, 3, 1)) * CHANNEL_GAINS[:, None, None, None]
    a = b.op("conv2d", [x, b.const("wa", w), b.const("ba", 0.05 * CHANNEL_GAINS)],
             {"pads": (1, 1, 1, 1), "activation": "relu"}, name="a")
    d = b.op("depthwise_conv2d", [a, b.const("wd", rng.uniform(0.1, 1, (1, 3, 3, 8))),
                                  b.const("bd", np.zeros(8))],
             {"pads": (1, 1, 1, 1), "depth_multiplier": 2, "activation": "relu"}, name="d")
    c = b.op("conv2d", [d, b.const("wc", rng.normal(0, 0.5, (4, 1, 1, 8))), None],
             {"activation": "relu6"}, name="c")
    return b.finish([b.op("conv2d", [c, b.const("wo", rng.normal(0, 0.5, (2, 1, 1, 4))),
                                     None], name="out")])


def uneven_calib(n: int = 24, seed: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 1, (n, 12, 12, 1)).astype(np.float32)

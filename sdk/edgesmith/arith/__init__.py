"""The integer facts every backend shares: requantization multipliers, the parameters of
each int8 op, and the accumulator bounds of fixed-point layers.

They sit below the simulator, the quantizer, the C generator and the HLS
generator, so that all of them take the same integers from one place.
"""

"""edgesmith: put trained neural networks on microcontrollers and FPGAs, bit-exact."""

__version__ = "0.1.0"

"""The op set of the edgesmith IR. Importing this package registers every op."""

from . import elementwise, nn  # noqa: F401  (registration side effects)
from .base import (ACTIVATIONS, OP_SPECS, Attr, OpSpec, broadcast_shapes, conv_out_size,
                   infer_shape, same_padding, spec_of, with_defaults)

__all__ = ["ACTIVATIONS", "OP_SPECS", "Attr", "OpSpec", "broadcast_shapes", "conv_out_size",
           "infer_shape", "same_padding", "spec_of", "with_defaults"]

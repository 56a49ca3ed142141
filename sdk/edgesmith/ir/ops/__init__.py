"""The op set of the edgesmith IR: one definition per op type, one file each.

Importing this package registers every op. To add an op, add its file here
and import it below; docs/INTERNALS.md says what a definition holds.
"""

from . import (add, avg_pool2d, batch_norm, concat, conv2d, depthwise_conv2d,  # noqa: F401
               fully_connected, gather, logistic, max_pool2d, mean, mul, pad, quantize, relu,
               reshape, softmax, tanh, transpose)
from . import (broadcast_to, depth_to_space, maximum, minimum, mirror_pad,  # noqa: F401
               resize_nearest, reverse, slice, space_to_depth, take, tile)
from . import gather_table  # noqa: F401  (after gather: the lowering's two primitives)
from . import (abs, leaky_relu, prelu, reduce_max, reduce_min,  # noqa: F401
               squared_difference, sub)
from . import tree_ensemble  # noqa: F401
from . import lstm  # noqa: F401
from . import svdf  # noqa: F401  (stateful: reads and updates a state tensor)
from . import elu, hard_swish, rsqrt  # noqa: F401
from . import l2_normalization  # noqa: F401
from . import arg_max, arg_min  # noqa: F401
from . import sum  # noqa: F401
from . import resize_bilinear  # noqa: F401
from . import batch_matmul  # noqa: F401
from . import transpose_conv  # noqa: F401
from . import log_softmax, neg  # noqa: F401
from . import pad_value  # noqa: F401
from .base import (ACTIVATIONS, OP_DEFS, OP_SPECS, Attr, OpDef, OpSpec, broadcast_shapes,
                   conv_out_size, infer_shape, op_def, op_types, op_def_or_opaque, same_padding, spec_of,
                   tflite_builtins, tflite_op, with_defaults)

__all__ = ["ACTIVATIONS", "OP_DEFS", "OP_SPECS", "Attr", "OpDef", "OpSpec", "broadcast_shapes",
           "conv_out_size", "infer_shape", "op_def", "op_types", "op_def_or_opaque", "same_padding", "spec_of",
           "tflite_builtins", "tflite_op", "with_defaults"]

"""The edgesmith intermediate representation."""

from .fixed import FixedFormat
from .formats import AffineFormat, NumberFormat, describe_format
from .graph import Graph, Op, Tensor
from .ops import (OP_DEFS, OP_SPECS, OpDef, infer_shape, op_def, op_types, same_padding,
                  spec_of, with_defaults)
from .pow2 import Pow2Format
from .summary import graph_summary
from .verify import verify_graph

__all__ = ["AffineFormat", "FixedFormat", "Graph", "NumberFormat", "OP_DEFS", "OP_SPECS", "Op",
           "OpDef", "op_def", "op_types",
           "Pow2Format", "Tensor", "describe_format", "graph_summary", "infer_shape",
           "same_padding", "spec_of", "verify_graph", "with_defaults"]

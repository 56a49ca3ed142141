"""The low-bit branch of mixed-precision patch code (QuantMCU: VDPC + VDQS) as C arguments.

A :class:`~edgesmith.quant.mixed_patch.MixedPatchModel` gives every patch one
of two branches at run time. The generated code carries both in one patch
loop (:mod:`.c_patch_steps`); this module computes what the low-bit branch needs
beyond the 8-bit one, the same way the simulator runs it
(:mod:`edgesmith.quant.mixed_simulate`):

* **kernel calls**: the int8 reference kernels, with the parameters of the
  low-bit graph (``MixedPatchModel.low_bit_graph``: other zero points,
  multipliers and rescaled biases) seen with its 4- and 2-bit feature maps
  widened to 8 bits, and the activation clamp narrowed to the output's range
  (:func:`low_bit_call_values`). Low-bit feature maps are stored one value
  per byte, so the buffers and window copies of both branches are the same;
* **routing** (VDPC): the model input cut into cells along the boundaries of the
  regions the patches' stage ops read, each cell scanned once in C for a value
  with ``|q - zero_point| > threshold``, and per patch the block of cells its
  region covers (:func:`routing_cells`, :mod:`.c_routing`);
* **input requantization**: when the low-bit branch's model input format is
  narrower, the low-bit branch cuts each crop of the model input through a
  256-entry table (:func:`input_requantize_table`): the requantization is a
  function of the int8 code alone, so the table, computed by the simulator's own
  ``quantize``, equals it by construction and the crop costs the low-bit branch
  no more than the copy the 8-bit branch makes (measured: requantizing each crop
  in place with the ``quantize`` kernel made the mixed firmware 8% slower than
  uniform int8 patches).
"""

from __future__ import annotations

from ..errors import UnsupportedError
from ..ir import Graph, Op, Tensor, op_def
from ..quant.mixed_patch import MixedPatchModel, feature_map_windows
from ..arith.widened import is_subbyte, widened_view
from .c_calls import call_values
from .c_routing import RoutingCells
from .c_routing import routing_cells as _cells
from .c_values import CStruct

#: ops that pass values through unchanged: a sub-byte output needs no clamp of its own


def low_bit_call_values(op: Op, graph: Graph) -> tuple[str, dict]:
    """The int8 kernel call of ``op`` on the low-bit branch's ``graph`` (see the module
    docstring): operands widened to 8 bits, the clamp narrowed to a sub-byte output."""
    kernel, values = call_values(op, widened_view(op, graph))
    out = graph.tensors[op.outputs[0]].fmt
    if not is_subbyte(out):
        return kernel, values
    params = values.get("params")
    if not isinstance(params, CStruct) or "activation" not in params.fields:
        if op_def(op.type).pattern == "injective":  # moves values, clamps nothing
            return kernel, values
        raise UnsupportedError(f"{op.origin or op.type}: {kernel} has no output clamp, so its "
                               f"{out.bits}-bit output cannot run on the low-bit branch",
                               hint="keep this feature map at 8 bits (VDQS --widths)")
    clamp = params.fields["activation"]
    fields = {**params.fields, "activation": {"min": max(clamp["min"], out.qmin),
                                              "max": min(clamp["max"], out.qmax)}}
    return kernel, {**values, "params": CStruct(params.ctype, fields)}


def routing_cells(model: MixedPatchModel) -> RoutingCells:
    """The cells of the model input VDPC scans, and each patch's block of them."""
    graph = model.graph
    _, _, width, channels = graph.tensors[graph.inputs[0]].shape
    return _cells(feature_map_windows(graph, model.plan)[graph.inputs[0]], width, channels)


def input_requantize_table(model: MixedPatchModel, low_graph: Graph) -> tuple[int, ...] | None:
    """The low-bit branch's code of each int8 model input code (-128 .. 127, in order),
    computed by the simulator's ``quantize``; None when the two formats are the same."""
    import numpy as np

    from ..sim import simulate

    name = model.graph.inputs[0]
    src, dst = model.graph.tensors[name], low_graph.tensors[name]
    if src.fmt == dst.fmt:
        return None
    wide = Tensor(f"{name}.int8", (1, 256), src.dtype, src.fmt)
    low = Tensor(name, (1, 256), dst.dtype, dst.fmt)
    op = Op("quantize", [wide.name], [name], {}, "low-bit branch input")
    graph = Graph(f"{model.graph.name}.input_requantize", {wide.name: wide, name: low}, [op],
                  [wide.name], [name])
    codes = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    return tuple(int(v) for v in simulate(graph, {wide.name: codes})[name].reshape(-1))

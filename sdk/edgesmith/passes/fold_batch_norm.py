"""FoldBatchNorm: remove every ``batch_norm`` op from a float graph."""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..ir import Graph, Op, Tensor, op_def, with_defaults
from .base import GraphPass, bypass, is_float_const, producer_through_reshapes



def _scale_shift(graph: Graph, bn: Op) -> tuple[np.ndarray, np.ndarray]:
    """(scale, shift) with batch_norm(x) == x * scale + shift, computed in float64."""
    if not all(is_float_const(graph, n) for n in bn.inputs[1:]):
        raise UnsupportedError(f"batch_norm writing {bn.outputs[0]!r} ({bn.origin or 'no origin'}):"
                               " gamma, beta, mean and variance must be float constants")
    gamma, beta, mean, var = (graph.tensors[n].data.astype(np.float64) for n in bn.inputs[1:])
    eps = with_defaults("batch_norm", bn.attrs)["epsilon"]
    scale = gamma / np.sqrt(var + eps)
    return scale, beta - mean * scale


def _foldable_producer(graph: Graph, bn: Op) -> Op | None:
    producer = producer_through_reshapes(graph, bn.inputs[0], keep_last_dim=True)
    if producer is None or op_def(producer.type).weight_axis is None:
        return None
    if producer.attrs.get("activation", "none") != "none":
        return None
    bias = producer.inputs[2] if len(producer.inputs) > 2 else None
    if not is_float_const(graph, producer.inputs[1]) or (bias and not is_float_const(graph, bias)):
        return None
    return producer


def _fold_into(graph: Graph, producer: Op, scale: np.ndarray, shift: np.ndarray) -> None:
    """Scale the producer's weights per output channel and fold the shift into its bias."""
    w_name = producer.inputs[1]
    weights = graph.tensors[w_name].data.astype(np.float64)
    axis = op_def(producer.type).weight_axis
    shape = [1] * weights.ndim
    shape[axis] = -1
    b_name = producer.inputs[2] if len(producer.inputs) > 2 else None
    bias = graph.tensors[b_name].data.astype(np.float64) if b_name else 0.0
    # new constants: the old ones may be shared with another op
    new_w = graph.add_const(f"{w_name}/bn_folded", (weights * scale.reshape(shape)).astype(np.float32))
    new_b = graph.add_const(f"{b_name or producer.outputs[0] + '/bias'}/bn_folded",
                            (bias * scale + shift).astype(np.float32))
    producer.inputs = [producer.inputs[0], new_w.name, new_b.name]


def _lower_to_mul_add(graph: Graph, bn: Op, scale: np.ndarray, shift: np.ndarray) -> None:
    x, out = bn.inputs[0], bn.outputs[0]
    scale_c = graph.add_const(f"{out}/bn_scale", scale.astype(np.float32))
    shift_c = graph.add_const(f"{out}/bn_shift", shift.astype(np.float32))
    scaled = graph.add_tensor(Tensor(graph.unique_name(f"{out}/scaled"),
                                     graph.tensors[x].shape, "float32"))
    at = graph.ops.index(bn)
    graph.ops[at:at + 1] = [
        Op("mul", [x, scale_c.name], [scaled.name], with_defaults("mul", {}), bn.origin),
        Op("add", [scaled.name, shift_c.name], [out], with_defaults("add", {}), bn.origin),
    ]


class FoldBatchNorm(GraphPass):
    """Fold inference batch normalization into the preceding linear op, or lower it.

    Requires: a float graph that passes ``verify_graph``; every ``batch_norm``
    has constant float gamma, beta, mean and variance (else UnsupportedError).
    Rewrites: when the batch norm's input comes from a conv2d,
    depthwise_conv2d or fully_connected (possibly through reshapes that keep
    the channel axis) with constant weights, no fused activation, and a
    single reader all the way, the scale goes into new weight constants and
    the shift into a new bias constant, and the batch norm is removed.
    Otherwise it becomes ``mul`` by a constant scale then ``add`` of a
    constant shift (per channel, broadcast on the last axis).
    Guarantees: no ``batch_norm`` op remains; graph output names are
    unchanged; values equal the batch norm's up to float rounding.
    """

    name = "fold_batch_norm"

    def run(self, graph: Graph) -> None:
        for bn in [op for op in graph.ops if op.type == "batch_norm"]:
            scale, shift = _scale_shift(graph, bn)
            producer = _foldable_producer(graph, bn)
            if producer is None:
                _lower_to_mul_add(graph, bn, scale, shift)
                continue
            _fold_into(graph, producer, scale, shift)
            if not bypass(graph, bn):  # cannot happen: its input has a producer and one reader
                raise AssertionError(f"batch_norm {bn.outputs[0]!r} could not be removed")

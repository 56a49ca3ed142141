"""Evaluate at import the ONNX nodes whose result does not depend on the model input.

Exporters compute shapes inside the graph (``Shape -> Gather -> Unsqueeze -> Concat ->
Reshape`` for a dynamic-batch Flatten), and write Constant nodes. Shape (and Size) are
answered from the static shapes the importer knows, with the batch as 1; every other node
whose inputs are all constants is run once by ONNX's own reference evaluator, so the folded
values mean exactly what the standard says.
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelFormatError

#: nodes never folded: their value depends on randomness
_NEVER = {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
          "Multinomial", "Bernoulli"}


def fold_node(imp, node) -> bool:
    """Fold ``node`` into constants if it can be; True when it was."""
    if node.op_type in ("Shape", "Size") and node.input[0] in imp.values:
        shape = np.array(imp.values[node.input[0]].shape, dtype=np.int64)
        if node.op_type == "Size":
            imp.consts[node.output[0]] = np.array(shape.prod(), dtype=np.int64)
            return True
        attrs = {a.name: a.i for a in node.attribute}
        rank = len(shape)
        start, end = attrs.get("start", 0), attrs.get("end", rank)
        imp.consts[node.output[0]] = shape[slice(start, end)]
        return True
    if node.op_type in _NEVER or any(n and n not in imp.consts for n in node.input):
        return False
    if any(a.type in (5, 10) for a in node.attribute):  # GRAPH, GRAPHS: control flow
        return False
    if node.op_type in ("ConstantOfShape", "Expand"):  # sizes read from a constant
        imp.check_shape([int(d) for d in imp.consts[node.input[-1]].reshape(-1)])
    results = _dequantize(imp, node) if node.op_type == "DequantizeLinear" \
        else _evaluate(imp, node)
    for data in results:
        if np.asarray(data).ndim:
            imp.check_shape(np.asarray(data).shape)
    for name, data in zip(node.output, results):
        if name:
            imp.consts[name] = np.asarray(data)
    return True


def _dequantize(imp, node) -> list:
    """(q - zero point) * scale in float32, per tensor or along ``axis`` (the reference
    evaluator lacks the opsets before 19 of this node)."""
    q = imp.consts[node.input[0]]
    scale = imp.consts[node.input[1]].astype(np.float32)
    zp = imp.consts[node.input[2]] if len(node.input) > 2 and node.input[2] \
        else np.zeros_like(scale, dtype=np.int64)
    shape = [1] * q.ndim
    if scale.size > 1:
        axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
        shape[axis] = -1
    centred = q.astype(np.int64) - zp.astype(np.int64).reshape(shape if zp.size > 1 else ())
    return [centred.astype(np.float32) * scale.reshape(shape if scale.size > 1 else ())]


def _evaluate(imp, node) -> list:
    from onnx import helper
    from onnx.reference import ReferenceEvaluator

    inputs = [n for n in node.input if n]
    feeds = {n: imp.consts[n] for n in inputs}
    graph = helper.make_graph(
        [node], "fold",
        [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(feeds[n].dtype), None)
         for n in inputs],
        [helper.make_tensor_value_info(n, 0, None) for n in node.output if n])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", imp.opset)])
    try:
        return ReferenceEvaluator(model).run(None, feeds)
    except Exception as exc:  # the evaluator raises whatever the op's kernel raises
        raise ModelFormatError(f"{imp.node_title}: cannot evaluate this constant node "
                               f"({type(exc).__name__}: {exc})") from None

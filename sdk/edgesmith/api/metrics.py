"""How close a quantized model's dequantized outputs are to the float model's: accuracy (or
argmax agreement), RMSE, MAE, L2 relative error and cosine similarity, per output and per
layer (each op's dequantized output against the float graph's tensor of the same name)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import ArrayInputError
from ..ir import Graph


def closeness(got: np.ndarray, want: np.ndarray) -> dict:
    """RMSE, MAE, L2 relative error (||got - want|| / ||want||) and cosine similarity of the
    whole batch taken as one vector."""
    got = np.asarray(got, np.float64).reshape(-1)
    want = np.asarray(want, np.float64).reshape(-1)
    diff = got - want
    norm_want, norm_got = float(np.linalg.norm(want)), float(np.linalg.norm(got))
    both = norm_want * norm_got
    return {"rmse": float(np.sqrt(np.mean(diff ** 2))) if diff.size else 0.0,
            "mae": float(np.mean(np.abs(diff))) if diff.size else 0.0,
            "l2_relative": float(np.linalg.norm(diff) / norm_want) if norm_want else None,
            "cosine": float(got @ want / both) if both else None}


def class_of(values: np.ndarray) -> np.ndarray:
    """The predicted class of every sample (argmax over its values)."""
    values = np.asarray(values)
    return values.reshape(values.shape[0], -1).argmax(axis=1)


def accuracy(predicted: np.ndarray, labels: np.ndarray) -> float:
    """Share of samples whose argmax is the label (class indices, or one-hot rows)."""
    labels = np.asarray(labels)
    count = predicted.shape[0]
    if labels.shape[0] != count:
        raise ArrayInputError(f"labels hold {labels.shape[0]} samples; the data {count}",
                              hint="give one label per sample of the data")
    if labels.ndim > 1 and labels.reshape(count, -1).shape[1] > 1:
        labels = class_of(labels)
    return float(np.mean(class_of(predicted) == labels.reshape(count)))


def output_metrics(graph: Graph, outputs: Mapping[str, np.ndarray],
                   reference: Mapping[str, np.ndarray] | None,
                   labels: np.ndarray | None) -> list[dict]:
    """Per output of ``graph``: its metrics against the float ``reference`` outputs (when
    given) and the accuracy against ``labels`` (when given, first output only)."""
    rows = []
    for k, name in enumerate(graph.outputs):
        got = np.asarray(outputs[name])
        row = {"output": name}
        if reference is not None:
            want = np.asarray(reference[name])
            row.update(closeness(got, want))
            if got.reshape(got.shape[0], -1).shape[1] > 1:
                row["argmax_agreement"] = float(np.mean(class_of(got) == class_of(want)))
        if labels is not None and k == 0:
            row["accuracy"] = accuracy(got, labels)
            if reference is not None:
                row["reference_accuracy"] = accuracy(np.asarray(reference[name]), labels)
        rows.append(row)
    return rows


def layer_metrics(qgraph: Graph, q_values: Mapping[str, np.ndarray], float_graph: Graph,
                  f_values: Mapping[str, np.ndarray]) -> list[dict]:
    """Per op of ``qgraph`` whose output the float graph also computes (same name and
    shape): the closeness of its dequantized values to the float ones, in execution order."""
    rows = []
    for index, op in enumerate(qgraph.ops):
        name = op.outputs[0]
        t = qgraph.tensors[name]
        ft = float_graph.tensors.get(name)
        if name not in q_values or name not in f_values or ft is None or ft.shape != t.shape:
            continue
        got = q_values[name] if t.fmt is None else t.fmt.dequantize(q_values[name])
        rows.append({"op_index": index, "op_type": op.type, "tensor": name,
                     **closeness(got, f_values[name])})
    return rows


def worst_layer(rows: list[dict]) -> dict | None:
    """The layer whose relative error grew most over the layer before it: where accuracy
    is lost."""
    best, last, worst = None, 0.0, None
    for row in rows:
        rel = row.get("l2_relative")
        if rel is None:
            continue
        if best is None or rel - last > best:
            best, worst = rel - last, row
        last = rel
    return worst

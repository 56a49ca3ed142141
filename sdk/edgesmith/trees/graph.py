"""A tree ensemble as an IR graph (one ``tree_ensemble`` op) and back.

The graph is what the CLI, the simulator and ``.esm`` files carry; the code
generators read the ensemble back with :func:`graph_ensemble`. Labels and what
the scores equal travel in ``graph.meta``.
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..ir import Graph, Op, Tensor, verify_graph
from ..ir.ops.tree_ensemble import ensemble_of
from ..ir.tree_ensemble import TreeEnsemble


def ensemble_graph(ens: TreeEnsemble, name: str = "trees") -> Graph:
    """One-op graph: input [1, n_features] float32 -> scores [1, K]."""
    library, kind = ens.source
    g = Graph(name, meta={"source": library, "estimator": kind, "output": ens.output,
                          "classes": [_plain(c) for c in ens.classes]})
    x = g.add_tensor(Tensor("input", (1, ens.n_features), "float32"))
    g.inputs.append(x.name)
    consts = [g.add_const("trees/feature", ens.feature),
              g.add_const("trees/threshold", ens.threshold),
              g.add_const("trees/children", np.stack([ens.left, ens.right], axis=1)),
              g.add_const("trees/value", ens.value), g.add_const("trees/roots", ens.roots),
              g.add_const("trees/target", ens.target), g.add_const("trees/base", ens.base)]
    out = g.add_tensor(Tensor("scores", (1, ens.n_outputs), ens.accumulate))
    g.outputs.append(out.name)
    g.add_op(Op("tree_ensemble", [x.name] + [c.name for c in consts], [out.name],
                {"accumulate": ens.accumulate, "average": bool(ens.average),
                 "decision": ens.decision}, f"{library} {kind}".strip()))
    verify_graph(g)
    return g


def is_tree_graph(graph: Graph) -> bool:
    return len(graph.ops) == 1 and graph.ops[0].type == "tree_ensemble"


def graph_ensemble(graph: Graph) -> TreeEnsemble:
    """The ensemble a one-op tree graph holds (thresholds as stored: float or integer)."""
    if not is_tree_graph(graph):
        raise UnsupportedError(f"graph {graph.name!r} is not a tree ensemble")
    op = graph.ops[0]
    args = [None] + [graph.tensors[n].data for n in op.inputs[1:]]
    ens, threshold = ensemble_of(op, args)
    ens.threshold = threshold
    ens.n_features = graph.tensors[op.inputs[0]].shape[1]
    ens.classes = list(graph.meta.get("classes", []))
    ens.output = graph.meta.get("output", "")
    ens.source = (graph.meta.get("source", ""), graph.meta.get("estimator", ""))
    return ens


def _plain(label):
    """A class label as a JSON-friendly Python value."""
    return label.item() if isinstance(label, np.generic) else label

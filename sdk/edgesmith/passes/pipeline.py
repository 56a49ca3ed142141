"""The float graph pipeline: the order of the passes, written once."""

from __future__ import annotations

from ..ir import Graph
from .base import GraphPass, run_steps
from .constant_fold import ConstantFold
from .fold_batch_norm import FoldBatchNorm
from .fold_pad import FoldPad
from .fuse_activation import FuseActivation
from .remove_identity import RemoveIdentity

#: (step name, pass), run in this order
PIPELINE: tuple[tuple[str, GraphPass], ...] = (
    # evaluate constant sub-expressions first so later passes see plain constants
    ("constant_fold", ConstantFold()),
    # zero pads in front of convolutions become conv padding (no padded copy in RAM)
    ("fold_pad", FoldPad()),
    # batch norms fold into conv/dense weights while those have no fused activation yet
    ("fold_batch_norm", FoldBatchNorm()),
    # activations fuse after folding, so conv -> bn -> relu ends as one conv
    ("fuse_activation", FuseActivation()),
    # last: folding and fusing leave reshape chains (Conv1D views) and no-ops behind
    ("remove_identity", RemoveIdentity()),
)


def run_pipeline(graph: Graph, *, verify: bool = False) -> Graph:
    """A canonicalised copy of ``graph``: every step of :data:`PIPELINE` in order.

    The argument is not modified. With ``verify``, :func:`verify_graph` runs
    after every step, and a failure names the step that broke the graph.
    """
    return run_steps(graph, PIPELINE, verify=verify)

"""The totals `edgesmith inspect` prints and the report's page shows: ops, MACs, weight
bytes, the activation-memory lower bound and the state bytes. Above both the metrics and
the memory planner, which the metrics sit below."""

from __future__ import annotations

from .ir import Graph
from .report.metrics import total_macs, weight_bytes


def graph_totals(graph: Graph) -> dict:
    """The totals `edgesmith inspect` prints: ops, MACs, weight bytes, the activation-memory
    lower bound and the bytes of state kept across invocations."""
    from .memory.lifetimes import lower_bound

    return {"ops": len(graph.ops), "macs": total_macs(graph), "weight_bytes": weight_bytes(graph),
            "activation_lower_bound_bytes": lower_bound(graph),
            "state_bytes": sum(t.nbytes for t in graph.state_tensors())}


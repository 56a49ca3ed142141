"""Does an estimate fit its FPGA, and if not, the smallest reuse factor that does."""

from __future__ import annotations

from ..ir import Graph

#: reuse factors tried when looking for one that fits (estimates are cheap: rules, no tools)
MAX_REUSE = 4096


def over_budget(estimate) -> list[str]:
    """The resources an estimate uses more of than the part has."""
    return [key for key, share in estimate.utilization.items() if share > 1.0]


def smallest_fitting_reuse(graph: Graph, board, *, io: str, clock_ns: float | None,
                           start: int = 1) -> int | None:
    """The smallest reuse factor above ``start`` whose estimate fits ``board`` (None when
    none up to MAX_REUSE does). Searched one by one: BRAM use can grow with reuse, so
    fitting is not monotonic in it."""
    from .estimate import estimate_graph

    for reuse in range(start + 1, MAX_REUSE + 1):
        est = estimate_graph(graph, board, io=io, reuse_factor=reuse, clock_ns=clock_ns)
        if not over_budget(est):
            return reuse
    return None

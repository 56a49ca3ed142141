"""Every plan of random graphs is valid, and the strategies keep their promises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edgesmith.memory import check_plan, plan_arena

from .graphs import GraphBuilder

OPS = ("fc", "relu", "add", "reshape", "concat", "softmax")


@st.composite
def graphs(draw):
    """Random DAGs of dense layers, activations, adds, views and concats on [1, n] tensors."""
    b = GraphBuilder("random", (1, draw(st.integers(1, 6)) * 8))
    names = ["x"]
    for i in range(draw(st.integers(1, 9))):
        kind, src = draw(st.sampled_from(OPS)), draw(st.sampled_from(names))
        width = b.graph.tensors[src].shape[-1]
        out = f"t{i}"
        if kind == "fc":
            b.fc(src, out, draw(st.integers(1, 8)) * 8)
        elif kind == "add":
            same = [n for n in names if b.graph.tensors[n].shape == (1, width)]
            b.op("add", [src, draw(st.sampled_from(same))], out)
        elif kind == "reshape":
            b.op("reshape", [src], out, shape=(1, 1, width))
            b.fc(out, f"t{i}_fc", 8)  # reshape back to [1, n] by a dense layer
            out = f"t{i}_fc"
        elif kind == "concat":
            b.op("concat", [src, draw(st.sampled_from(names))], out, axis=-1)
        else:
            b.op(kind, [src], out)
        names.append(out)
    read = {n for op in b.graph.ops for n in op.inputs}
    outputs = [n for n in names if n not in read] + draw(st.lists(st.sampled_from(names),
                                                                  max_size=2, unique=True))
    return b.done(*dict.fromkeys(outputs))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.booleans(), st.booleans(), st.sampled_from([1, 8, 16]))
def test_random_graph_plans(graph, inplace, inputs_in_arena, alignment):
    options = {"inplace": inplace, "inputs_in_arena": inputs_in_arena, "alignment": alignment}
    greedy = plan_arena(graph, "greedy", **options)
    best = plan_arena(graph, "optimal", time_limit_s=2, **options)
    for plan in (greedy, best):
        check_plan(graph, plan)
        assert max(plan.steps) <= plan.ram_bytes
        if not inplace:
            assert plan.lower_bound_bytes <= plan.ram_bytes
    assert best.arena_bytes <= greedy.arena_bytes

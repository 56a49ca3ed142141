"""Run a graph on a batch of inputs, op by op, one kernel call per op.

An op whose first input is a float tensor runs a float32 NumPy kernel from
``sim/float_ref.py``; every other op (and quantize/dequantize, which cross
between the two worlds) runs an integer kernel of :mod:`.int_kernels`, each a
single C++ call over the whole batch; ops on fixed-point or sub-byte tensors
take theirs from the table :mod:`.format_kernels` picks.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import EdgesmithError, UnsupportedError
from ..ir import Graph, Op
from ..ir.ops import op_def_or_opaque
from .format_kernels import kernels_for_formats
from .int_kernels import INT_KERNELS
from .state import initial_state



def simulate(graph: Graph, inputs: np.ndarray | Mapping[str, np.ndarray],
             keep_intermediates: bool = False,
             state: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Outputs of ``graph`` for a batch of ``inputs`` (batch on axis 0, any size N).

    ``inputs`` is an array for a single-input graph, or a dict input name ->
    array. Returns graph output name -> batched array; with
    ``keep_intermediates`` every activation tensor (the inputs and each op
    output) is included too, constants and state are not.

    A stateful graph reads and updates ``state`` in place (name -> batched array, one row per
    sample; :class:`~.state.ModelInstance` keeps one across calls); without it every sample
    starts from fresh state.
    """
    values = _bind_inputs(graph, inputs)
    # read once: the first input may be freed after its last use, the check must not stop
    batch = next(iter(values.values())).shape[0] if values else -1
    values.update(_bind_state(graph, state, batch))
    state_names = {t.name for t in graph.state_tensors()}
    last_use = _last_uses(graph)
    for step, op in enumerate(graph.ops):
        args = [None if n is None else
                graph.tensors[n].data if graph.tensors[n].is_const else values[n]
                for n in op.inputs]
        kernel = _kernel_for(op, graph)
        try:
            out = kernel(op, graph, args)
        except EdgesmithError:
            raise
        except (ValueError, TypeError, RuntimeError) as exc:
            raise EdgesmithError(f"{op.origin or op.type}: simulator kernel failed: {exc}") \
                from exc
        (name,) = op.outputs
        values[name] = _check_output(op, graph, name, out, batch)
        if not keep_intermediates:
            for n in op.inputs:
                if n is not None and last_use.get(n) == step and n not in graph.outputs:
                    values.pop(n, None)
    if keep_intermediates:
        return {n: v for n, v in values.items() if n not in state_names}
    return {name: values[name] for name in graph.outputs}


def _bind_inputs(graph: Graph, inputs) -> dict[str, np.ndarray]:
    if not isinstance(inputs, Mapping):
        if len(graph.inputs) != 1:
            raise EdgesmithError(f"graph {graph.name!r} has {len(graph.inputs)} inputs; "
                                 "pass a dict name -> array")
        inputs = {graph.inputs[0]: inputs}
    missing = [n for n in graph.inputs if n not in inputs]
    unknown = [n for n in inputs if n not in graph.inputs]
    if missing or unknown:
        raise EdgesmithError(f"graph {graph.name!r}: inputs missing {missing}, unknown {unknown}; "
                             f"expected {graph.inputs}")
    values, batch = {}, None
    for name in graph.inputs:
        t, x = graph.tensors[name], np.asarray(inputs[name])
        if x.dtype != np.dtype(t.dtype):
            raise EdgesmithError(f"input {name!r}: expected dtype {t.dtype}, got {x.dtype}",
                                 hint="quantize float data with the input's format first")
        if x.ndim != len(t.shape) or tuple(x.shape[1:]) != tuple(t.shape[1:]):
            dims = ", ".join(map(str, t.shape[1:]))
            raise EdgesmithError(f"input {name!r}: expected shape [N, {dims}], "
                                 f"got {list(x.shape)}")
        if batch is not None and x.shape[0] != batch:
            raise EdgesmithError(f"inputs disagree on the batch size ({batch} vs {x.shape[0]})")
        batch = x.shape[0]
        values[name] = np.ascontiguousarray(x)
    return values


def _bind_state(graph: Graph, state: dict[str, np.ndarray] | None,
                batch: int) -> dict[str, np.ndarray]:
    """The state arrays the stateful ops update in place (fresh ones without ``state``)."""
    if state is None:
        return initial_state(graph, max(batch, 0))
    for t in graph.state_tensors():
        want = (batch,) + tuple(t.shape[1:])
        x = state.get(t.name)
        if x is None or x.shape != want or x.dtype != np.dtype(t.dtype) \
                or not x.flags.c_contiguous:
            raise EdgesmithError(f"state {t.name!r}: expected a C-contiguous {t.dtype} array "
                                 f"of shape {list(want)}",
                                 hint="keep state in a ModelInstance made for this batch size")
    return {t.name: state[t.name] for t in graph.state_tensors()}


def _last_uses(graph: Graph) -> dict[str, int]:
    last: dict[str, int] = {}
    for step, op in enumerate(graph.ops):
        for n in op.inputs:
            if n is not None:
                last[n] = step
    return last


def _kernel_for(op: Op, graph: Graph):
    first = graph.tensors[op.inputs[0]] if op.inputs and op.inputs[0] else None
    is_float = first is not None and first.fmt is None and first.dtype == "float32"
    if is_float and op_def_or_opaque(op.type).pattern != "convert":
        try:
            from .float_ref import FLOAT_KERNELS
        except ImportError as exc:
            raise NotImplementedError("float graphs need sim/float_ref.py, which is not "
                                      "available") from exc
        kind, table = "float", FLOAT_KERNELS
    else:
        kind, table = kernels_for_formats(op, graph) or ("int8", INT_KERNELS)
    if op.type not in table:
        raise UnsupportedError(f"{op.origin or op.type}: the simulator has no {kind} kernel for "
                               f"{op.type!r}; {kind} kernels: {', '.join(sorted(table))}")
    return table[op.type]


def _check_output(op: Op, graph: Graph, name: str, out, batch: int) -> np.ndarray:
    t = graph.tensors[name]
    out = np.asarray(out)
    expected = (batch,) + tuple(t.shape[1:]) if batch >= 0 else None
    if expected is not None and tuple(out.shape) != expected:
        raise EdgesmithError(f"{op.origin or op.type}: kernel produced shape {list(out.shape)}, "
                             f"the graph declares {list(expected)} for {name!r}")
    if out.dtype != np.dtype(t.dtype):
        out = out.astype(t.dtype)
    return out


def run_op(graph: Graph, op: Op, values: Mapping[str, np.ndarray]) -> np.ndarray:
    """The output of one ``op`` of ``graph`` on given activations (``values``: tensor name ->
    batched array; constants come from the graph): how an oracle's own inputs to an op are
    run through the simulator's kernel, to compare that op alone."""
    args = [None if n is None else graph.tensors[n].data if graph.tensors[n].is_const
            else np.ascontiguousarray(values[n]) for n in op.inputs]
    batch = next((a.shape[0] for n, a in zip(op.inputs, args)
                  if n is not None and not graph.tensors[n].is_const), -1)
    return _check_output(op, graph, op.outputs[0], _kernel_for(op, graph)(op, graph, args),
                         batch)

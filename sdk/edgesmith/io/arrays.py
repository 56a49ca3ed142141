"""Match user-supplied arrays to a graph's inputs (batching, dtype, quantization)."""

from __future__ import annotations

import numpy as np

from ..errors import EdgesmithError
from ..ir import Graph


def prepare_inputs(graph: Graph, data: np.ndarray | dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return ``{input name: batched array}`` in the graph's storage dtypes.

    An array of one sample's shape gets a batch axis. Float data for an
    integer input is quantized with the input's format (round half away from
    zero, then clamp, as TFLite's QUANTIZE does); integer data must already
    have the input's dtype.
    """
    if not isinstance(data, dict):
        if len(graph.inputs) != 1:
            raise EdgesmithError(
                f"model {graph.name!r} has {len(graph.inputs)} inputs "
                f"({', '.join(graph.inputs)}); pass a .npz file keyed by input name")
        data = {graph.inputs[0]: data}
    missing = [n for n in graph.inputs if n not in data]
    if missing:
        raise EdgesmithError(f"no data for model input(s) {missing}; the file has "
                             f"{sorted(data)}")
    return {name: _prepare_one(graph, name, np.asarray(data[name])) for name in graph.inputs}


def _prepare_one(graph: Graph, name: str, arr: np.ndarray) -> np.ndarray:
    t = graph.tensors[name]
    sample = tuple(t.shape[1:])
    if tuple(arr.shape) == sample or (arr.size == t.size and arr.ndim <= 1 and arr.size > 1):
        arr = arr.reshape((1,) + sample)
    elif arr.ndim >= 1 and arr.size % max(t.size, 1) == 0 and arr.shape[1:] != sample:
        # a batch of flattened or differently shaped samples with the same size
        if int(np.prod(arr.shape[1:], dtype=np.int64)) == int(np.prod(sample, dtype=np.int64)):
            arr = arr.reshape((arr.shape[0],) + sample)
    if tuple(arr.shape[1:]) != sample:
        raise EdgesmithError(
            f"input {name!r} expects samples of shape {list(sample)} "
            f"(batch on axis 0), got an array of shape {list(arr.shape)}")
    if t.fmt is not None and arr.dtype.kind == "f":
        return t.fmt.quantize(arr)
    if arr.dtype != np.dtype(t.dtype):
        if t.fmt is None and arr.dtype.kind in "iuf":
            return arr.astype(np.float32)
        raise EdgesmithError(
            f"input {name!r} is {t.dtype}; got {arr.dtype} data",
            hint="pass float32 data to have it quantized with the input's scale and "
                 f"zero point, or {t.dtype} data as stored")
    return np.ascontiguousarray(arr)

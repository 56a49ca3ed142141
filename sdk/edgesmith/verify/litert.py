"""Run a ``.tflite`` model in LiteRT, the oracle of the int8 simulator.

``reference=True`` (the default) selects LiteRT's reference kernels
(``OpResolverType.BUILTIN_REF``), whose integer arithmetic the simulator
reproduces bit for bit; ``reference=False`` runs the default CPU kernels
(XNNPACK), which round differently in places. One interpreter is reused for
every sample of a batch.

Some published models tag 1-D per-channel bias tensors with the filter's
quantized dimension (3), which newer LiteRT versions reject at load time
(TFLite Micro's ``person_detect.tflite`` is one). The bias of a channel does
not depend on that tag, so :func:`model_bytes_for_litert` sets it to 0 in an
in-memory copy before LiteRT sees the model; the file is never modified.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import EdgesmithError

# vtable slot of QuantizationParameters.quantized_dimension in the TFLite schema
_QUANTIZED_DIMENSION_SLOT = 16


@dataclass
class LiteRTRun:
    """Batched results of one model on a batch of samples."""

    #: output arrays in the model's output order, batch on axis 0
    outputs: list[np.ndarray]
    #: TFLite tensor index -> batched values of every non-constant tensor
    #: (only when intermediates were preserved)
    tensors: dict[int, np.ndarray] | None = None


def model_bytes_for_litert(path: str | Path) -> bytes:
    """The model file's bytes, with out-of-range quantized dimensions of 1-D
    per-channel tensors set to 0 (see the module docstring)."""
    import tflite

    buf = bytearray(Path(path).read_bytes())
    model = tflite.Model.GetRootAsModel(buf, 0)
    for s in range(model.SubgraphsLength()):
        sg = model.Subgraphs(s)
        for i in range(sg.TensorsLength()):
            t = sg.Tensors(i)
            q = t.Quantization()
            if q is None or q.ScaleLength() <= 1 or t.ShapeLength() != 1:
                continue
            if q.QuantizedDimension() >= t.ShapeLength():
                field = q._tab.Offset(_QUANTIZED_DIMENSION_SLOT)
                struct.pack_into("<i", buf, q._tab.Pos + field, 0)
    return bytes(buf)


def make_interpreter(path: str | Path, *, reference: bool = True,
                     preserve_intermediates: bool = False):
    """An allocated LiteRT interpreter for ``path``."""
    try:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
    except ImportError as exc:
        raise EdgesmithError("LiteRT is not installed",
                             hint="pip install 'edgesmith[litert]' (ai-edge-litert)") from exc
    resolver = OpResolverType.BUILTIN_REF if reference else OpResolverType.AUTO
    try:
        interpreter = Interpreter(model_content=model_bytes_for_litert(path),
                                  experimental_op_resolver_type=resolver,
                                  experimental_preserve_all_tensors=preserve_intermediates)
        interpreter.allocate_tensors()
    except (ValueError, RuntimeError) as exc:
        raise EdgesmithError(f"{path}: LiteRT cannot load the model: {exc}") from None
    return interpreter


def run_litert(path: str | Path, inputs: np.ndarray | Sequence[np.ndarray], *,
               reference: bool = True, preserve_intermediates: bool = False,
               steps: int | None = None) -> LiteRTRun:
    """Run ``path`` on a batch, one sample at a time through one interpreter.

    ``inputs`` is an array (single-input models) or a sequence of arrays in the
    model's input order, each batched on axis 0. A stateful model's variable tensors are
    reset before every ``steps``-th sample (None: the batch is one sequence).
    """
    interpreter = make_interpreter(path, reference=reference,
                                   preserve_intermediates=preserve_intermediates)
    in_details = interpreter.get_input_details()
    out_details = interpreter.get_output_details()
    batch = [inputs] if isinstance(inputs, np.ndarray) else list(inputs)
    if len(batch) != len(in_details):
        raise EdgesmithError(f"{path}: model has {len(in_details)} inputs, got {len(batch)}")
    n = batch[0].shape[0]
    outputs = [[] for _ in out_details]
    per_tensor: dict[int, list[np.ndarray]] = {}
    watched = _activation_indices(path) if preserve_intermediates else []
    for s in range(n):
        if steps and s % steps == 0:
            interpreter.reset_all_variables()
        for detail, x in zip(in_details, batch):
            sample = np.ascontiguousarray(x[s:s + 1], dtype=detail["dtype"])
            interpreter.set_tensor(detail["index"], sample.reshape(detail["shape"]))
        interpreter.invoke()
        # atleast_1d: a reduction over every axis writes a scalar, the IR's [batch of 1]
        for store, detail in zip(outputs, out_details):
            store.append(np.atleast_1d(interpreter.get_tensor(detail["index"])).copy())
        for index in watched:
            per_tensor.setdefault(index, []).append(
                np.atleast_1d(interpreter.get_tensor(index)).copy())
    stacked = [np.concatenate(o) for o in outputs]
    tensors = {i: np.concatenate(v) for i, v in per_tensor.items()} if watched else None
    return LiteRTRun(stacked, tensors)


def _activation_indices(path: str | Path) -> list[int]:
    """Indices of the tensors the model's ops write, in execution order."""
    from ..frontends.tflite_reader import read_tflite

    return [i for op in read_tflite(path).operators for i in op.outputs if i >= 0]


def litert_cannot_run(graph) -> str | None:
    """Why LiteRT must not be run on ``graph`` (it would crash the process), or None."""
    for op in graph.ops:
        if op.type == "svdf" and graph.tensors[op.inputs[4]].dtype == "int8":
            return (f"{op.origin}: LiteRT's integer SVDF reads the state and time weights as "
                    "int16 whatever their type, so on int8 state it reads past the tensors "
                    "(not run)")
    return None

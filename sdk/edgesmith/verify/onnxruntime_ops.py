"""onnxruntime as the oracle of a QDQ model, op by op.

onnxruntime runs the ``.onnx`` file with its graph optimizations on (the QDQ fusions of its
CPU provider), with every QuantizeLinear output the importer recorded
(``graph.meta["onnx_tensors"]``) made a graph output too, so each IR op's integers are
seen. onnxruntime requantizes most results in float where the int8 kernels use TFLite's
fixed-point multipliers; such an op may land one unit away, and that unit is carried by
every op after it. So each op is compared on onnxruntime's own inputs to it: the
simulator's kernel runs on them (:func:`~edgesmith.sim.executor.run_op`) and must come
within :data:`QDQ_UNITS` of onnxruntime's output; the report names every op that differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..ir import Graph
from ..sim import simulate
from ..sim.executor import run_op

#: units an op's integer output may differ from onnxruntime's, on the same inputs
QDQ_UNITS = 1


@dataclass
class QdqCheckReport:
    """A QDQ model's simulation against onnxruntime's quantized kernels."""

    model: str
    samples: int
    #: samples on which some op is more than ``allowed_units`` from onnxruntime
    mismatched_samples: int
    #: samples whose outputs equal onnxruntime's bit for bit (whole model)
    exact_samples: int
    #: largest difference of the model's outputs (whole model: op differences carried)
    max_units: int
    allowed_units: int
    #: "index type (origin)" -> largest difference of that op on onnxruntime's inputs, for
    #: every op that differed at all
    op_units: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.mismatched_samples == 0

    def to_json(self) -> dict:
        return asdict(self)


class OnnxRuntimeTarget:
    """onnxruntime on a QDQ ``.onnx`` file: the integers of every recorded tensor."""

    oracle = True

    def __init__(self, path: str | Path, graph: Graph):
        self.path, self.graph = path, graph
        self.sources = graph.meta.get("onnx_tensors", {})

    def tensors(self, batch: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """IR tensor name -> onnxruntime's batched integers, in the IR's layout."""
        import onnx
        from onnx import TensorProto, helper

        from .onnxruntime import session

        model = onnx.load(str(self.path))
        declared = {o.name for o in model.graph.output}
        wanted = {ir: src for ir, src in self.sources.items() if ir in self.graph.tensors}
        for ir, (name, _, _) in wanted.items():
            if name not in declared:
                model.graph.output.append(helper.make_tensor_value_info(name, TensorProto.INT8,
                                                                        None))
                declared.add(name)
        feeds = {}
        for n in self.graph.inputs:
            src = self.graph.meta["onnx_ports"][n]
            real = self.graph.tensors[n].fmt.dequantize(batch[n]).astype(np.float32)
            feeds[src["onnx"]] = real.transpose(np.argsort(src["perm"])) if src["perm"] \
                else real
        names = [src[0] for src in wanted.values()]
        results = session(model.SerializeToString(), optimize=True).run(names, feeds)
        out = {}
        for (ir, (_, perm, order)), y in zip(wanted.items(), results):
            y = np.asarray(y)
            y = y.transpose(perm) if perm else y[:, order] if order else y
            out[ir] = y.reshape((y.shape[0], *self.graph.tensors[ir].shape[1:]))
        return out

    def run(self, batch):
        theirs = self.tensors(batch)
        return {n: theirs[n] for n in self.graph.outputs}, None

    def trace(self, sample):
        theirs = self.tensors(sample)
        for op_index, op in enumerate(self.graph.ops):
            if op.outputs[0] in theirs:
                yield op_index, theirs[op.outputs[0]].reshape(-1)


def op_differences(graph: Graph, theirs: Mapping[str, np.ndarray]) -> list[tuple[int, np.ndarray]]:
    """(op index, per-sample largest difference) of every op whose output onnxruntime shows,
    the op run on onnxruntime's inputs (its own results where onnxruntime shows none)."""
    values = {**{n: theirs.get(n) for n in graph.inputs}, **theirs}
    found = []
    for op_index, op in enumerate(graph.ops):
        ours = run_op(graph, op, values)
        name = op.outputs[0]
        if name in theirs:
            diff = np.abs(ours.astype(np.int64) - theirs[name].astype(np.int64))
            found.append((op_index, diff.reshape(diff.shape[0], -1).max(axis=1)))
        else:
            values[name] = ours
    return found


def check_qdq(path: str | Path, graph: Graph, batch: Mapping[str, np.ndarray]) -> QdqCheckReport:
    """``graph`` (imported from the QDQ model ``path``) against onnxruntime on ``batch``."""
    target = OnnxRuntimeTarget(path, graph)
    theirs = {**batch, **target.tensors(batch)}
    total = batch[graph.inputs[0]].shape[0]
    ours = simulate(graph, batch)
    whole = np.zeros(total, dtype=np.int64)
    for name in graph.outputs:
        diff = np.abs(ours[name].astype(np.int64) - theirs[name].astype(np.int64))
        whole = np.maximum(whole, diff.reshape(total, -1).max(axis=1))
    bad = np.zeros(total, dtype=bool)
    op_units = {}
    for op_index, units in op_differences(graph, theirs):
        bad |= units > QDQ_UNITS
        if units.max():
            op = graph.ops[op_index]
            op_units[f"{op_index} {op.type} ({op.origin})"] = int(units.max())
    return QdqCheckReport(str(path), total, int(bad.sum()), int((whole == 0).sum()),
                          int(whole.max()), QDQ_UNITS, op_units)

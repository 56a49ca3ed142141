"""Mixed-precision patch models (QuantMCU): an int8 graph, a patch plan, and a low-bit branch.

A :class:`MixedPatchModel` runs the patch stage of its :class:`PatchPlan` patch by
patch, and each patch takes one of two branches, chosen at run time from its
own input window by VDPC (:mod:`.vdpc`):

* the **8-bit branch** is the int8 graph as it is;
* the **low-bit branch** runs the same ops with the same int8 weights, but every
  *feature map* of the stage (the stage input and the output of each stage op
  before the split op) has the format ``low_formats`` gives it: 8, 4 or 2 bits
  (chosen by VDQS, :mod:`.vdqs`), affine over the range the feature map takes
  on the calibration patches routed to the low-bit branch. Width 8 keeps the
  int8 format, so a model whose widths are all 8 is the int8 graph in both
  branches.

Fixed by design:

* **Weights stay int8 in both branches.** QuantMCU searches the bit widths of
  feature maps (the activations a patch recomputes); BitOPs count them at
  8 bits either way. Only activations differ between branches, so the C code
  can share one weight array per layer between them.
* **The split op's output stays int8.** Every patch writes its tile into one
  assembled tensor that the rest of the graph reads in int8, so one format must
  hold all tiles: a low-bit patch's split op reads low-bit input and writes int8.
* Tensors that int8 kernels pass through without rescaling (pooling, pad,
  concat, reshape: op definitions with ``quant == "shares"``) share one format with
  their inputs: such a group is one *width unit* with one width. A group holding
  the split output or a fixed-format output (softmax, logistic, tanh) stays int8.

Storage: :func:`save_mixed_esm` writes the int8 graph as an ``.esm`` file with
:meth:`MixedPatchModel.to_json` under ``meta["mixed_patch"]``;
:func:`load_mixed_esm` reads it back and re-plans the windows from (split, grid),
which are deterministic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ..errors import EdgesmithError
from ..ir import AffineFormat, Graph, NumberFormat, Op, Tensor, op_def
from ..memory.patch import PatchPlan, plan_patches
from ..memory.patch_windows import Span
from ..report.metrics import op_macs
from .int8 import _share_groups

META_KEY = "mixed_patch"
JSON_VERSION = 1


@dataclass(frozen=True)
class MixedPatchModel:
    graph: Graph
    plan: PatchPlan
    #: VDPC: a patch takes the 8-bit branch when a value q of its input window has
    #: |q - zero_point| > threshold (integers of the int8 input)
    threshold: int
    #: the low-bit branch's format of every stage tensor it changes (name -> format)
    low_formats: dict[str, AffineFormat]
    #: how the model was found (VDQS settings, widths, search time); informative only
    search: dict = field(default_factory=dict)

    @property
    def input_zero_point(self) -> int:
        return self.graph.tensors[self.graph.inputs[0]].fmt.scalar()[1]

    def widths(self) -> dict[str, int]:
        """Low-bit branch width of every feature map of the stage, in stage order."""
        return {name: self.low_formats.get(name, self.graph.tensors[name].fmt).bits
                for name in stage_feature_maps(self.graph, self.plan)}

    def low_bit_graph(self) -> Graph:
        """The graph as the low-bit branch runs it: the low-bit formats, and for each op
        whose activation input changed format its int32 bias rescaled to the new input
        scale (``bias_scale = input_scale * weight_scale``); other constants are shared."""
        g = self.graph
        tensors, ops = dict(g.tensors), list(g.ops)
        for name, fmt in self.low_formats.items():
            t = tensors[name]
            tensors[name] = Tensor(name, t.shape, t.dtype, fmt, t.data)
        for i, op in enumerate(ops):
            if op_def(op.type).is_mac and len(op.inputs) > 2 and op.inputs[2] is not None \
                    and op.inputs[0] in self.low_formats:
                bias = _rescaled_bias(g, i, self.low_formats[op.inputs[0]])
                tensors[bias.name] = bias
                ops[i] = Op(op.type, [op.inputs[0], op.inputs[1], bias.name], list(op.outputs),
                            dict(op.attrs), op.origin)
        return Graph(f"{g.name}.low_bit", tensors, ops, g.inputs, g.outputs, g.meta)

    def to_json(self) -> dict:
        return {"version": JSON_VERSION, "split": self.plan.split, "grid": self.plan.grid,
                "split_tensor": self.plan.split_tensor, "threshold": int(self.threshold),
                "input_zero_point": self.input_zero_point,
                "low_formats": {n: f.to_json() for n, f in self.low_formats.items()},
                "search": self.search}

    @classmethod
    def from_json(cls, data: dict, graph: Graph, plan: PatchPlan | None = None
                  ) -> MixedPatchModel:
        """The model ``data`` describes, on ``graph`` (re-planned unless ``plan`` is given)."""
        if data.get("version") != JSON_VERSION:
            raise EdgesmithError(f"mixed-patch data version {data.get('version')}; this "
                                 f"edgesmith reads version {JSON_VERSION}")
        plan = plan or plan_patches(graph, int(data["split"]), int(data["grid"]))
        if plan.split_tensor != data["split_tensor"]:
            raise EdgesmithError(f"mixed-patch data splits at {data['split_tensor']!r}, the "
                                 f"plan at {plan.split_tensor!r}")
        formats = {n: NumberFormat.from_json(f) for n, f in data["low_formats"].items()}
        return cls(graph, plan, int(data["threshold"]), formats, dict(data.get("search", {})))


def _rescaled_bias(graph: Graph, index: int, input_fmt: AffineFormat) -> Tensor:
    """Op ``index``'s int32 bias for an input in ``input_fmt``: the int8 bias's real value
    (q * s_in8 * s_w) divided by s_in * s_w and rounded as :func:`.int8.quantize_bias` rounds."""
    op = graph.ops[index]
    old = graph.tensors[op.inputs[2]]
    ratio = float(graph.tensors[op.inputs[0]].fmt.scalar()[0]) / float(input_fmt.scalar()[0])
    q = np.round(old.data.astype(np.float64) * ratio)
    q = np.clip(q, -(2 ** 31) + 1, 2 ** 31 - 1).astype(np.int32)
    w_fmt = graph.tensors[op.inputs[1]].fmt
    scale = (np.float32(input_fmt.scalar()[0]) * w_fmt.scale).astype(np.float32)
    fmt = AffineFormat(scale, np.zeros(scale.size, np.int64), axis=0 if scale.size > 1 else None,
                       bits=32)
    return Tensor(f"{old.name}.low_bit.op{index}", old.shape, old.dtype, fmt, q)


# -- the stage's feature maps and their windows --------------------------------------------
def stage_feature_maps(graph: Graph, plan: PatchPlan) -> list[str]:
    """The tensors a patch computes and a later stage op reads, in stage order: the model
    input and each stage op's output before the split op (folded pads never exist)."""
    return [graph.inputs[0]] + [step.output for step in plan.steps[:-1]]


def width_units(graph: Graph, plan: PatchPlan) -> list[tuple[str, ...]]:
    """Groups of stage tensors that must share one format, in stage order; the first
    member of each is a feature map. Groups that must stay int8 are left out."""
    group = _share_groups(graph)
    stage = [graph.inputs[0]] + [op.outputs[0] for op in graph.ops[:plan.split + 1]]
    pinned = {group[plan.split_tensor]} | {group[op.outputs[0]] for op in graph.ops
                                           if op_def(op.type).quant == "range"}
    members: dict[str, list[str]] = {}
    for name in stage_feature_maps(graph, plan):
        if group[name] not in pinned:
            members.setdefault(group[name], [])
    for name in stage:
        if group[name] in members:
            members[group[name]].append(name)
    return [tuple(names) for names in members.values()]


def feature_map_windows(graph: Graph, plan: PatchPlan) -> dict[str, list[tuple[Span, Span]]]:
    """(rows, cols) of every feature map that each patch computes (or, for the model input,
    reads: the bounding box over the stage ops reading it), per patch in plan order."""
    model_input = graph.inputs[0]
    readers = [k for k, step in enumerate(plan.steps) if model_input in step.sources]
    windows: dict[str, list[tuple[Span, Span]]] = {n: [] for n in stage_feature_maps(graph, plan)}
    for patch in plan.patches:
        reads = [patch.ops[k] for k in readers]
        windows[model_input].append(
            (Span(min(w.input_rows.start for w in reads), max(w.input_rows.stop for w in reads)),
             Span(min(w.input_cols.start for w in reads), max(w.input_cols.stop for w in reads))))
        for step, window in zip(plan.steps[:-1], patch.ops[:-1]):
            windows[step.output].append((window.output_rows, window.output_cols))
    return windows


def gather_windows(values: np.ndarray, windows: list[tuple[Span, Span]], take: np.ndarray
                   ) -> np.ndarray:
    """The elements of ``values`` (batch, rows, cols, ...) inside patch p's window for the
    samples where ``take[:, p]`` is set, all patches concatenated (halos counted per patch)."""
    parts = [values[take[:, p], rows.start:rows.stop, cols.start:cols.stop].ravel()
             for p, (rows, cols) in enumerate(windows)]
    return np.concatenate(parts) if parts else values[:0].ravel()


def requantize_input(graph: Graph, low_graph: Graph, x: np.ndarray) -> np.ndarray:
    """The int8 model input ``x`` in the low-bit branch's input format (elementwise, so
    requantizing the whole input equals requantizing each patch's window)."""
    from ..sim import simulate

    name = graph.inputs[0]
    src, dst = graph.tensors[name], low_graph.tensors[name]
    if src.fmt == dst.fmt:
        return x
    wide = Tensor(f"{name}.int8", src.shape, src.dtype, src.fmt)
    op = Op("quantize", [wide.name], [name], {}, "low-bit branch input")
    one = Graph(f"{graph.name}.input_requantize", {wide.name: wide, name: dst}, [op],
                [wide.name], [name])
    return simulate(one, x)[name]


# -- BitOPs of the patch stage ------------------------------------------------------------
def patch_step_macs(graph: Graph, plan: PatchPlan) -> np.ndarray:
    """MACs of every stage op on every patch's window, shape (patches, stage ops)."""
    macs = np.zeros((len(plan.patches), len(plan.steps)), dtype=np.int64)
    for k, step in enumerate(plan.steps):
        op = graph.ops[step.op_index]
        _, height, width, _ = graph.tensors[op.outputs[0]].shape
        per_position = op_macs(graph, op) // (height * width)
        for p, patch in enumerate(plan.patches):
            w = patch.ops[k]
            macs[p, k] = per_position * w.output_rows.size * w.output_cols.size
    return macs


def _bits(graph: Graph, name: str | None) -> int:
    return 0 if name is None else graph.tensors[name].fmt.bits


def patch_bitops(graph: Graph, plan: PatchPlan) -> np.ndarray:
    """BitOPs (MACs x weight bits x input activation bits) of each patch's stage, per patch."""
    macs = patch_step_macs(graph, plan)
    bits = np.array([_bits(graph, graph.ops[s.op_index].inputs[1] if macs[:, k].any() else None)
                     * _bits(graph, s.inputs[0]) for k, s in enumerate(plan.steps)],
                    dtype=np.int64)
    return macs @ bits


@dataclass(frozen=True)
class StageBitops:
    """Patch-stage BitOPs of one inference: every patch 8-bit, every patch low-bit, and
    the mean over samples of the routing actually taken."""

    uniform: int
    low_bit: int
    mixed: float
    share_8bit: float

    @property
    def reduction(self) -> float:
        return self.uniform / self.mixed if self.mixed else float("inf")

    def to_json(self) -> dict:
        return {"uniform_int8": self.uniform, "all_low_bit": self.low_bit,
                "mixed": round(self.mixed, 1), "reduction": round(self.reduction, 4),
                "share_patches_8bit": round(self.share_8bit, 6)}


def stage_bitops(model: MixedPatchModel, routes: np.ndarray) -> StageBitops:
    """BitOPs of the patch stage with ``routes`` (samples x patches, True = 8-bit branch)."""
    eight = patch_bitops(model.graph, model.plan)
    low = patch_bitops(model.low_bit_graph(), model.plan)
    per_sample = np.where(routes, eight, low).sum(axis=1)
    return StageBitops(int(eight.sum()), int(low.sum()),
                       float(per_sample.mean()) if routes.size else float(low.sum()),
                       float(routes.mean()) if routes.size else 0.0)


# -- files ---------------------------------------------------------------------------------
def save_mixed_esm(model: MixedPatchModel, path: str | os.PathLike):
    """Write the int8 graph with the mixed-patch data in its meta (``.esm``)."""
    from ..io import save_esm

    graph = Graph(model.graph.name, model.graph.tensors, model.graph.ops, model.graph.inputs,
                  model.graph.outputs, {**model.graph.meta, META_KEY: model.to_json()})
    return save_esm(graph, path)


def load_mixed_esm(path: str | os.PathLike) -> MixedPatchModel:
    from ..io import load_esm

    graph = load_esm(path)
    data = graph.meta.pop(META_KEY, None)
    if data is None:
        raise EdgesmithError(f"{path} holds no mixed-precision patch model",
                             hint="write one with 'edgesmith quantize-mixed'")
    return MixedPatchModel.from_json(data, graph)


def mixed_model_of(graph: Graph) -> MixedPatchModel | None:
    """The mixed-precision patch model an ``.esm`` graph carries in its meta, or None."""
    data = graph.meta.get(META_KEY)
    return None if data is None else MixedPatchModel.from_json(data, graph)

"""VDQS, value-driven quantization search (QuantMCU): the low-bit branch's bit widths.

Without retraining, VDQS picks a width in ``widths`` (default 8, 4, 2) for each
*width unit* of the patch stage (a feature map, or a group of tensors that must
share a format, :func:`.mixed_patch.width_units`), weighing the computation a
width saves against the information it destroys, measured by entropy.

Objective. For unit ``i`` and width ``b``::

    S(i, b) = -lambda * Omega(i, b) + (1 - lambda) * Phi(i, b)

    Phi(i, b)   = sum_{k reads i} sum_p MACs(p, k) * wbits(k) * (8 - b)  /  B_uniform
    Omega(i, b) = (H_i(8) - H_i(b)) / H_i(8)          (0 when H_i(8) = 0)
    H_i(b)      = -sum_v P_i,b(v) * log2 P_i,b(v)

* ``Phi`` is the patch-stage BitOPs that width ``b`` saves on the ops ``k`` whose
  activation input is unit ``i`` (summed over all patches ``p``, halos
  included), as a share of the stage's BitOPs with every patch 8-bit,
  ``B_uniform``;
* ``P_i,b`` is the histogram of the integer codes of unit ``i``'s feature maps
  at width ``b``, over the windows of every calibration patch that VDPC routes
  to the low-bit branch, computed with the units before ``i`` at their chosen
  widths and the units after it at 8 bits (the branch as it will run, so errors
  of earlier choices show in later entropies);
* ``Omega`` is the share of that entropy lost by going from 8 to ``b`` bits,
  the accuracy proxy (no training, no labels);
* ``lambda`` (``accuracy_weight``) trades the two: 0 takes the narrowest
  width everywhere, 1 keeps 8 bits unless a width loses no entropy at all.

The form of ``S`` (a lambda-weighted sum of an entropy term and a BitOPs term)
is the paper's; the normalizations of ``Phi`` and ``Omega`` above are ours (the
copies of the paper we could read give the form, not the normalization).
Entropy is a weak proxy at 2 bits: ``Omega`` falls about linearly with the bits
while accuracy does not, so pick ``lambda`` from a sweep on held-out data
(``bench/quantmcu.py`` shows one).

Search. Units are fixed one at a time, in stage order (iteratively, as in the
paper): ``b_i = argmax_b S(i, b)``, ties to the wider width; each unit costs one
simulation of the stage prefix per candidate width.

Each unit's entropies are cached by the widths fixed before it, so searching
again with another ``lambda`` (:meth:`WidthSearch.for_reduction` scans them to
meet a BitOPs target) simulates only prefixes not seen yet.

Formats: width 8 keeps the int8 format; narrower widths get formats over
ranges of the non-outlier calibration patches (:mod:`.vdqs_ranges`). With
``equalize``, the float graph's stage maps are first rescaled channel by
channel to a common range (:mod:`.vdqs_equalize`), so that one low-bit format
fits all the channels of a map.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import EdgesmithError
from ..ir import AffineFormat, Graph
from ..memory.patch import PatchPlan
from .int8 import quantize_int8
from .mixed_patch import (
    MixedPatchModel,
    StageBitops,
    feature_map_windows,
    gather_windows,
    patch_step_macs,
    requantize_input,
    stage_bitops,
    width_units,
)
from .vdpc import DEFAULT_OUTLIER_PERCENTILE, calibrate_threshold, route_patches
from .vdqs_equalize import equalize_stage_channels
from .vdqs_ranges import low_bit_values, stage_prefix, unit_formats

#: the lambdas :meth:`WidthSearch.for_reduction` tries, from the most accuracy-minded down
LAMBDA_GRID = tuple(round(1.0 - 0.01 * k, 2) for k in range(101))


@dataclass(frozen=True)
class MixedSearchConfig:
    widths: tuple[int, ...] = (8, 4, 2)
    #: lambda of the score: the weight of entropy loss against BitOPs saved
    accuracy_weight: float = 0.3
    outlier_percentile: float = DEFAULT_OUTLIER_PERCENTILE
    #: how low-bit ranges are chosen: "mse" or "minmax" (:mod:`.vdqs_ranges`)
    range_rule: str = "mse"
    #: when set, lambda is the largest of :data:`LAMBDA_GRID` whose widths reach this
    #: patch-stage BitOPs reduction (uniform int8 / mixed) on the calibration set
    target_reduction: float | None = None
    #: rescale the stage maps' channels to a common range before int8 PTQ
    #: (:mod:`.vdqs_equalize`); changes the int8 graph, so no ``int8_graph`` may be given
    equalize: bool = False


@dataclass(frozen=True)
class UnitChoice:
    names: tuple[str, ...]
    entropy: dict[int, float]
    saved: dict[int, float]
    score: dict[int, float]
    width: int


@dataclass
class MixedSearchResult:
    model: MixedPatchModel
    choices: list[UnitChoice]
    #: calibration routing, samples x patches, True = 8-bit branch
    routes: np.ndarray
    #: patch-stage BitOPs with the calibration routing
    bitops: StageBitops
    search_seconds: float
    accuracy_weight: float
    target_met: bool = True
    extra: dict = field(default_factory=dict)


def entropy_bits(codes: np.ndarray) -> float:
    """Shannon entropy (bits) of the integer codes' histogram."""
    if codes.size == 0:
        return 0.0
    counts = np.bincount(codes.astype(np.int64).ravel() + 128, minlength=256)
    p = counts[counts > 0] / codes.size
    return float(-(p * np.log2(p)).sum())


def choose_width(entropy: dict[int, float], saved: dict[int, float], accuracy_weight: float
                 ) -> tuple[int, dict[int, float]]:
    """argmax_b S(i, b) (ties to the wider width) and every score, from H_i(b) and Phi(i, b)."""
    lam, h8 = accuracy_weight, entropy[8]
    scores = {b: -lam * ((h8 - entropy[b]) / h8 if h8 > 0 else 0.0) + (1 - lam) * saved[b]
              for b in entropy}
    best = max(sorted(scores, reverse=True), key=lambda b: scores[b])  # max keeps the first
    return best, scores


class WidthSearch:
    """VDQS over one calibration set: ``x`` (int8 inputs), its ``routes`` and the float
    ``values`` of each unit on the low-bit patches (:func:`.vdqs_ranges.low_bit_values`)."""

    def __init__(self, graph: Graph, plan: PatchPlan, x: np.ndarray, routes: np.ndarray,
                 threshold: int, units: list[tuple[str, ...]], values: list[np.ndarray],
                 widths: tuple[int, ...] = (8, 4, 2), range_rule: str = "mse"):
        if 8 not in widths:
            raise ValueError("VDQS widths must include 8, the reference of the entropy loss")
        self.graph, self.plan, self.x, self.routes = graph, plan, x, routes
        self.threshold, self.units, self.widths = threshold, units, tuple(widths)
        self.windows = feature_map_windows(graph, plan)
        self._formats = [{b: unit_formats(names, v, b, range_rule) for b in widths}
                         for names, v in zip(units, values)]
        self.saved = self._saved_shares()
        self._entropy: dict[tuple, float] = {}

    def _saved_shares(self) -> list[dict[int, float]]:
        """Phi(i, b) of every unit and width."""
        step_macs = patch_step_macs(self.graph, self.plan).sum(axis=0)
        ops = [self.graph.ops[s.op_index] for s in self.plan.steps]
        wbits = [self.graph.tensors[op.inputs[1]].fmt.bits if m else 0
                 for op, m in zip(ops, step_macs)]
        uniform = sum(int(m) * w * 8 for m, w in zip(step_macs, wbits)) or 1
        shares = []
        for names in self.units:
            macs_bits = sum(int(step_macs[k]) * wbits[k]
                            for k, s in enumerate(self.plan.steps) if s.inputs[0] in names)
            shares.append({b: macs_bits * (8 - b) / uniform for b in self.widths})
        return shares

    def formats(self, widths: tuple[int, ...]) -> dict[str, AffineFormat]:
        """Low-bit formats of the first ``len(widths)`` units at ``widths``, the rest int8."""
        merged: dict[str, AffineFormat] = {}
        for unit_formats_by_width, bits in zip(self._formats, widths):
            merged.update(unit_formats_by_width[bits])
        return merged

    def model(self, widths: tuple[int, ...], search: dict | None = None) -> MixedPatchModel:
        return MixedPatchModel(self.graph, self.plan, self.threshold, self.formats(widths),
                               search or {})

    def entropy(self, unit: int, prefix: tuple[int, ...], bits: int) -> float:
        """H_unit(bits) with the units before it at ``prefix`` and the rest at 8 bits."""
        from ..sim import simulate

        key = (unit, prefix, bits)
        if key not in self._entropy:
            low_graph = self.model(prefix + (bits,)).low_bit_graph()
            maps = [n for n in self.units[unit] if n in self.windows]
            last_op = max((k for k, op in enumerate(self.graph.ops[:self.plan.split + 1])
                           if op.outputs[0] in maps), default=-1)
            x_low = requantize_input(self.graph, low_graph, self.x)
            values = simulate(stage_prefix(low_graph, last_op), x_low, keep_intermediates=True)
            codes = np.concatenate([gather_windows(values[n], self.windows[n], ~self.routes)
                                    for n in maps])
            self._entropy[key] = entropy_bits(codes)
        return self._entropy[key]

    def run(self, accuracy_weight: float) -> list[UnitChoice]:
        """Greedy VDQS with ``lambda = accuracy_weight``: one unit at a time, stage order."""
        prefix: tuple[int, ...] = ()
        choices = []
        for i, names in enumerate(self.units):
            entropy = {b: self.entropy(i, prefix, b) for b in self.widths}
            width, scores = choose_width(entropy, self.saved[i], accuracy_weight)
            choices.append(UnitChoice(names, entropy, self.saved[i], scores, width))
            prefix += (width,)
        return choices

    def bitops(self, widths: tuple[int, ...]) -> StageBitops:
        return stage_bitops(self.model(widths), self.routes)

    def for_reduction(self, target: float) -> tuple[float, list[UnitChoice], bool]:
        """The largest lambda of :data:`LAMBDA_GRID` whose widths reach ``target`` BitOPs
        reduction, its choices, and whether any did (if none, lambda 0's)."""
        for lam in LAMBDA_GRID:
            choices = self.run(lam)
            if self.bitops(tuple(c.width for c in choices)).reduction >= target:
                return lam, choices, True
        return 0.0, choices, False


def quantize_mixed_patch(float_graph: Graph, calib: np.ndarray, plan: PatchPlan,
                         config: MixedSearchConfig = MixedSearchConfig(), *,
                         int8_graph: Graph | None = None) -> MixedSearchResult:
    """QuantMCU on ``float_graph`` with float calibration inputs ``calib``: channel
    equalization (when configured), int8 PTQ (unless ``int8_graph`` is given), the VDPC
    threshold and routing, the low-bit ranges, then the VDQS widths. ``plan`` is a patch
    plan of the int8 graph (it depends on shapes only, so equalizing keeps it valid)."""
    from ..io.arrays import prepare_inputs
    from .calibrate import calibrate

    name = float_graph.inputs[0]
    calib_f = prepare_inputs(float_graph, calib)[name]
    equalized: dict[str, np.ndarray] = {}
    if config.equalize:
        if int8_graph is not None:
            raise EdgesmithError("channel equalization changes the int8 graph; pass the float "
                                 "graph only", hint="drop int8_graph or the equalize option")
        float_graph, equalized = equalize_stage_channels(float_graph, plan, calib_f)
    if int8_graph is None:
        int8_graph = quantize_int8(float_graph, calibrate(float_graph, calib_f))
    x = prepare_inputs(int8_graph, calib_f)[name]
    start = time.perf_counter()
    threshold = calibrate_threshold(int8_graph, x, config.outlier_percentile)
    routes = route_patches(int8_graph, plan, x, threshold)
    units = width_units(int8_graph, plan)
    values = low_bit_values(float_graph, plan, calib_f, ~routes, units)
    search = WidthSearch(int8_graph, plan, x, routes, threshold, units, values, config.widths,
                         config.range_rule)
    lam, met = config.accuracy_weight, True
    if config.target_reduction is None:
        choices = search.run(lam)
    else:
        lam, choices, met = search.for_reduction(config.target_reduction)
    seconds = time.perf_counter() - start
    widths = tuple(c.width for c in choices)
    info = {"accuracy_weight": lam, "widths": list(config.widths),
            "outlier_percentile": config.outlier_percentile, "range_rule": config.range_rule,
            "target_reduction": config.target_reduction, "calibration_samples": int(x.shape[0]),
            "search_seconds": round(seconds, 3), "equalized_maps": sorted(equalized)}
    model = search.model(widths, info)
    return MixedSearchResult(model, choices, routes, stage_bitops(model, routes), seconds, lam,
                             met, {"search": search, "float_graph": float_graph,
                                   "channel_scales": equalized})

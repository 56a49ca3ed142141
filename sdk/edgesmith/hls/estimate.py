"""Resource and latency estimate of a generated HLS design, layer by layer, by rules.

Nothing here synthesizes; these are the rules (printed with every estimate,
and checked by hand in tests/hls/test_estimate.py):

* Multipliers per layer: the products of one pipelined iteration (a dense
  layer, one output pixel of a conv) divided by the reuse factor, rounded up.
* DSP slices per multiplier: a signed WxV product on a DSP48E1 (25x18) or
  DSP48E2 (27x18). An operand wider than its port is split into an unsigned
  low piece of (port - 1) bits and the rest, repeatedly; the product needs
  pieces(W) x pieces(V) slices, the better of the two ways round.
  (16x16 -> 1, 32x16 -> 2, 32x32 -> 4 on either slice.)
* On LUTs instead: products with an operand of at most 4 bits (ternary,
  binary and other narrow weights), costing about W x V LUTs each.
  Power-of-two layers use no multiplier: shifts are wiring (reuse 1) or a
  barrel shifter (reuse > 1), 0 DSP.
* Adders: one accumulator-wide adder per multiplier (accumulator bits of LUTs).
* Weights in BRAM18: with reuse 1 every weight is a constant in the logic
  (0 BRAM). With reuse R > 1 the weights read together form one word of
  ceil(N / R) x W bits, R words deep; R >= 32 words go to
  max(ceil(word / 36), ceil(word x R / 18432)) BRAM18, shallower ones to LUTs.
  Activation tables: one BRAM18 per 18 Kbit per two lookups a cycle.
  io_stream FIFOs (one per tensor, as deep as the tensor) and line buffers
  over 1024 bits take ceil(bits / 18432) BRAM18 each, smaller ones LUTs.
* Flip-flops: the registers of partitioned layer outputs (io_parallel) plus
  one accumulator per multiplier.
* Latency: a layer's interval is its pipelined iterations x reuse (io_stream:
  at least one cycle per value read or written), plus a pipeline depth of the
  adder tree (log2 of the terms) and 3 cycles; the model's latency is the sum,
  its interval the largest layer interval.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

from ..ir import Graph
from ..boards.fpga_boards import RESOURCES, FpgaBoard
from .layers import HlsLayer
from .project import HlsProject, build_hls_project

LUT_MULTIPLIER_MAX_BITS = 4
BRAM18_BITS = 18432
BRAM_MIN_DEPTH = 32
LUTRAM_MAX_BITS = 1024


def dsp_pieces(width: int, port: int) -> int:
    """Pieces a signed operand splits into for a port of ``port`` bits."""
    return 1 if width <= port else 1 + dsp_pieces(width - (port - 1), port)


def dsps_per_multiplier(a: int, b: int, ports: tuple[int, int]) -> int:
    wide, narrow = ports
    return min(dsp_pieces(a, wide) * dsp_pieces(b, narrow),
               dsp_pieces(b, wide) * dsp_pieces(a, narrow))


def bram18_for(bits: int, word: int = 36) -> int:
    return max(math.ceil(word / 36), math.ceil(bits / BRAM18_BITS))


@dataclass
class LayerEstimate:
    op_index: int
    op_type: str
    kernel: str
    multipliers: int = 0
    operand_bits: tuple[int, int] | None = None
    dsp_per_multiplier: int = 0
    dsp: int = 0
    lut: int = 0
    ff: int = 0
    bram18: int = 0
    latency: int = 0
    interval: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class ModelEstimate:
    model: str
    board: str
    part: str
    clock_ns: float
    io: str
    reuse_factor: int
    layers: list[LayerEstimate]
    totals: dict[str, int]
    available: dict[str, int]
    latency_cycles: int
    interval_cycles: int

    @property
    def latency_ns(self) -> float:
        return self.latency_cycles * self.clock_ns

    @property
    def utilization(self) -> dict[str, float]:
        return {k: self.totals[k] / self.available[k] for k in self.totals if self.available.get(k)}

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(latency_ns=self.latency_ns, utilization=self.utilization)
        return data


def _width(cpp: str) -> int:
    return int(re.search(r"<(\d+)", cpp).group(1))


def _mac(layer: HlsLayer, est: LayerEstimate, ports: tuple[int, int]) -> None:
    mac = layer.mac
    est.multipliers = math.ceil(mac.per_iteration / layer.reuse_factor)
    acc = _width(dict(layer.typedefs)["accum_t"])
    est.lut += est.multipliers * acc
    est.ff += est.multipliers * acc
    if mac.pow2:
        est.notes.append("power-of-two weights: shifts, no multiplier")
        if layer.reuse_factor > 1:  # a barrel shifter per product
            est.lut += est.multipliers * _width(dict(layer.typedefs)["product_t"]) * \
                max(1, mac.w_width - 1)
    else:
        est.operand_bits = (mac.x_width, mac.w_width)
        if min(mac.x_width, mac.w_width) <= LUT_MULTIPLIER_MAX_BITS:
            est.lut += est.multipliers * mac.x_width * mac.w_width
            est.notes.append(f"operand of <= {LUT_MULTIPLIER_MAX_BITS} bits: multipliers on LUTs")
        else:
            est.dsp_per_multiplier = dsps_per_multiplier(mac.x_width, mac.w_width, ports)
            est.dsp = est.multipliers * est.dsp_per_multiplier
    weights = layer.arrays[0]
    if layer.reuse_factor > 1:
        width = weights.bits // weights.size
        word = math.ceil(weights.size / layer.reuse_factor) * width
        if layer.reuse_factor >= BRAM_MIN_DEPTH:
            est.bram18 += bram18_for(word * layer.reuse_factor, word)
        else:
            est.lut += math.ceil(word * layer.reuse_factor / 64)


def _tables(layer: HlsLayer, est: LayerEstimate, elements: int) -> None:
    lookups = math.ceil(elements / layer.reuse_factor)
    for table in layer.arrays:
        copies = math.ceil(lookups / 2)
        if table.bits > LUTRAM_MAX_BITS:
            est.bram18 += copies * bram18_for(table.bits)
        else:
            est.lut += copies * math.ceil(table.bits / 64)


def _timing(layer: HlsLayer, est: LayerEstimate, project: HlsProject, sizes: tuple[int, int]):
    terms = layer.mac.per_iteration // max(1, _out_channels(layer)) if layer.mac else 2
    depth = math.ceil(math.log2(terms + 1)) + 3
    interval = layer.iterations * layer.reuse_factor
    if project.stream:
        interval = max(interval, *sizes)
    est.interval, est.latency = interval, interval + depth


def _out_channels(layer: HlsLayer) -> int:
    names = {n: v for _, n, v in layer.constants}
    return int(names.get("n_out", names.get("n_filt", 1)))


def estimate_project(project: HlsProject, board: FpgaBoard) -> ModelEstimate:
    graph = project.graph
    layers = []
    for layer in project.layers:
        est = LayerEstimate(layer.op_index, layer.op.type, layer.kernel)
        if layer.alias:
            est.notes.append("a view: no hardware")
            layers.append(est)
            continue
        x = graph.tensors[layer.op.inputs[0]]
        out = graph.tensors[layer.op.outputs[0]]
        sizes = (x.size // x.shape[0], out.size // out.shape[0])
        if layer.mac is not None:
            _mac(layer, est, board.multiplier_ports)
        elif layer.arrays:
            _tables(layer, est, sizes[1])
        if not project.stream:
            est.ff += sizes[1] * out.fmt.width
        _timing(layer, est, project, sizes)
        layers.append(est)
    if project.stream:
        _stream_buffers(project, layers)
    totals = {k: sum(getattr(e, k) for e in layers) for k in ("lut", "ff", "dsp", "bram18")}
    totals["uram"] = 0
    return ModelEstimate(project.name, board.name, project.part, project.clock_ns, project.io,
                         project.reuse_factor, layers, totals,
                         {k: board.resources[k] for k in RESOURCES},
                         sum(e.latency for e in layers), max((e.interval for e in layers),
                                                             default=0))


def _stream_buffers(project: HlsProject, layers: list[LayerEstimate]) -> None:
    """FIFOs between layers and line buffers of windowed layers, charged to the layers."""
    by_tensor = {layer.op.outputs[0]: est for layer, est in zip(project.layers, layers)}
    for v in project.locals:
        bits = v.size * v.width
        est = by_tensor.get(v.tensor, layers[0])
        if bits > LUTRAM_MAX_BITS:
            est.bram18 += bram18_for(bits, v.width)
        else:
            est.lut += math.ceil(bits / 32)
    for layer, est in zip(project.layers, layers):
        names = {n: v for _, n, v in layer.constants}
        if "line_rows" in names and not layer.kernel.startswith("global"):
            x = project.graph.tensors[layer.op.inputs[0]]
            bits = names["line_rows"] * names["in_width"] * names["n_chan"] * x.fmt.width
            if bits > LUTRAM_MAX_BITS:
                est.bram18 += bram18_for(bits, x.fmt.width)
            else:
                est.lut += math.ceil(bits / 32)


def estimate_graph(graph: Graph, board: FpgaBoard, *, io: str = "parallel",
                   reuse_factor: int = 1, clock_ns: float | None = None) -> ModelEstimate:
    project = build_hls_project(graph, io=io, reuse_factor=reuse_factor, part=board.part,
                                clock_ns=clock_ns or board.clock_ns, board=board.name)
    return estimate_project(project, board)

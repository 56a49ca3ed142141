"""Emit the fixed-point graph of an HGQ2 model from its steps (:mod:`.keras_hgq` reads them).

A step is an activation quantizer (:class:`Quant`, a format per element) or a dense layer
(:class:`Dense`, its weights and bias as HGQ2 quantized them). Per-element formats are
where HGQ2 differs from a per-tensor scheme; they become ops the backends already run:

* the lanes of one format are a *part*: one IR tensor of one format. A quantizer splits
  the tensor it reads into runs of equal format (``take`` of a contiguous range, lowered
  to a gather in C and HLS) and casts each run (``quantize``, one rounding);
* a dense layer reading parts is one ``fully_connected`` per part (its weight columns)
  summed by ``add``: each input keeps its own width, as on the FPGA;
* a dense layer followed by a per-element quantizer writes its outputs grouped by the
  quantizer's formats (its weight rows permuted), so each format is one contiguous run.

Exactness: weights and biases are HGQ2's own quantized values, stored exactly (each part
at the fewest fractional bits that hold them). Every partial sum and the total are held in
one accumulator format with the finest binary point of the products and the bias and the
integer bits of ``|b| + sum max|x| |w|`` (the largest output), so nothing is rounded
before the next quantizer, which rounds once, as HGQ2's float computation does when it
is exact (see docs/HGQ2.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import UnsupportedError
from ..ir import FixedFormat, Graph, Op, Tensor, verify_graph, with_defaults
from ..ir.fixed import MAX_WIDTH
from .hgq_formats import accumulator_format, covering_format, exact_raw, holding_format, peak_raw


@dataclass
class Quant:
    name: str
    formats: list[FixedFormat | None]


@dataclass
class Dense:
    name: str
    kernel: np.ndarray  # [in, out], HGQ2's quantized values
    bias: np.ndarray | None
    activation: str  # "none" or "relu"


@dataclass
class Part:
    tensor: str
    lanes: np.ndarray  # the Keras element index of each of its elements


@dataclass
class _Emitter:
    graph: Graph
    parts: list[Part] = field(default_factory=list)
    pending: Dense | None = None

    def tensor(self, base: str, width: int, fmt: FixedFormat) -> str:
        t = Tensor(self.graph.unique_name(base), (1, width), "int32", fmt)
        return self.graph.add_tensor(t).name

    def const(self, base: str, raw: np.ndarray, fmt: FixedFormat) -> str:
        return self.graph.add_const(base, raw.astype(np.int32), fmt).name

    def op(self, op_type: str, inputs: list[str], out: str, attrs: dict, origin: str) -> str:
        self.graph.add_op(Op(op_type, inputs, [out], with_defaults(op_type, attrs), origin))
        return out

    def fmt(self, name: str) -> FixedFormat:
        return self.graph.tensors[name].fmt

    # -- quantizers -----------------------------------------------------------------------
    def split(self, source: str, lanes: np.ndarray, formats: list, origin: str) -> list[Part]:
        """Runs of equal format of ``source`` (whose element j is Keras lane lanes[j]), each
        cast to its format; lanes of no bits are dropped (they are 0)."""
        parts, n, start = [], len(lanes), 0
        whole = n == self.graph.tensors[source].shape[1]
        while start < n:
            fmt = formats[lanes[start]]
            end = start + 1
            while end < n and formats[lanes[end]] == fmt:
                end += 1
            if fmt is not None:
                x = source
                if not (whole and start == 0 and end == n):
                    x = self.op("take", [source], self.tensor(f"{origin}_lanes", end - start,
                                                              self.fmt(source)),
                                {"axis": 1, "indices": tuple(range(start, end)),
                                 "indices_shape": (end - start,)}, f"hgq {origin}")
                y = self.tensor(f"{origin}_q", end - start, fmt)
                parts.append(Part(self.op("quantize", [x], y, {}, f"hgq {origin}"),
                                  lanes[start:end]))
            start = end
        return parts

    def quantize(self, step: Quant, keep_order: bool = False) -> None:
        """Apply ``step``; the model's output quantizer keeps the lanes in Keras order."""
        if self.pending is not None:
            dense, self.pending = self.pending, None
            # outputs grouped by format (lanes of no bits first: they are dropped)
            keys = [(-1,) if f is None else (0, f.width, f.integer_bits, f.signed, f.overflow,
                                             f.rounding) for f in step.formats]
            order = np.array(sorted(range(len(keys)), key=lambda j: keys[j]), np.int64)
            if keep_order:
                order = np.arange(len(keys))
            acc = self.dense(dense, order)
            self.parts = self.split(acc, order, step.formats, step.name)
        else:
            self.parts = [p for part in self.parts
                          for p in self.split(part.tensor, part.lanes, step.formats, step.name)]
        if not self.parts:
            raise UnsupportedError(f"HGQ2 quantizer {step.name!r} has 0 bits on every element: "
                                   "the model's output does not depend on its input")

    def join(self, parts: list[Part], name: str, n: int) -> str:
        """One output tensor of the parts, in Keras order (``concat`` two at a time, into a
        format that holds every part exactly)."""
        lanes = np.concatenate([p.lanes for p in parts])
        if not np.array_equal(lanes, np.arange(len(lanes))) or \
                len(lanes) != n:
            raise UnsupportedError(f"HGQ2 output quantizer {name!r} has lanes of 0 bits; "
                                   "an output lane must have at least one bit")
        formats = [self.fmt(p.tensor) for p in parts]
        frac = max(f.frac_bits for f in formats)
        ints = max(f.integer_bits + (0 if f.signed else 1) for f in formats)
        if ints + frac > MAX_WIDTH:
            raise UnsupportedError(f"HGQ2 output quantizer {name!r}: one format holding all "
                                   f"of its lanes needs {ints + frac} bits (at most {MAX_WIDTH})")
        joined = FixedFormat(ints + frac, ints, True, "TRN", "WRAP")
        total, size = parts[0].tensor, len(parts[0].lanes)
        for part in parts[1:]:
            size += len(part.lanes)
            total = self.op("concat", [total, part.tensor],
                            self.tensor(f"{name}_joined", size, joined), {"axis": 1},
                            f"hgq {name}")
        return total

    # -- dense --------------------------------------------------------------------------------
    def dense(self, step: Dense, order: np.ndarray) -> str:
        """The dense layer on the current parts, outputs in ``order`` (Keras output lanes)."""
        where = f"HGQ2 layer {step.name!r}"
        columns = []
        for part in self.parts:
            w = step.kernel[part.lanes][:, order].T  # [out, in] of this part
            raw, frac = exact_raw(w, f"{where} kernel")
            columns.append((part, raw, frac))
        frac = max(self.fmt(p.tensor).frac_bits + f for p, _, f in columns)
        b_raw = b_frac = None
        if step.bias is not None and np.any(step.bias != 0):
            b_raw, b_frac = exact_raw(step.bias[order], f"{where} bias")
            frac = max(frac, b_frac)
        # the largest |output| as an exact integer at the accumulator's binary point
        bound = [0] * len(order)
        for part, raw, f in columns:
            x = self.fmt(part.tensor)
            scale = peak_raw(x) << (frac - x.frac_bits - f)
            bound = [b + int(s) * scale for b, s in zip(bound, np.abs(raw).sum(axis=1))]
        bias = None
        if b_raw is not None:
            bound = [b + (abs(int(r)) << (frac - b_frac)) for b, r in zip(bound, b_raw)]
            bias = self.const(f"{step.name}_bias", b_raw,
                              holding_format(b_raw, b_frac, f"{where} bias"))
        acc = accumulator_format(max(bound, default=0), frac, where)
        total = None
        for k, (part, raw, f) in enumerate(columns):
            last = k == len(columns) - 1
            w = self.const(f"{step.name}_kernel", raw, holding_format(raw, f, f"{where} kernel"))
            act = step.activation if last and len(columns) == 1 else "none"
            y = self.op("fully_connected", [part.tensor, w, bias if k == 0 else None],
                        self.tensor(f"{step.name}_partial" if len(columns) > 1 else step.name,
                                    len(order), acc), {"activation": act}, f"hgq {step.name}")
            if total is not None:
                y = self.op("add", [total, y], self.tensor(step.name if last else
                                                           f"{step.name}_sum", len(order), acc),
                            {"activation": step.activation if last else "none"},
                            f"hgq {step.name}")
            total = y
        return total


def emit_graph(name: str, n_inputs: int, steps: list, meta: dict) -> Graph:
    """The fixed-point graph of ``steps``; the model input is quantized by the first step."""
    graph = Graph(name, meta=dict(meta))
    em = _Emitter(graph)
    if not steps or not isinstance(steps[0], Quant):
        raise UnsupportedError("the HGQ2 model's first layer does not quantize its input "
                               "(enable_iq=False); edgesmith needs a fixed-point model input")
    first = steps[0]
    formats = [f for f in first.formats if f is not None]
    if not formats:
        raise UnsupportedError(f"HGQ2 quantizer {first.name!r} has 0 bits on every input "
                               "lane: the model's output does not depend on its input")
    if all(f == formats[0] for f in first.formats):
        port = formats[0]  # one format: the input port is the quantizer itself
    else:
        port = covering_format(formats, f"HGQ2 quantizer {first.name!r}")
    source = em.tensor("input", n_inputs, port)
    graph.inputs.append(source)
    if port in first.formats:
        em.parts = [Part(source, np.arange(n_inputs))]
    else:
        em.parts = em.split(source, np.arange(n_inputs), first.formats, first.name)
    for k, step in enumerate(steps[1:], start=1):
        if isinstance(step, Quant):
            em.quantize(step, keep_order=k == len(steps) - 1)
        elif em.pending is not None:
            raise UnsupportedError(f"HGQ2 layer {step.name!r} follows {em.pending.name!r} "
                                   "without an input quantizer between them (enable_iq=False)")
        else:
            em.pending = step
    if em.pending is None:
        output = em.join(em.parts, steps[-1].name, len(steps[-1].formats))
    else:
        n = em.pending.kernel.shape[1]
        output = em.dense(em.pending, np.arange(n))
    graph.outputs = [output]
    graph.remove_unused_tensors()
    verify_graph(graph)
    return graph

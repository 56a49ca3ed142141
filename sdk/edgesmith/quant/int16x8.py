"""Post-training 16x8 quantization (``quantize --act-bits 16``), as the TFLite converter's
EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8 conversion does it.

* Activations: int16 per tensor, symmetric: zero point 0, scale max(|lo|, |hi|) / 32767
  of the calibrated range (the model's inputs and outputs too, so its ports are int16).
* Logistic, tanh and softmax outputs: Q0.15 (scale 1/32768, zero point 0), the format
  TFLite Micro's int16 kernels require.
* Weights: int8 symmetric, per output channel as in the int8 scheme; bias: int64 with scale
  input_scale * weight_scale[c].
* Tensors that kernels pass through (reshape) share one format, as in the int8 scheme.

Only ops with a 16x8 kernel in the simulator and the C runtime are taken; any other op is
refused by name before anything is quantized.
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..ir import AffineFormat, Graph, op_def, op_types
from .calibrate import Range
from .int8 import _quantize_constants, group_ranges

Q015 = AffineFormat([2.0 ** -15], [0], bits=16)
_MIN_SCALE = 1e-9


def int16x8_ops() -> frozenset[str]:
    """Op types ``--act-bits 16`` quantizes: a 16x8 simulator kernel and a C kernel (or a
    view, which needs none)."""
    from ..arith.params_int16 import C_INT16_OP_TYPES
    from ..sim.int16_kernels import INT16_KERNELS

    return frozenset(INT16_KERNELS) & (frozenset(C_INT16_OP_TYPES) | op_types(view=True))


def check_int16x8_ops(graph: Graph) -> None:
    """Refuse the first op without a 16x8 kernel (before calibrating)."""
    supported = int16x8_ops()
    for i, op in enumerate(graph.ops):
        if op.type not in supported:
            raise UnsupportedError(
                f"op {i} ({op.type}{', ' + op.origin if op.origin else ''}) has no 16x8 "
                f"kernel (int16 activations); --act-bits 16 takes {', '.join(sorted(supported))}",
                hint="quantize with --act-bits 8 (int8 activations) instead")


def symmetric16(r: Range) -> AffineFormat:
    """int16, zero point 0, covering ``r``: scale max(|lo|, |hi|) / 32767."""
    peak = max(abs(r.lo), abs(r.hi))
    return AffineFormat([float(np.float32(max(peak / 32767.0, _MIN_SCALE)))], [0], bits=16)


def quantize_16x8(graph: Graph, ranges: dict[str, Range], *, per_channel: bool = True) -> Graph:
    """A new 16x8 graph from a float ``graph`` and calibrated activation ranges."""
    check_int16x8_ops(graph)
    group, merged = group_ranges(graph, ranges)
    fixed = {group[op.outputs[0]] for op in graph.ops if op_def(op.type).quant == "range"}
    q = graph.copy()
    q.name = graph.name
    for name, t in graph.tensors.items():
        if not t.is_const:
            root = group[name]
            q.tensors[name].fmt = Q015 if root in fixed else symmetric16(merged[root])
            q.tensors[name].dtype = "int16"
    for op in q.ops:
        _quantize_constants(q, op, per_channel, bias_fn=_bias64, constant_format=symmetric16)
    q.remove_unused_tensors()
    q.meta = {**graph.meta, "quantized": "16x8 post-training (int16 activations, int8 weights)"}
    return q


def _bias64(b: np.ndarray, in_scale: float, w_fmt: AffineFormat):
    """int64 codes of scale input_scale * weight_scale[c]; like an imported 16x8 model's bias,
    the tensor carries no format (the kernels derive it from the input and the weights)."""
    scale = (np.float32(in_scale) * w_fmt.scale).astype(np.float32)
    return np.round(b.astype(np.float64) / scale.astype(np.float64)).astype(np.int64), None

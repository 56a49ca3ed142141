"""Keras LSTM layers as the IR ``lstm``, laid out as the TFLite converter lays them out.

The kernel ``[features, 4 units]``, recurrent kernel ``[units, 4 units]`` and bias are
split per gate (Keras orders them input, forget, cell, output, as TFLite does) and
transposed to ``[units, ..]``; the hidden and cell states become state tensors that persist
across invocations, as the converter's variable tensors do (each Keras call starts from
zero: the same for one call, and for the first call after a reset). ``return_sequences``
False keeps the last step, as the converter's strided slice does. The cell state is
clipped to +-10, the cell_clip the converter gives every Keras LSTM it fuses (Keras itself
does not clip; the two differ only where |cell| passes 10).
"""

from __future__ import annotations

import numpy as np

from ...ir import Tensor

_GATES = ("input", "forget", "cell", "output")
#: the cell_clip of the TFLite converter's fused Keras LSTM
CONVERTER_CELL_CLIP = 10.0


def _name(value) -> str | None:
    """A Keras activation name (Keras 3 may serialize it as a dict)."""
    if isinstance(value, dict):
        inner = value.get("config")
        return inner if isinstance(inner, str) else value.get("class_name")
    return value


def lstm_from_keras(ctx, inputs: list[str]) -> str:
    cfg = ctx.config
    for key, why in (("return_state", "return_state"), ("go_backwards", "go_backwards"),
                     ("time_major", "time-major inputs")):
        if cfg.get(key):
            raise ctx.refuse(f"LSTM with {why} is not supported")
    if _name(cfg.get("activation", "tanh")) != "tanh" \
            or _name(cfg.get("recurrent_activation", "sigmoid")) != "sigmoid":
        raise ctx.refuse("LSTM activations other than tanh (cell) and sigmoid (gates) are not "
                         "supported (TFLite Micro's LSTM runs these only)")
    x = inputs[0]
    if len(ctx.shape(x)) != 3:
        raise ctx.refuse(f"LSTM input {list(ctx.shape(x))} must be [batch, time, features]")
    units = int(cfg["units"])
    kernel = ctx.weight("kernel")
    recurrent = ctx.weight("recurrent_kernel")
    bias = ctx.weight("bias") if cfg.get("use_bias", True) else np.zeros(4 * units, np.float32)
    gate = [slice(k * units, (k + 1) * units) for k in range(4)]
    operands = [x]
    operands += [ctx.const(f"{g}_weights", kernel[:, gate[k]].T) for k, g in enumerate(_GATES)]
    operands += [ctx.const(f"{g}_recurrent", recurrent[:, gate[k]].T)
                 for k, g in enumerate(_GATES)]
    operands += [ctx.const(f"{g}_bias", bias[gate[k]]) for k, g in enumerate(_GATES)]
    graph = ctx.builder.graph
    for state in ("hidden_state", "cell_state"):
        name = graph.unique_name(f"{ctx.layer.name}/{state}")
        graph.add_tensor(Tensor(name, (1, units), "float32", variable=True))
        operands.append(name)
    y = ctx.op("lstm", operands, {"cell_clip": CONVERTER_CELL_CLIP})
    if cfg.get("return_sequences", False):
        return y
    steps = ctx.shape(y)[1]
    return ctx.op("slice", [y], {"begin": (0, steps - 1, 0), "size": (1, 1, units),
                                 "strides": (1, 1, 1), "shrink": (1,)}, suffix="last_step")

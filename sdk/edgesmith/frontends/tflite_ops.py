"""One handler per TFLite builtin: read its options and constant operands, and
append the IR op through the importer (:mod:`edgesmith.frontends.tflite`)."""

from __future__ import annotations

from functools import partial

import numpy as np

from ..errors import ModelFormatError, UnsupportedError
from ..ir import Tensor, same_padding
from .tflite_reader import TflOperator

#: TFLite builtins the importer maps, and the IR op each becomes
SUPPORTED_OPS = {
    "CONV_2D": "conv2d", "DEPTHWISE_CONV_2D": "depthwise_conv2d",
    "FULLY_CONNECTED": "fully_connected", "AVERAGE_POOL_2D": "avg_pool2d",
    "MAX_POOL_2D": "max_pool2d", "ADD": "add", "MUL": "mul", "RESHAPE": "reshape",
    "SOFTMAX": "softmax", "LOGISTIC": "logistic", "TANH": "tanh", "MEAN": "mean", "PAD": "pad",
    "CONCATENATION": "concat", "QUANTIZE": "quantize", "DEQUANTIZE": "dequantize",
    "RELU": "relu", "RELU6": "relu6", "RELU_N1_TO_1": "relu_n1_to_1",
}
_ACTIVATIONS = {0: "none", 1: "relu", 2: "relu_n1_to_1", 3: "relu6"}
_ACTIVATION_NAMES = {4: "TANH", 5: "SIGN_BIT"}
_PADDING_SAME, _PADDING_VALID = 0, 1


def option(op: TflOperator, getter: str, default):
    return default if op.options is None else getattr(op.options, getter)()


def fused_activation(imp, op: TflOperator) -> str:
    code = option(op, "FusedActivationFunction", 0)
    if code not in _ACTIVATIONS:
        name = _ACTIVATION_NAMES.get(code, str(code))
        raise UnsupportedError(f"{imp.path}: {op.title}: fused activation {name} is not "
                               f"supported (supported: {', '.join(_ACTIVATIONS.values())})")
    return _ACTIVATIONS[code]


def window_pads(imp, op: TflOperator, size_hw, kernel_hw, stride, dilation) -> tuple:
    """(top, bottom, left, right) of SAME or VALID padding, as TFLite computes them."""
    padding = option(op, "Padding", _PADDING_SAME)
    if padding == _PADDING_VALID:
        return (0, 0, 0, 0)
    if padding != _PADDING_SAME:
        raise UnsupportedError(f"{imp.path}: {op.title}: unknown padding code {padding}")
    top, bottom = same_padding(size_hw[0], kernel_hw[0], stride[0], dilation[0])
    left, right = same_padding(size_hw[1], kernel_hw[1], stride[1], dilation[1])
    return (top, bottom, left, right)


def _conv(imp, op: TflOperator, depthwise: bool) -> None:
    x, w = (imp.tflite(i) for i in op.inputs[:2])
    stride = (option(op, "StrideH", 1), option(op, "StrideW", 1))
    dilation = (option(op, "DilationHFactor", 1), option(op, "DilationWFactor", 1))
    attrs = {"stride": stride, "dilation": dilation, "activation": fused_activation(imp, op),
             "pads": window_pads(imp, op, x.shape[1:3], w.shape[1:3], stride, dilation)}
    if depthwise:
        if x.shape[3] == 0 or w.shape[3] % x.shape[3]:
            raise UnsupportedError(f"{imp.path}: {op.title}: {w.shape[3]} filters do not divide "
                                   f"into {x.shape[3]} input channels")
        attrs["depth_multiplier"] = w.shape[3] // x.shape[3]
    elif w.shape[3] != x.shape[3]:
        raise UnsupportedError(f"{imp.path}: {op.title}: grouped convolution "
                               f"({x.shape[3]} input channels, filters of depth {w.shape[3]})")
    bias = op.inputs[2] if len(op.inputs) > 2 else -1
    imp.emit(op, "depthwise_conv2d" if depthwise else "conv2d", [op.inputs[0], op.inputs[1], bias],
             attrs)


def _fully_connected(imp, op: TflOperator) -> None:
    if option(op, "WeightsFormat", 0) != 0:
        raise UnsupportedError(f"{imp.path}: {op.title}: shuffled weight formats are not supported")
    bias = op.inputs[2] if len(op.inputs) > 2 else -1
    imp.emit(op, "fully_connected", [op.inputs[0], op.inputs[1], bias],
             {"activation": fused_activation(imp, op)})


def _pool(imp, op: TflOperator, op_type: str) -> None:
    x = imp.tflite(op.inputs[0])
    kernel = (option(op, "FilterHeight", 1), option(op, "FilterWidth", 1))
    stride = (option(op, "StrideH", 1), option(op, "StrideW", 1))
    imp.emit(op, op_type, [op.inputs[0]],
             {"kernel": kernel, "stride": stride, "activation": fused_activation(imp, op),
              "pads": window_pads(imp, op, x.shape[1:3], kernel, stride, (1, 1))})


def _binary(imp, op: TflOperator, op_type: str) -> None:
    imp.emit(op, op_type, op.inputs[:2], {"activation": fused_activation(imp, op)})


def _unary(imp, op: TflOperator, op_type: str) -> None:
    imp.emit(op, op_type, op.inputs[:1], {})


def _reshape(imp, op: TflOperator) -> None:
    shape = imp.tflite(op.outputs[0]).shape
    imp.emit(op, "reshape", op.inputs[:1], {"shape": tuple(int(d) for d in shape)})


def _softmax(imp, op: TflOperator) -> None:
    imp.emit(op, "softmax", op.inputs[:1], {"beta": float(option(op, "Beta", 1.0))})


def _mean(imp, op: TflOperator) -> None:
    rank = len(imp.tflite(op.inputs[0]).shape)
    axes = sorted({int(a) % rank for a in imp.const_values(op, 1, "axes").reshape(-1)})
    if 0 in axes:
        raise UnsupportedError(f"{imp.path}: {op.title}: a mean over the batch axis is not "
                               "supported")
    imp.emit(op, "mean", op.inputs[:1],
             {"axes": tuple(axes), "keepdims": bool(option(op, "KeepDims", False))})


def _pad(imp, op: TflOperator) -> None:
    paddings = imp.const_values(op, 1, "paddings").astype(np.int64)
    if paddings.ndim != 2 or paddings.shape[1] != 2:
        raise ModelFormatError(f"{imp.path}: {op.title}: paddings of shape {paddings.shape}")
    if paddings[0].any():
        raise UnsupportedError(f"{imp.path}: {op.title}: padding the batch axis is not supported")
    imp.emit(op, "pad", op.inputs[:1], {"pads": tuple((int(a), int(b)) for a, b in paddings)})


def _concat(imp, op: TflOperator) -> None:
    rank = len(imp.tflite(op.inputs[0]).shape)
    axis = option(op, "Axis", 0) % rank
    if axis == 0:
        raise UnsupportedError(f"{imp.path}: {op.title}: concatenation along the batch axis")
    imp.emit(op, "concat", op.inputs, {"axis": axis, "activation": fused_activation(imp, op)})


def _dequantize(imp, op: TflOperator) -> None:
    src = imp.tflite(op.inputs[0])
    if src.data is None:
        imp.emit(op, "dequantize", op.inputs[:1], {})
        return
    out = imp.tflite(op.outputs[0])  # a constant weight: fold it
    data = imp.dequantized(src, op)
    imp.register(out.index, False, Tensor(out.name, tuple(data.shape), "float32", None, data))


HANDLERS = {
    "CONV_2D": partial(_conv, depthwise=False),
    "DEPTHWISE_CONV_2D": partial(_conv, depthwise=True),
    "FULLY_CONNECTED": _fully_connected,
    "AVERAGE_POOL_2D": partial(_pool, op_type="avg_pool2d"),
    "MAX_POOL_2D": partial(_pool, op_type="max_pool2d"),
    "ADD": partial(_binary, op_type="add"),
    "MUL": partial(_binary, op_type="mul"),
    "RESHAPE": _reshape,
    "SOFTMAX": _softmax,
    "MEAN": _mean,
    "PAD": _pad,
    "CONCATENATION": _concat,
    "DEQUANTIZE": _dequantize,
    **{name: partial(_unary, op_type=SUPPORTED_OPS[name])
       for name in ("LOGISTIC", "TANH", "QUANTIZE", "RELU", "RELU6", "RELU_N1_TO_1")},
}

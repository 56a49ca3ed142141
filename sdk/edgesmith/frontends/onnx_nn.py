"""ONNX convolutions (plain, grouped and transposed), dense layers, batch normalization
and pooling, as IR window and MAC ops.

Weights are rearranged once, at import: Conv ``[O, I/g, KH, KW]`` becomes OHWI (conv2d)
or ``[1, KH, KW, C*M]`` (depthwise, ``group == C``); a grouped convolution with more than
one channel per group becomes one conv2d per group on channel slices, joined by a concat.
Gemm and MatMul with constant weights become ``fully_connected`` ``[O, K]``, their rows
read in the order the IR holds the features (:mod:`.onnx_layout`).
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelFormatError, UnsupportedError
from ..ir.ops.base import same_padding
from .onnx import node_attrs
from .onnx_layout import NHWC
from .onnx_qdq import note_weights


def window_pads(imp, a: dict, in_hw, kernel, stride, dilation) -> tuple[int, int, int, int]:
    """IR pads (top, bottom, left, right) from ONNX ``pads`` or ``auto_pad``."""
    mode = a.get("auto_pad", "NOTSET")
    if mode == "VALID":
        return (0, 0, 0, 0)
    if mode in ("SAME_UPPER", "SAME_LOWER"):
        (t, b), (l, r) = (same_padding(n, k, s, d)
                          for n, k, s, d in zip(in_hw, kernel, stride, dilation))
        return (t, b, l, r) if mode == "SAME_UPPER" else (b, t, r, l)
    if mode != "NOTSET":
        raise UnsupportedError(f"{imp.node_title}: unknown auto_pad {mode!r}")
    pads = tuple(a.get("pads", (0, 0, 0, 0)))
    if len(pads) != 4:
        raise UnsupportedError(f"{imp.node_title}: only 2-D windows are supported "
                               f"(pads {list(pads)})")
    from ..io.limits import MAX_WINDOW

    if any(not 0 <= int(p) <= MAX_WINDOW for p in pads):
        raise ModelFormatError(f"{imp.node_title}: pads {list(pads)} outside [0, {MAX_WINDOW}]")
    top, left, bottom, right = pads
    return (top, bottom, left, right)


def _window(imp, node, a: dict, kernel) -> dict:
    x = imp.act(node.input[0])
    stride = tuple(a.get("strides", (1, 1)))
    dilation = tuple(a.get("dilations", (1, 1)))
    if len(kernel) != 2 or len(stride) != 2 or len(dilation) != 2 or x.rank != 4:
        raise UnsupportedError(f"{imp.node_title}: only 2-D windows over NCHW inputs are "
                               f"supported (kernel {list(kernel)})")
    from ..io.limits import MAX_WINDOW

    for what, values in (("kernel", kernel), ("strides", stride), ("dilations", dilation)):
        if any(not 1 <= int(v) <= MAX_WINDOW for v in values):
            raise ModelFormatError(f"{imp.node_title}: {what} {list(values)} outside "
                                   f"[1, {MAX_WINDOW}]")
    return {"stride": stride, "dilation": dilation,
            "pads": window_pads(imp, a, x.shape[2:], kernel, stride, dilation)}


def conv(imp, node) -> None:
    a = node_attrs(node)
    w = imp.const(node.input[1], "Conv weights").astype(np.float32)
    bias = imp.const(node.input[2], "Conv bias") if len(node.input) > 2 and node.input[2] \
        else None
    attrs = _window(imp, node, a, w.shape[2:])
    x = imp.nhwc(imp.act(node.input[0]))
    group, cin, cout = int(a.get("group", 1)), x.shape[1], w.shape[0]
    if group < 1:
        raise ModelFormatError(f"{imp.node_title}: group {group} is not positive")
    if cin % group or cout % group or w.shape[1] * group != cin:
        raise UnsupportedError(f"{imp.node_title}: weights {list(w.shape)} do not fit "
                               f"{cin} input channels in {group} groups")

    def one(x_ir: str, rows: slice, op_type: str, extra: dict, tag: str) -> str:
        layout = (1, 2, 3, 0) if op_type == "depthwise_conv2d" else (0, 2, 3, 1)
        inputs = [x_ir, imp.ir_const(f"{tag}/weights", w[rows].transpose(layout))]
        note_weights(imp, node.input[1], inputs[1], rows)
        b = None if bias is None else bias[rows]
        if b is not None:
            inputs.append(imp.ir_const(f"{tag}/bias", b))
        return imp.emit(op_type, inputs, {**attrs, **extra}, tag)

    name = node.output[0]
    if group == 1:
        out = one(x.name, slice(None), "conv2d", {}, name)
    elif group == cin and w.shape[1] == 1:
        out = one(x.name, slice(None), "depthwise_conv2d", {"depth_multiplier": cout // cin},
                  name)
    else:  # grouped: one convolution per group of channels
        cin_g, cout_g, parts = cin // group, cout // group, []
        h, wd = x.shape[2:]
        for g in range(group):
            xs = imp.emit("slice", [x.name], {"begin": (0, 0, 0, g * cin_g),
                                              "size": (1, h, wd, cin_g),
                                              "strides": (1, 1, 1, 1)}, f"{name}/group{g}/in")
            parts.append(one(xs, slice(g * cout_g, (g + 1) * cout_g), "conv2d", {},
                             f"{name}/group{g}"))
        out = imp.emit("concat", parts, {"axis": 3}, name)
    imp.define(name, imp.value(out, NHWC))


def conv_transpose(imp, node) -> None:
    """ConvTranspose as torch exports it (explicit pads, output_padding), group 1, no
    dilation. Weights ``[I, O, KH, KW]`` become ``[O, KH, KW, I]``; output pixel
    ``i * stride - pad_begin + k`` takes tap ``k`` of input pixel ``i``, as in the IR op."""
    a = node_attrs(node)
    w = imp.const(node.input[1], "ConvTranspose weights").astype(np.float32)
    if int(a.get("group", 1)) != 1:
        raise UnsupportedError(f"{imp.node_title}: grouped ConvTranspose (group "
                               f"{a.get('group')}) is not supported")
    if a.get("auto_pad", "NOTSET") not in ("NOTSET", "VALID") or "output_shape" in a:
        raise UnsupportedError(f"{imp.node_title}: ConvTranspose with auto_pad "
                               f"{a.get('auto_pad')!r} or output_shape is not supported; "
                               "export it with explicit pads (torch does)")
    attrs = _window(imp, node, {k: v for k, v in a.items() if k != "auto_pad"}, w.shape[2:])
    if attrs["dilation"] != (1, 1):
        raise UnsupportedError(f"{imp.node_title}: dilated ConvTranspose is not supported")
    x = imp.nhwc(imp.act(node.input[0]))
    if w.ndim != 4 or w.shape[0] != x.shape[1]:
        raise UnsupportedError(f"{imp.node_title}: weights {list(w.shape)} do not take "
                               f"{x.shape[1]} input channels")
    extra = tuple(a.get("output_padding", (0, 0)))
    top, bottom, left, right = attrs["pads"]
    size = tuple((n - 1) * s + k + e - p for n, s, k, e, p in
                 zip(x.shape[2:], attrs["stride"], w.shape[2:], extra,
                     (top + bottom, left + right)))
    if len(extra) != 2 or any(not 0 <= e < s for e, s in zip(extra, attrs["stride"])) \
            or min(size) < 1:
        raise ModelFormatError(f"{imp.node_title}: output_padding {list(extra)} and pads "
                               f"{list(attrs['pads'])} do not fit strides "
                               f"{list(attrs['stride'])}")
    name = node.output[0]
    inputs = [x.name, imp.ir_const(f"{name}/weights", w.transpose(1, 2, 3, 0))]
    note_weights(imp, node.input[1], inputs[1])
    if len(node.input) > 2 and node.input[2]:
        inputs.append(imp.ir_const(f"{name}/bias", imp.const(node.input[2],
                                                             "ConvTranspose bias")))
    out = imp.emit("transpose_conv", inputs, {"size": size, "stride": attrs["stride"],
                                              "pads": attrs["pads"]}, name)
    imp.define(name, imp.value(out, NHWC))


def dense(imp, node) -> None:
    """Gemm (alpha, beta, transB; transA only with the input as-is) and MatMul by constants."""
    a = node_attrs(node) if node.op_type == "Gemm" else {}
    if a.get("transA", 0):
        raise UnsupportedError(f"{imp.node_title}: Gemm with transA is not supported")
    x = imp.act(node.input[0])
    w = imp.const(node.input[1], f"{node.op_type} weights").astype(np.float64)
    if w.ndim != 2 or x.rank != 2:
        raise UnsupportedError(f"{imp.node_title}: only [N, K] x [K, O] products are "
                               f"supported (input {list(x.shape)}, weights {list(w.shape)})")
    if a.get("transB", 0):
        w = w.T
    w = w * a.get("alpha", 1.0)
    if x.order:  # the IR holds the features in another order: read the rows in it
        w = w[list(x.order)]
    elif x.perm:
        x = imp.onnx_order(x)
    inputs = [x.name, imp.ir_const(f"{node.output[0]}/weights", w.T)]
    note_weights(imp, node.input[1], inputs[1])
    if len(node.input) > 2 and node.input[2]:
        c = imp.const(node.input[2], "Gemm bias C").astype(np.float64) * a.get("beta", 1.0)
        try:
            bias = np.broadcast_to(c, (1, w.shape[1])).reshape(-1)
        except ValueError:
            raise UnsupportedError(f"{imp.node_title}: bias C of shape {list(c.shape)} is not "
                                   f"one value per output") from None
        inputs.append(imp.ir_const(f"{node.output[0]}/bias", bias))
    imp.define(node.output[0], imp.value(imp.emit("fully_connected", inputs,
                                                  name=node.output[0])))


def batch_norm(imp, node) -> None:
    a = node_attrs(node)
    if a.get("training_mode", 0) or len([o for o in node.output if o]) > 1:
        raise UnsupportedError(f"{imp.node_title}: BatchNormalization in training mode is "
                               "not supported (export the model in eval mode)")
    x = imp.act(node.input[0])
    params = [imp.const(n, "BatchNormalization parameters").astype(np.float32).reshape(-1)
              for n in node.input[1:5]]
    if x.rank == 4:
        x = imp.nhwc(x)
    elif x.rank == 2 and x.order:
        params = [p[list(x.order)] for p in params]
    elif x.rank != 2:
        raise UnsupportedError(f"{imp.node_title}: BatchNormalization of a rank-{x.rank} "
                               "input is not supported (rank 2 or 4)")
    names = [imp.ir_const(f"{node.output[0]}/{p}", v)
             for p, v in zip(("gamma", "beta", "mean", "variance"), params)]
    out = imp.emit("batch_norm", [x.name, *names], {"epsilon": float(a.get("epsilon", 1e-5))},
                   node.output[0])
    imp.define(node.output[0], imp.value(out, x.perm, x.order))


def pool(imp, node) -> None:
    a = node_attrs(node)
    kernel = tuple(a["kernel_shape"])
    attrs = _window(imp, node, a, kernel)
    if attrs["dilation"] != (1, 1):
        raise UnsupportedError(f"{imp.node_title}: dilated pooling is not supported")
    x = imp.nhwc(imp.act(node.input[0]))
    if a.get("ceil_mode", 0):
        _check_ceil_mode(imp, x.shape[2:], kernel, attrs)
    if node.op_type == "AveragePool" and a.get("count_include_pad", 0) and any(attrs["pads"]):
        raise UnsupportedError(f"{imp.node_title}: AveragePool with count_include_pad=1 and "
                               "padding is not supported (padding is left out of the average)")
    if len([o for o in node.output if o]) > 1:
        raise UnsupportedError(f"{imp.node_title}: MaxPool indices output is not supported")
    op_type = "max_pool2d" if node.op_type == "MaxPool" else "avg_pool2d"
    out = imp.emit(op_type, [x.name], {"kernel": kernel, "stride": attrs["stride"],
                                       "pads": attrs["pads"]}, node.output[0])
    imp.define(node.output[0], imp.value(out, NHWC))


def _check_ceil_mode(imp, hw, kernel, attrs) -> None:
    (t, b, l, r), stride = attrs["pads"], attrs["stride"]
    for n, k, s, p in zip(hw, kernel, stride, (t + b, l + r)):
        if (n + p - k) % s:
            raise UnsupportedError(f"{imp.node_title}: ceil_mode=1 adds a partial window "
                                   "here, which is not supported (use ceil_mode=0)")


def global_pool(imp, node) -> None:
    x = imp.nhwc(imp.act(node.input[0]))
    op_type = "mean" if node.op_type == "GlobalAveragePool" else "reduce_max"
    out = imp.emit(op_type, [x.name], {"axes": (1, 2), "keepdims": True}, node.output[0])
    imp.define(node.output[0], imp.value(out, NHWC))


CONVERTERS = {"Conv": conv, "ConvTranspose": conv_transpose, "Gemm": dense, "MatMul": dense,
              "BatchNormalization": batch_norm,
              "MaxPool": pool, "AveragePool": pool, "GlobalAveragePool": global_pool,
              "GlobalMaxPool": global_pool}

"""The integer parameters of an op as the C runtime's parameter structs.

This is the one place where :func:`edgesmith.arith.params.compute_params`
meets ``runtime/include/es_nn_types.h`` (the mapping table of
``runtime/README.md``). It gives plain values, not text:

* a struct is a :class:`CStruct` (its C type and a dict of fields in
  declaration order; a nested struct is a dict);
* data a struct points to is a :class:`CArray` (element type and values);
* an enumerator or a named object is a :class:`CSymbol`; ``None`` is NULL.

The code generator turns these into ``static const`` initializers
(:func:`c_initializer`, :func:`c_array_lines`); the runtime tests hand the
same values to cffi. So the generated firmware and the kernel tests cannot
disagree on a field.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import UnsupportedError
from ..ir import Graph, Op, with_defaults
from ..memory.lifetimes import VIEW_OPS
from ..arith.params import (AddParams, ConvParams, FullyConnectedParams, LutParams, MeanParams,
                            MulParams, PadParams, PoolParams, QuantizeParams, RequantizeParams,
                            SoftmaxParams, compute_params, convert_kernel)
from ..arith.sigmoid_table import SIGMOID_Q16
from .c_formats import format_kernel_params
from .c_values import (CArray, CStruct, CSymbol, KernelParams, as_dims4, axis4, dims,
                       gather_kernel, gather_table_kernel, pad_kernel, tile)

__all__ = ["C_OP_TYPES", "CArray", "CStruct", "CSymbol", "FC_STAGES", "KernelParams", "VIEW_OPS",
           "as_dims4", "axis4", "c_array_lines", "c_initializer", "c_int", "c_struct_lines",
           "dims", "exact_scale", "kernel_params", "tile"]


def activation(p) -> dict:
    return {"min": int(p.act_min), "max": int(p.act_max)}


def exact_scale(real: float) -> dict:
    """The double ``real`` as mantissa * 2^exponent with a 53-bit integer mantissa."""
    if real == 0.0:
        return {"mantissa": 0, "exponent": 0}
    fraction, exponent = math.frexp(real)
    mantissa = int(fraction * (1 << 53))
    assert mantissa * 2.0 ** (exponent - 53) == real
    return {"mantissa": mantissa, "exponent": exponent - 53}


def _int32s(values, count: int | None = None, ctype: str = "int32_t") -> CArray:
    """An integer array; a single entry is repeated ``count`` times (per-tensor quantization)."""
    arr = np.asarray(values, dtype=np.int64).reshape(-1)
    if count is not None:
        arr = np.broadcast_to(arr, (count,))
    return CArray(ctype, tuple(int(v) for v in arr))


# -- one builder per kernel family ------------------------------------------------------
def _conv(op: Op, graph: Graph, p: ConvParams, a: dict) -> KernelParams:
    channels = graph.tensors[op.outputs[0]].shape[-1]
    fields = {"input_offset": p.input_offset, "output_offset": p.output_offset}
    if op.type == "depthwise_conv2d":
        fields["depth_multiplier"] = a["depth_multiplier"]
    fields.update(stride=tile(a["stride"]), dilation=tile(a["dilation"]),
                  padding=tile((a["pads"][0], a["pads"][2])), activation=activation(p))
    ctype = "es_dw_conv_params" if op.type == "depthwise_conv2d" else "es_conv_params"
    quant = CStruct("es_per_channel_quant_params", {"multiplier": _int32s(p.multiplier, channels),
                                                    "shift": _int32s(p.shift, channels, "int8_t")})
    return KernelParams(f"es_{op.type}_s8", {"params": CStruct(ctype, fields), "quant": quant})


def _fully_connected(op: Op, graph: Graph, p: FullyConnectedParams, a: dict,
                     stage: str) -> KernelParams:
    out_features, depth = graph.tensors[op.inputs[1]].shape
    exact = stage == "exact"
    quant = {
        "stage": CSymbol("ES_OUTPUT_STAGE_EXACT_SCALE" if exact else "ES_OUTPUT_STAGE_Q31"),
        "per_channel": int(p.multiplier.size > 1),
        # the kernel reads only the arrays of its stage
        "multiplier": None if exact else _int32s(p.multiplier),
        "shift": None if exact else _int32s(p.shift),
        "scale": CArray("es_exact_scale", tuple(exact_scale(float(s)) for s in p.real_scale))
        if exact else None,
    }
    params = {"input_offset": p.input_offset, "filter_offset": p.weights_offset,
              "output_offset": p.output_offset, "activation": activation(p)}
    args = {"params": CStruct("es_fc_params", params),
            "quant": CStruct("es_fc_quant_params", quant),
            "dims": CStruct("es_fc_dims", {"accum_depth": int(depth),
                                           "output_depth": int(out_features)})}
    if a["keep_num_dims"]:  # every row of the last axis is one dense product
        rows = graph.tensors[op.inputs[0]].size // int(depth)
        return KernelParams("es_fully_connected_rows_s8", {**args, "rows": rows})
    return KernelParams("es_fully_connected_s8", args)


def _pool(op: Op, graph: Graph, p: PoolParams, a: dict) -> KernelParams:
    fields = {"window": tile(a["kernel"]), "stride": tile(a["stride"]),
              "padding": tile((a["pads"][0], a["pads"][2])), "activation": activation(p)}
    return KernelParams(f"es_{op.type}_s8", {"params": CStruct("es_pool_params", fields)})


def _binary(op: Op, graph: Graph, p: AddParams | MulParams, a: dict) -> KernelParams:
    fields = {k: int(v) for k, v in vars(p).items() if k not in ("act_min", "act_max")}
    fields["activation"] = activation(p)
    return KernelParams(f"es_{op.type}_s8", {"params": CStruct(f"es_{op.type}_params", fields)})


def _requantize(op: Op, graph: Graph, p: RequantizeParams, a: dict) -> KernelParams:
    fields = {"input_offset": -p.input_zero_point, "output_offset": p.output_zero_point,
              "quant": {"multiplier": p.multiplier, "shift": p.shift},
              "activation": activation(p)}
    if op.type != "quantize":
        kernel = "es_relu_s8"
    else:  # int8 -> int8 keeps its historical name
        name = convert_kernel(op, graph)
        kernel = "es_requantize_s8" if name == "quantize_s8" else f"es_{name}"
    return KernelParams(kernel, {"params": CStruct("es_requantize_params", fields),
                                 "size": graph.tensors[op.outputs[0]].size})


def _convert(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    """quantize (from float32, or between integer types) and dequantize at a model's edges;
    the float32 scale is emitted as an exact C99 hexadecimal float constant."""
    if isinstance(p, RequantizeParams):
        return _requantize(op, graph, p, a)
    if isinstance(p, QuantizeParams):
        fields = {"scale": np.float32(p.scale), "zero_point": p.zero_point,
                  "activation": {"min": p.qmin, "max": p.qmax}}
        params = CStruct("es_quantize_float_params", fields)
    else:
        params = CStruct("es_dequantize_params", {"scale": np.float32(p.scale),
                                                  "zero_point": p.zero_point})
    return KernelParams(f"es_{convert_kernel(op, graph)}",
                        {"params": params, "size": graph.tensors[op.outputs[0]].size})


def _softmax(op: Op, graph: Graph, p: SoftmaxParams, a: dict) -> KernelParams:
    out = graph.tensors[op.outputs[0]]
    depth = out.shape[-1]
    kernel = "es_softmax_s8_s16" if out.dtype == "int16" else "es_softmax_s8"
    return KernelParams(kernel, {"params": CStruct("es_softmax_params", dict(vars(p))),
                                          "rows": out.size // depth, "depth": depth})


def _log_softmax(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    depth = graph.tensors[op.outputs[0]].shape[-1]
    return KernelParams("es_log_softmax_s8",
                        {"params": CStruct("es_log_softmax_params", dict(vars(p))),
                         "rows": graph.tensors[op.outputs[0]].size // depth, "depth": depth})


def _l2_normalization(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    out = graph.tensors[op.outputs[0]]
    depth = out.shape[-1]
    fields = {"input_offset": -p.input_zero_point}
    return KernelParams("es_l2_normalization_s8",
                        {"params": CStruct("es_l2_norm_params", fields),
                         "rows": out.size // depth, "depth": depth})


def _resize_bilinear(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    from ..ir.ops.resize_bilinear import grid_scale

    _, h, w, _ = graph.tensors[op.inputs[0]].shape
    fields = {"height_scale": grid_scale(h, a["size"][0], a["align_corners"]),
              "width_scale": grid_scale(w, a["size"][1], a["align_corners"]),
              "half_pixel_centers": int(a["half_pixel_centers"])}
    return KernelParams("es_resize_bilinear_s8",
                        {"params": CStruct("es_resize_bilinear_params", fields)})


def _batch_matmul(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    fields = {"input1_offset": p.a_offset, "input2_offset": p.b_offset,
              "output_offset": p.output_offset,
              "quant": {"multiplier": p.multiplier, "shift": p.shift},
              "adj_x": int(a["adj_x"]), "adj_y": int(a["adj_y"])}
    return KernelParams("es_batch_matmul_s8",
                        {"params": CStruct("es_batch_matmul_params", fields)})


def _lut(op: Op, graph: Graph, p: LutParams, a: dict) -> KernelParams:
    return KernelParams(f"es_{op.type}_s8", {"table": CArray("int8_t", tuple(map(int, p.table))),
                                             "size": graph.tensors[op.outputs[0]].size})


def _mean(op: Op, graph: Graph, p: MeanParams, a: dict) -> KernelParams:
    rank = len(graph.tensors[op.inputs[0]].shape)
    axes = sum(1 << ax for ax in {axis4(x, rank) for x in a["axes"]})  # ES_AXIS_* bits
    fields = {"input_offset": -p.input_zero_point, "output_offset": p.output_zero_point,
              "quant": {"multiplier": p.multiplier, "shift": p.shift}, "axes": axes}
    return KernelParams("es_mean_s8", {"params": CStruct("es_mean_params", fields)})


def _pad(op: Op, graph: Graph, p: PadParams, a: dict) -> KernelParams:
    return pad_kernel(op, graph, a, "s8", p.pad_value)


def _concat(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    rank = len(graph.tensors[op.outputs[0]].shape)
    fields = {"axis": axis4(a["axis"], rank), "num_inputs": len(op.inputs)}
    return KernelParams("es_concat_s8", {"params": CStruct("es_concat_params", fields)})


def _gather(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    return gather_kernel(op, graph, "s8")


def _gather_table(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    return gather_table_kernel(op, graph, "s8")


def _select(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    return KernelParams(f"es_{op.type}_s8", {})


def _subtract(op: Op, graph: Graph, p: AddParams, a: dict) -> KernelParams:
    """sub and squared_difference: ADD's parameter struct."""
    fields = {k: int(v) for k, v in vars(p).items() if k not in ("act_min", "act_max")}
    fields["activation"] = activation(p)
    return KernelParams(f"es_{op.type}_s8", {"params": CStruct("es_add_params", fields)})


def _abs(op: Op, graph: Graph, p: RequantizeParams, a: dict) -> KernelParams:
    fields = {"input_offset": -p.input_zero_point, "output_offset": p.output_zero_point,
              "quant": {"multiplier": p.multiplier, "shift": p.shift},
              "activation": activation(p)}
    return KernelParams("es_abs_s8", {"params": CStruct("es_requantize_params", fields),
                                      "size": graph.tensors[op.outputs[0]].size})


def _leaky_relu(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    fields = {"input_offset": -p.input_zero_point, "output_offset": p.output_zero_point,
              "identity": {"multiplier": p.identity_multiplier, "shift": p.identity_shift},
              "alpha": {"multiplier": p.alpha_multiplier, "shift": p.alpha_shift}}
    return KernelParams("es_leaky_relu_s8", {"params": CStruct("es_leaky_relu_params", fields),
                                             "size": graph.tensors[op.outputs[0]].size})


def _prelu(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    return KernelParams("es_prelu_s8", {"params": CStruct("es_prelu_params", dict(vars(p)))})


def _svdf(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    from ..ir.ops.svdf import svdf_dims

    size, filters, memory, _ = svdf_dims(graph, op)
    fields = {"input_size": size, "filters": filters, "memory": memory,
              "rank": a["rank"], "input_offset": p.input_offset,
              "state_zero_point": p.state_zero_point, "output_offset": p.output_offset,
              "feature": {"multiplier": p.feature_multiplier, "shift": p.feature_shift},
              "time": {"multiplier": p.time_multiplier, "shift": p.time_shift}}
    kernel = "es_svdf_s8" if p.state_bits == 16 else "es_svdf_s8_state8"
    return KernelParams(kernel, {"params": CStruct("es_svdf_params", fields)})


def _int16_kernel(op: Op, graph: Graph) -> KernelParams | None:
    """The 16x8 kernel of an op reading an int16 activation, or None for other ops."""
    from ..arith.params_int16 import C_INT16_OP_TYPES, LUT16_OP_TYPES, is_int16, mac16_params

    if not op.inputs or not is_int16(graph, op.inputs[0]) or op.type not in C_INT16_OP_TYPES:
        return None
    if op.type in ("conv2d", "depthwise_conv2d", "fully_connected"):
        p = mac16_params(op, graph)
        quant = {"weights_offset": p.weights_offset, "multiplier": _int32s(p.multiplier),
                 "shift": _int32s(p.shift), "min": p.act_min, "max": p.act_max}
    if op.type in ("conv2d", "depthwise_conv2d"):
        a = with_defaults(op.type, op.attrs)
        fields = {"input_offset": 0, "output_offset": 0}
        if op.type == "depthwise_conv2d":
            fields["depth_multiplier"] = a["depth_multiplier"]
        fields.update(stride=tile(a["stride"]), dilation=tile(a["dilation"]),
                      padding=tile((a["pads"][0], a["pads"][2])),
                      activation={"min": -128, "max": 127})  # unused by the int16 kernels
        ctype = "es_dw_conv_params" if op.type == "depthwise_conv2d" else "es_conv_params"
        return KernelParams(f"es_{op.type}_s16", {"params": CStruct(ctype, fields),
                                                  "quant": CStruct("es_quant16_params", quant)})
    if op.type in LUT16_OP_TYPES:
        return _lut16_kernel(op, graph)
    if op.type == "fully_connected":
        out_features, depth = graph.tensors[op.inputs[1]].shape
        return KernelParams("es_fully_connected_s16", {
            "quant": CStruct("es_quant16_params", quant),
            "dims": CStruct("es_fc_dims", {"accum_depth": int(depth),
                                           "output_depth": int(out_features)})})
    p = compute_params(op, graph)  # add, mul: the int8 structs, an int16 clamp beside
    fields = {k: int(v) for k, v in vars(p).items() if k not in ("act_min", "act_max")}
    fields["activation"] = {"min": -128, "max": 127}  # unused by the int16 kernels
    return KernelParams(f"es_{op.type}_s16", {
        "params": CStruct(f"es_{op.type}_params", fields),
        "clamp": CStruct("es_activation16", {"min": int(p.act_min), "max": int(p.act_max)})})


def _lut16_kernel(op: Op, graph: Graph) -> KernelParams:
    """int16 logistic, tanh (the sigmoid table) and softmax (exp and reciprocal tables)."""
    from ..arith.params_int16_lut import BUILDERS as LUT16_PARAMS

    p, out = LUT16_PARAMS[op.type](op, graph), graph.tensors[op.outputs[0]]
    if op.type == "softmax":
        depth = out.shape[-1]
        fields = {"input_multiplier": p.input_multiplier, "input_left_shift": p.input_left_shift,
                  "exp_table": CArray("int16_t", tuple(map(int, p.exp_table))),
                  "reciprocal_table": CArray("int16_t", tuple(map(int, p.reciprocal_table)))}
        return KernelParams("es_softmax_s16", {"params": CStruct("es_softmax16_params", fields),
                                               "rows": out.size // depth, "depth": depth})
    fields = {"input_multiplier": p.input_multiplier, "input_left_shift": p.input_left_shift,
              "sigmoid_table": CArray("uint16_t", SIGMOID_Q16)}
    return KernelParams(f"es_{op.type}_s16", {"params": CStruct("es_sigmoid16_params", fields),
                                              "size": out.size})




def _reduce(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    rank = len(graph.tensors[op.inputs[0]].shape)
    axes = sum(1 << ax for ax in {axis4(x, rank) for x in a["axes"]})  # ES_AXIS_* bits
    return KernelParams(f"es_{op.type}_s8",
                        {"params": CStruct("es_reduce_params", {"axes": axes})})


def _arg_select(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    """arg_max / arg_min: the reduce walk over one axis; the index type is the output's
    (int32 or int64, as the model declares it)."""
    kp = _reduce(op, graph, p, {"axes": (a["axis"],)})
    if graph.tensors[op.outputs[0]].dtype == "int64":
        return KernelParams(f"{kp.kernel}_s64", kp.args)
    return kp


def _lstm(op: Op, graph: Graph, p, a: dict) -> KernelParams:
    x = graph.tensors[op.inputs[0]].shape

    def quant(multiplier, shift) -> dict:
        return {"multiplier": int(multiplier), "shift": int(shift)}

    fields = {
        "sequences": int(x[1] if a["time_major"] else x[0]),
        "steps": int(x[0] if a["time_major"] else x[1]), "features": int(x[2]),
        "units": int(graph.tensors[op.inputs[1]].shape[0]), "time_major": int(a["time_major"]),
        "input_offset": p.input_offset, "hidden_offset": p.hidden_offset,
        "gates": CArray("es_quant_params", tuple(quant(m, sh) for m, sh in
                                                 zip(p.gate_multiplier, p.gate_shift))),
        "forget_mul": quant(p.forget_multiplier, p.forget_shift),
        "input_mul": quant(p.input_multiplier, p.input_shift),
        "hidden_mul": quant(p.hidden_multiplier, p.hidden_shift),
        "hidden_zero_point": p.hidden_zero_point, "cell_tanh_shift": p.cell_tanh_shift,
        "cell_clip": p.cell_clip, "sigmoid_table": CArray("uint16_t", SIGMOID_Q16),
    }
    return KernelParams("es_lstm_s8", {"params": CStruct("es_lstm_params", fields)})


_BUILDERS = {
    "conv2d": _conv, "depthwise_conv2d": _conv, "fully_connected": _fully_connected,
    "transpose_conv": _conv,
    "avg_pool2d": _pool, "max_pool2d": _pool, "add": _binary, "mul": _binary,
    "quantize": _convert, "dequantize": _convert, "relu": _requantize, "relu6": _requantize,
    "relu_n1_to_1": _requantize, "softmax": _softmax, "logistic": _lut, "tanh": _lut,
    "elu": _lut, "hard_swish": _lut, "rsqrt": _lut, "neg": _lut, "l2_normalization": _l2_normalization,
    "log_softmax": _log_softmax,
    "resize_bilinear": _resize_bilinear, "batch_matmul": _batch_matmul,
    "mean": _mean, "sum": _mean, "pad": _pad, "concat": _concat, "gather": _gather,
    "pad_value": _pad,
    "gather_table": _gather_table,
    "maximum": _select, "minimum": _select, "sub": _subtract, "squared_difference": _subtract,
    "abs": _abs, "leaky_relu": _leaky_relu, "prelu": _prelu, "reduce_max": _reduce, "reduce_min": _reduce,
    "arg_max": _arg_select, "arg_min": _arg_select,
    "lstm": _lstm,
    "svdf": _svdf,
}

#: op types the C runtime runs (views included)
C_OP_TYPES = tuple(sorted({*_BUILDERS, *VIEW_OPS}))
FC_STAGES = ("exact", "q31")


def kernel_params(op: Op, graph: Graph, params=None, *, fc_stage: str | None = None
                  ) -> KernelParams:
    """The C kernel and parameter structs of int8 ``op`` (not a view).

    ``params`` defaults to ``compute_params(op, graph)``. ``fc_stage``
    chooses fully_connected's output stage: ``"exact"`` (LiteRT's reference
    arithmetic, what the simulator computes) or ``"q31"`` (TFLite Micro's); by default the
    graph's ``meta["fc_output_stage"]``, the stage the simulator runs.
    """
    fc_stage = fc_stage or graph.meta.get("fc_output_stage") or "exact"
    # fixed-point, power-of-two and sub-byte ops; sub-byte ones reuse the int8 builders
    formats = format_kernel_params(op, graph, lambda o, g: kernel_params(o, g, fc_stage=fc_stage))
    if formats is not None:
        return formats
    if (int16 := _int16_kernel(op, graph)) is not None:
        return int16
    if op.type not in _BUILDERS:
        raise UnsupportedError(f"{op.origin or op.type}: the C runtime has no kernel for "
                               f"{op.type!r}; it runs {', '.join(C_OP_TYPES)}")
    if fc_stage not in FC_STAGES:
        raise ValueError(f"fc_stage must be one of {FC_STAGES}, got {fc_stage!r}")
    p = compute_params(op, graph) if params is None else params
    a = with_defaults(op.type, op.attrs)
    if op.type == "fully_connected":
        return _fully_connected(op, graph, p, a, fc_stage)
    return _BUILDERS[op.type](op, graph, p, a)


# -- C text -----------------------------------------------------------------------------
_INT32_MIN, _INT32_MAX = -(1 << 31), (1 << 31) - 1


def c_int(value: int) -> str:
    """An exact C integer constant of ``value`` (int32 plain, wider with ``INT64_C``)."""
    value = int(value)
    if _INT32_MIN < value <= _INT32_MAX:
        return str(value)
    if value == _INT32_MIN:
        return "INT32_MIN"  # -2147483648 would be the negation of a long constant
    if value == -(1 << 63):
        return "INT64_MIN"
    return f"INT64_C({value})"


def c_initializer(value) -> str:
    """A C initializer of a field value. :class:`CArray` values must have been replaced by
    the :class:`CSymbol` of their declaration first."""
    if value is None:
        return "NULL"
    if isinstance(value, CSymbol):
        return value.name
    if isinstance(value, CStruct):
        value = value.fields
    if isinstance(value, dict):
        return "{" + ", ".join(f".{k} = {c_initializer(v)}" for k, v in value.items()) + "}"
    if isinstance(value, CArray):
        raise TypeError("declare a CArray and refer to it by a CSymbol")
    if isinstance(value, (tuple, list)):  # a fixed-size array member of a struct
        return "{" + ", ".join(c_initializer(v) for v in value) + "}"
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, np.float32):  # exact: a hexadecimal float constant
        return f"{float(value).hex()}f"
    return c_int(value)


def c_struct_lines(fields: dict) -> list[str]:
    """The fields of a struct initializer, one top-level field to a line (``.name = value,``)."""
    return [f".{k} = {c_initializer(v)}," for k, v in fields.items()]


def c_array_lines(values, per_line: int = 16) -> list[str]:
    """The elements of an array initializer, ``per_line`` to a line, each line ending in ``,``."""
    if isinstance(values, np.ndarray):
        values = values.reshape(-1).tolist()
    items = [c_initializer(v) for v in values]
    return [", ".join(items[i:i + per_line]) + "," for i in range(0, len(items), per_line)]

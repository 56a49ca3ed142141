"""C kernel calls of ops on fixed-point tensors (``es_<op>_fx``) and power-of-two weights
(``es_<op>_p2``), asked for by :func:`.c_formats.format_kernel_params`.

Every integer comes from the same place the simulator's does: binary points
and the accumulator from the interval analysis of
:mod:`edgesmith.arith.intervals` (also the proof that the kernels' int64
accumulators cannot overflow: a layer whose bound reaches 2^62 is refused);
the output stage (clamp at the accumulator's binary point, bits dropped,
target type) mirrors ``sim/include/es_sim/fixed_layers.h``; the softmax,
sigmoid, tanh, elu and hard_swish tables are the simulator's own table objects
(:mod:`edgesmith.arith.fixed_tables`), emitted as constant arrays, and
leaky_relu's alpha is the simulator's too (:mod:`edgesmith.arith.fixed_alpha`).
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..arith.fixed_alpha import leaky_relu_alpha
from ..arith.fixed_tables import PRODUCT_FRAC_BITS, SPANS, lookup_table, softmax_tables
from ..arith.intervals import ACTIVATION_FRAC, accumulator_bound
from ..ir import FixedFormat, Graph, Op, Pow2Format, op_def, op_types
from ..sim.fixed_reduce import reduced_axes
from .c_values import (CArray, CStruct, CSymbol, KernelParams, axis4, gather_kernel,
                       gather_table_kernel, pad_kernel, tile)

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1
#: |values| the int64 kernels may hold (the C kernels' contract, es_nn_fx_support.h)
_VALUE_LIMIT_BITS = 62
_MAX_INPUT_SHIFT = 30
#: a table index shift of 62 already maps every int64 below 2^62 to 0 or -1, as any larger one
_MAX_INDEX_SHIFT = 62

#: casts with a clamp: the standalone activations (their definition's ``activation``) and
#: quantize between fixed-point types (no clamp)
_RELU_FAMILY = {**{t: op_def(t).activation for t in op_types() if op_def(t).activation},
                "quantize": "none"}


def _refuse(op: Op, why: str) -> UnsupportedError:
    return UnsupportedError(f"{op.origin or op.type}: {why}")


def _fixed(op: Op, graph: Graph, name: str) -> FixedFormat:
    fmt = graph.tensors[name].fmt
    if not isinstance(fmt, FixedFormat):
        raise _refuse(op, f"tensor {name!r} is not fixed-point; the C runtime does not mix "
                          "fixed-point with other formats in one op")
    return fmt


def fx_output(op: Op, acc_frac: int, activation: str, out: FixedFormat) -> dict:
    """``es_fx_output`` fields: the fused activation's clamp at ``acc_frac``, then the cast.
    Bounds beyond the int64 range clamp nothing (values stay below 2^62) and are capped."""
    one = 1 << acc_frac if acc_frac >= 0 else 0
    lower = {"none": _INT64_MIN, "relu_n1_to_1": -one}.get(activation, 0)
    upper = {"relu6": 3 << (acc_frac + 1) if acc_frac >= -1 else 0,
             "relu_n1_to_1": one}.get(activation, _INT64_MAX)
    if out.width > (32 if out.signed else 31):
        raise _refuse(op, f"output {out.describe()} does not fit the int32 tensors of the C "
                          "runtime")
    return {"clamp_min": max(lower, _INT64_MIN), "clamp_max": min(upper, _INT64_MAX),
            "drop": acc_frac - out.frac_bits,
            "type": {"width": out.width, "is_signed": int(out.signed),
                     "rounding": CSymbol(f"ES_FX_{out.rounding}"),
                     "overflow": CSymbol(f"ES_FX_{out.overflow}")}}


def _point(op: Op, frac: int, activation: str) -> int:
    """The binary point an op's exact values are taken at: ``frac``, or coarser bounds'."""
    return max(frac, ACTIVATION_FRAC.get(activation, frac))


def _shift(op: Op, shift: int) -> int:
    if not 0 <= shift <= _MAX_INPUT_SHIFT:
        raise _refuse(op, f"the operands' binary points are {shift} bits apart; the C kernels "
                          f"align at most {_MAX_INPUT_SHIFT}")
    return shift


def _cast(op: Op, x: FixedFormat, activation: str, out: FixedFormat) -> dict:
    """``es_relu_fx_params`` fields: x aligned, clamped by ``activation`` and cast into out."""
    frac = _point(op, x.frac_bits, activation)
    return {"input_shift": _shift(op, frac - x.frac_bits),
            "output": fx_output(op, frac, activation, out)}


def _magnitude(fmt: FixedFormat) -> int:
    return max(-fmt.qmin, fmt.qmax)


def _fx_mac(op: Op, graph: Graph, a: dict) -> KernelParams:
    bound = accumulator_bound(op, graph)
    if bound.bound.bit_length() >= _VALUE_LIMIT_BITS:
        raise _refuse(op, f"the accumulator needs {bound.required()} by interval analysis; the C "
                          f"kernels accumulate below 2^{_VALUE_LIMIT_BITS} in int64: narrow the "
                          "weights or the inputs")
    mac = {"product_shift": bound.product_shift, "bias_shift": bound.bias_shift,
           "output": fx_output(op, bound.acc_frac, a["activation"],
                               _fixed(op, graph, op.outputs[0]))}
    w_fmt = graph.tensors[op.inputs[1]].fmt
    kind = "p2" if isinstance(w_fmt, Pow2Format) else "fx"
    args = {}
    if op.type == "fully_connected":
        out_features, depth = graph.tensors[op.inputs[1]].shape
        args["params"] = CStruct("es_fx_mac_params", mac)
        args["dims"] = CStruct("es_fc_dims", {"accum_depth": int(depth),
                                              "output_depth": int(out_features)})
    else:
        fields = {"depth_multiplier": a["depth_multiplier"]} \
            if op.type == "depthwise_conv2d" else {}
        fields.update(stride=tile(a["stride"]), dilation=tile(a["dilation"]),
                      padding=tile((a["pads"][0], a["pads"][2])), mac=mac)
        ctype = "es_dw_conv_fx_params" if op.type == "depthwise_conv2d" else "es_conv_fx_params"
        args["params"] = CStruct(ctype, fields)
    if kind == "p2":
        args["code"] = CStruct("es_pow2_code", {
            "exponent_bits": w_fmt.exponent_bits, "max_field": w_fmt.max_exp - w_fmt.min_exp + 1,
            "code_bits": 4 if w_fmt.bits <= 4 else 8})
    if kind == "fx":
        kind = f"{filter_storage(w_fmt)[1]}_fx".lstrip("_")
    return KernelParams(f"es_{op.type}_{kind}", args)


#: the filter types of the fixed-point MAC kernels: (numpy dtype, kernel name infix)
FILTER_STORAGE = (("int8", "_w8"), ("int16", "_w16"), ("int32", ""))


def filter_storage(fmt: FixedFormat) -> tuple[str, str]:
    """The smallest (dtype, kernel infix) whose integers hold every raw value of ``fmt``:
    a 16-bit weight is stored in 16 bits, and the kernel variant reads it so."""
    for dtype, infix in FILTER_STORAGE:
        info = np.iinfo(dtype)
        if info.min <= fmt.qmin and fmt.qmax <= info.max:
            return dtype, infix
    raise ValueError(f"{fmt.describe()} does not fit 32 bits")


def _fx_pool(op: Op, graph: Graph, a: dict) -> KernelParams:
    x, out = _fixed(op, graph, op.inputs[0]), _fixed(op, graph, op.outputs[0])
    frac = _point(op, x.frac_bits, a["activation"])
    output = fx_output(op, frac, a["activation"], out)
    if op.type == "avg_pool2d":
        cells = a["kernel"][0] * a["kernel"][1]
        need = cells.bit_length() + x.width + (frac - x.frac_bits) + max(0, -output["drop"])
        if abs(output["drop"]) > 30 or need >= _VALUE_LIMIT_BITS - 1:
            raise _refuse(op, "the mean's numerator or denominator would not fit the int64 kernel")
    fields = {"window": tile(a["kernel"]), "stride": tile(a["stride"]),
              "padding": tile((a["pads"][0], a["pads"][2])),
              "input_shift": _shift(op, frac - x.frac_bits), "output": output}
    return KernelParams(f"es_{op.type}_fx", {"params": CStruct("es_pool_fx_params", fields)})


def _fx_add(op: Op, graph: Graph, a: dict) -> KernelParams:
    """add, sub, maximum, minimum (and squared_difference): operands at the finer point."""
    fa, fb = (_fixed(op, graph, n) for n in op.inputs[:2])
    activation = a.get("activation", "none")
    frac = _point(op, max(fa.frac_bits, fb.frac_bits), activation)
    shifts = (_shift(op, frac - fa.frac_bits), _shift(op, frac - fb.frac_bits))
    exact = frac
    if op.type == "squared_difference":
        exact = 2 * frac  # the square of the aligned difference
        difference = (_magnitude(fa) << shifts[0]) + (_magnitude(fb) << shifts[1])
        if difference * difference >= 1 << _VALUE_LIMIT_BITS:
            raise _refuse(op, f"the square of the difference of {fa.describe()} and "
                              f"{fb.describe()} reaches 2^{_VALUE_LIMIT_BITS}, beyond the int64 "
                              "kernel: narrow the operands")
    fields = {"input1_shift": shifts[0], "input2_shift": shifts[1],
              "output": fx_output(op, exact, activation, _fixed(op, graph, op.outputs[0]))}
    return KernelParams(f"es_{op.type}_fx", {"params": CStruct("es_add_fx_params", fields)})


def _prelu_fields(op: Op, x: FixedFormat, alpha: FixedFormat, out: FixedFormat) -> dict:
    """Shifts of x (where x >= 0) and of the exact x * alpha to one binary point, and the cast."""
    frac = max(x.frac_bits, x.frac_bits + alpha.frac_bits)
    product_shift = frac - x.frac_bits - alpha.frac_bits
    if (_magnitude(x) * _magnitude(alpha)) << product_shift >= 1 << _VALUE_LIMIT_BITS:
        raise _refuse(op, f"the product of {x.describe()} and alpha {alpha.describe()} reaches "
                          f"2^{_VALUE_LIMIT_BITS}, beyond the int64 kernel: narrow the operands")
    return {"positive_shift": _shift(op, frac - x.frac_bits), "product_shift": product_shift,
            "output": fx_output(op, frac, "none", out)}


def _fx_prelu(op: Op, graph: Graph, a: dict) -> KernelParams:
    x, out = _fixed(op, graph, op.inputs[0]), _fixed(op, graph, op.outputs[0])
    if op.type == "leaky_relu":
        raw, alpha = leaky_relu_alpha(op)
        fields = {"alpha": raw, **_prelu_fields(op, x, alpha, out)}
        return KernelParams("es_leaky_relu_fx", {
            "params": CStruct("es_leaky_relu_fx_params", fields),
            "size": graph.tensors[op.outputs[0]].size})
    fields = _prelu_fields(op, x, _fixed(op, graph, op.inputs[1]), out)
    return KernelParams("es_prelu_fx", {"params": CStruct("es_prelu_fx_params", fields)})


def _fx_mul(op: Op, graph: Graph, a: dict) -> KernelParams:
    fa, fb = (_fixed(op, graph, n) for n in op.inputs[:2])
    exact = fa.frac_bits + fb.frac_bits
    frac = _point(op, exact, a["activation"])
    shift = frac - exact
    if (_magnitude(fa) * _magnitude(fb)) << shift >= 1 << _VALUE_LIMIT_BITS:
        raise _refuse(op, f"the product of {fa.describe()} and {fb.describe()} reaches "
                          f"2^{_VALUE_LIMIT_BITS}, beyond the int64 kernel: narrow the operands")
    fields = {"product_shift": shift,
              "output": fx_output(op, frac, a["activation"], _fixed(op, graph, op.outputs[0]))}
    return KernelParams("es_mul_fx", {"params": CStruct("es_mul_fx_params", fields)})


def _fx_relu(op: Op, graph: Graph, a: dict) -> KernelParams:
    """The relu family and quantize (es_relu_fx), and abs (the same cast of |x|)."""
    cast = _cast(op, _fixed(op, graph, op.inputs[0]), _RELU_FAMILY.get(op.type, "none"),
                 _fixed(op, graph, op.outputs[0]))
    kernel = "es_abs_fx" if op.type == "abs" else "es_relu_fx"
    return KernelParams(kernel, {"params": CStruct("es_relu_fx_params", cast),
                                 "size": graph.tensors[op.outputs[0]].size})


def _fx_concat(op: Op, graph: Graph, a: dict) -> KernelParams:
    out = _fixed(op, graph, op.outputs[0])
    rank = len(graph.tensors[op.outputs[0]].shape)
    casts = tuple(_cast(op, _fixed(op, graph, n), a["activation"], out) for n in op.inputs)
    fields = {"axis": axis4(a["axis"], rank), "num_inputs": len(op.inputs)}
    return KernelParams("es_concat_fx", {"params": CStruct("es_concat_params", fields),
                                         "casts": CArray("es_relu_fx_params", casts)})


def _fx_gather(op: Op, graph: Graph, a: dict) -> KernelParams:
    if _fixed(op, graph, op.inputs[0]) != _fixed(op, graph, op.outputs[0]):
        raise _refuse(op, "a gather moves raw values, so its input and output need one format")
    return (gather_kernel if op.type == "gather" else gather_table_kernel)(op, graph, "fx")


def _fx_pad(op: Op, graph: Graph, a: dict) -> KernelParams:
    if _fixed(op, graph, op.inputs[0]) != _fixed(op, graph, op.outputs[0]):
        raise _refuse(op, "a fixed-point pad keeps its input's format")
    return pad_kernel(op, graph, a, "fx", 0)  # real 0 is raw 0


def _fx_reduce(op: Op, graph: Graph, a: dict) -> KernelParams:
    """reduce_max, reduce_min, sum and mean: one box walk, the output stage of the simulator's
    kernels (edgesmith.sim.fixed_reduce)."""
    x, out = _fixed(op, graph, op.inputs[0]), _fixed(op, graph, op.outputs[0])
    shape = graph.tensors[op.inputs[0]].shape
    axes = reduced_axes(op, graph)
    count = int(np.prod([shape[k] for k in axes], dtype=np.int64))
    shift = x.frac_bits - out.frac_bits
    total = _magnitude(x) * count  # a bound on |sum|
    if (op.type in ("sum", "mean") and total >= 1 << _VALUE_LIMIT_BITS) or \
            (op.type == "mean" and (abs(shift) > _VALUE_LIMIT_BITS
                                    or max(total << max(-shift, 0),
                                           count << max(shift, 0)) >= 1 << _VALUE_LIMIT_BITS)):
        raise _refuse(op, f"the {op.type} of {count} values of {x.describe()} into "
                          f"{out.describe()} leaves the int64 kernel: narrow the formats")
    fields = {"axes": sum(1 << axis4(k, len(shape)) for k in axes),  # ES_AXIS_* bits
              "mean_shift": shift if op.type == "mean" else 0,
              "output": fx_output(op, x.frac_bits, "none", out)}
    return KernelParams(f"es_{op.type}_fx", {"params": CStruct("es_reduce_fx_params", fields)})


def _table(values) -> CArray:
    return CArray("int32_t", tuple(int(v) for v in values))


def _fx_lookup(op: Op, graph: Graph, a: dict) -> KernelParams:
    t = lookup_table(op, graph)
    fields = {"table": _table(t.values), "size": len(t.values),
              "shift": min(t.shift, _MAX_INDEX_SHIFT), "offset": t.offset}
    ctype = "es_table_fx_params"
    if t.identity_from is not None:  # elu, hard_swish: the input cast from there on
        ctype = "es_table_identity_fx_params"
        fields.update(identity_from=t.identity_from,
                      identity=fx_output(op, t.input.frac_bits, "none", t.output))
    return KernelParams(f"es_{op.type}_fx", {"params": CStruct(ctype, fields),
                                             "size": graph.tensors[op.outputs[0]].size})


def _fx_softmax(op: Op, graph: Graph, a: dict) -> KernelParams:
    t = softmax_tables(op, graph)
    out = graph.tensors[op.outputs[0]]
    fields = {"exp_table": _table(t.exp_values), "exp_size": len(t.exp_values),
              "exp_shift": min(t.exp_shift, _MAX_INDEX_SHIFT),
              "inv_table": _table(t.inv_values), "inv_size": len(t.inv_values),
              "inv_shift": min(t.inv_shift, _MAX_INDEX_SHIFT),
              "output": fx_output(op, PRODUCT_FRAC_BITS, "none", t.output)}
    return KernelParams("es_softmax_fx", {"params": CStruct("es_softmax_fx_params", fields),
                                          "rows": out.size // t.length, "depth": t.length})


_FX_BUILDERS = {**{t: _fx_mac for t in op_types(pattern="mac")}, "avg_pool2d": _fx_pool, "max_pool2d": _fx_pool,
                **{t: _fx_add for t in ("add", "sub", "maximum", "minimum",
                                        "squared_difference")},
                "mul": _fx_mul, "concat": _fx_concat, "softmax": _fx_softmax,
                **{t: _fx_lookup for t in SPANS}, "gather": _fx_gather,
                "gather_table": _fx_gather, "pad": _fx_pad, "prelu": _fx_prelu,
                "leaky_relu": _fx_prelu,
                "abs": _fx_relu, **{t: _fx_relu for t in _RELU_FAMILY},
                **{t: _fx_reduce for t in ("mean", "sum", "reduce_max", "reduce_min")}}


def fixed_kernel_params(op: Op, graph: Graph, a: dict) -> KernelParams:
    """The ``es_<op>_fx`` / ``_p2`` call of ``op`` (``a``: its attrs with defaults)."""
    if op.type not in _FX_BUILDERS:
        raise _refuse(op, f"the C runtime has no fixed-point kernel for {op.type!r}; it runs "
                          f"{', '.join(sorted(_FX_BUILDERS))} (and reshape)")
    if op.type == "quantize" and graph.tensors[op.inputs[0]].fmt is None:
        raise _refuse(op, "quantize from float has no C kernel; give the model fixed-point "
                          "inputs")
    return _FX_BUILDERS[op.type](op, graph, a)

"""C kernels and parameter structs of ops on fixed-point, power-of-two and sub-byte tensors.

:func:`format_kernel_params` is asked first by :func:`.c_params.kernel_params`:
it returns the ``es_<op>_fx`` / ``_p2`` / ``_s4`` call of an op whose
operands need one, or None for an int8 op. Every integer comes from the same
place the simulator's does:

* fixed point: binary points and the accumulator from the interval analysis
  of :mod:`edgesmith.quant.intervals` (also the proof that the kernels' int64
  accumulators cannot overflow: a layer whose bound reaches 2^62 is refused);
  the output stage (clamp at the accumulator's binary point, bits dropped,
  target type) mirrors ``sim/include/es_sim/fixed_layers.h``;
* sub-byte: the int8 parameters of the op seen with its sub-byte operands
  widened to 8 bits (the simulator's own view,
  :mod:`edgesmith.sim.subbyte_kernels`), the clamp narrowed to the output's
  range, plus the operands' bit widths.

It also packs constants (:func:`c_constant`) and describes model ports whose
format is not int8 (:func:`port_scale`).
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import UnsupportedError
from ..ir import AffineFormat, FixedFormat, Graph, Op, Pow2Format, Tensor, with_defaults
from ..ir.packing import pack_subbyte
from ..quant.intervals import ACTIVATION_FRAC, MAC_OPS, accumulator_bound
from ..sim.subbyte_kernels import _widened_view, is_subbyte
from .c_params import CStruct, CSymbol, KernelParams, tile

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1
#: |values| the int64 kernels may hold (the C kernels' contract, es_nn_fx_support.h)
_VALUE_LIMIT_BITS = 62
_MAX_INPUT_SHIFT = 30

#: kernel -> its call template ``codegen/templates/ops/<family>.c.jinja``
FORMAT_CALL_TEMPLATES = {f"es_{op}_{kind}": f"{op}_{kind}" for kind, ops in (
    ("fx", ("fully_connected", "conv2d", "depthwise_conv2d", "avg_pool2d", "max_pool2d", "add",
            "relu")),
    ("p2", ("fully_connected", "conv2d", "depthwise_conv2d")),
    ("s4", ("fully_connected", "conv2d", "depthwise_conv2d", "avg_pool2d", "max_pool2d")))
    for op in ops}
_MAC_ROLES = ("input", "filter", "bias")
#: tensor pointer roles of each family, in op input order
FORMAT_INPUT_ROLES = {**{f: _MAC_ROLES for f in FORMAT_CALL_TEMPLATES.values()
                         if f.split("_")[0] in ("fully", "conv2d", "depthwise")},
                      "add_fx": ("input1", "input2")}
#: tensors whose es_dims each family takes
FORMAT_DIMS_ROLES = {**{f: ("input", "filter", "output") for f in FORMAT_CALL_TEMPLATES.values()
                        if f.startswith(("conv2d", "depthwise"))},
                     **{f: ("input", "output") for f in FORMAT_CALL_TEMPLATES.values()
                        if "pool" in f},
                     "add_fx": ("input1", "input2", "output")}
_RELU_FAMILY = {"relu": "relu", "relu6": "relu6", "relu_n1_to_1": "relu_n1_to_1",
                "quantize": "none"}


def _refuse(op: Op, why: str) -> UnsupportedError:
    return UnsupportedError(f"{op.origin or op.type}: {why}")


# -- fixed point ------------------------------------------------------------------------
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
    return KernelParams(f"es_{op.type}_{kind}", args)


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
    fa, fb = (_fixed(op, graph, n).frac_bits for n in op.inputs[:2])
    frac = _point(op, max(fa, fb), a["activation"])
    fields = {"input1_shift": _shift(op, frac - fa), "input2_shift": _shift(op, frac - fb),
              "output": fx_output(op, frac, a["activation"], _fixed(op, graph, op.outputs[0]))}
    return KernelParams("es_add_fx", {"params": CStruct("es_add_fx_params", fields)})


def _fx_relu(op: Op, graph: Graph, a: dict) -> KernelParams:
    x = _fixed(op, graph, op.inputs[0])
    activation = _RELU_FAMILY[op.type]
    frac = _point(op, x.frac_bits, activation)
    fields = {"input_shift": _shift(op, frac - x.frac_bits),
              "output": fx_output(op, frac, activation, _fixed(op, graph, op.outputs[0]))}
    return KernelParams("es_relu_fx", {"params": CStruct("es_relu_fx_params", fields),
                                       "size": graph.tensors[op.outputs[0]].size})


_FX_BUILDERS = {**{t: _fx_mac for t in MAC_OPS}, "avg_pool2d": _fx_pool, "max_pool2d": _fx_pool,
                "add": _fx_add, **{t: _fx_relu for t in _RELU_FAMILY}}


# -- sub-byte ---------------------------------------------------------------------------
def _bits(graph: Graph, name: str | None) -> int:
    fmt = graph.tensors[name].fmt if name else None
    return fmt.bits if isinstance(fmt, AffineFormat) else 8


def _s4(op: Op, graph: Graph, fc_stage: str) -> KernelParams:
    from .c_params import kernel_params

    if op.type not in ("fully_connected", "conv2d", "depthwise_conv2d", "avg_pool2d",
                       "max_pool2d"):
        raise _refuse(op, f"{op.type} has no packed sub-byte C kernel; sub-byte tensors may "
                          "only connect dense, convolution and pooling layers")
    kp = kernel_params(op, _widened_view(op, graph), fc_stage=fc_stage)
    out = graph.tensors[op.outputs[0]].fmt
    params = dict(kp.args["params"].fields)
    clamp = params["activation"]
    params["activation"] = {"min": max(clamp["min"], out.qmin), "max": min(clamp["max"], out.qmax)}
    args = {**kp.args, "params": CStruct(kp.args["params"].ctype, params)}
    if "pool" in op.type:
        args["bits"] = out.bits
    else:
        args["packing"] = CStruct("es_packing", {"input_bits": _bits(graph, op.inputs[0]),
                                                 "filter_bits": _bits(graph, op.inputs[1]),
                                                 "output_bits": out.bits})
    return KernelParams(f"es_{op.type}_s4", args)


# -- entry points -----------------------------------------------------------------------
def format_kernel_params(op: Op, graph: Graph, fc_stage: str = "exact") -> KernelParams | None:
    """The fixed-point, power-of-two or sub-byte kernel call of ``op``, or None for int8 ops."""
    names = [n for n in op.inputs + op.outputs if n is not None]
    if any(isinstance(graph.tensors[n].fmt, FixedFormat) for n in names):
        if op.type not in _FX_BUILDERS:
            raise _refuse(op, f"the C runtime has no fixed-point kernel for {op.type!r}; it runs "
                              f"{', '.join(sorted(_FX_BUILDERS))} (and reshape)")
        if op.type == "quantize" and graph.tensors[op.inputs[0]].fmt is None:
            raise _refuse(op, "quantize from float has no C kernel; give the model fixed-point "
                              "inputs")
        return _FX_BUILDERS[op.type](op, graph, with_defaults(op.type, op.attrs))
    if any(is_subbyte(graph.tensors[n].fmt) for n in names):
        return _s4(op, graph, fc_stage)
    return None


def c_constant(t: Tensor) -> np.ndarray:
    """The bytes a constant is stored as in C: sub-byte values and power-of-two codes of at
    most 4 bits packed (first value in the low bits), everything else as it is."""
    if is_subbyte(t.fmt):
        return pack_subbyte(t.data, t.fmt.bits)
    if isinstance(t.fmt, Pow2Format) and t.fmt.bits <= 4:
        return pack_subbyte(t.data.astype(np.uint8), 4)
    return t.data


def port_is_supported(t: Tensor) -> bool:
    """Model inputs and outputs: int8 affine with one scale, or fixed-point raw int32."""
    if isinstance(t.fmt, FixedFormat):
        return t.dtype == "int32"
    return (t.dtype == "int8" and isinstance(t.fmt, AffineFormat) and t.fmt.bits == 8
            and not t.fmt.per_channel)


def port_scale(t: Tensor) -> tuple[float, int]:
    """(scale, zero point) of a model port: real = scale * (stored - zero point)."""
    if isinstance(t.fmt, FixedFormat):
        return math.ldexp(1.0, -t.fmt.frac_bits), 0
    return t.fmt.scalar()


def check_formats(graph: Graph) -> None:
    """Refuse what the C runtime cannot hold: fixed-point activations narrower than 8 bits
    (``Tensor.nbytes`` counts them packed, but the kernels store raw int32)."""
    for t in graph.tensors.values():
        if not t.is_const and isinstance(t.fmt, FixedFormat) and t.fmt.width < 8:
            raise UnsupportedError(f"tensor {t.name!r} is {t.fmt.describe()}: the C runtime "
                                   "takes fixed-point activations of 8 to 32 bits",
                                   hint="widen it with --precision, or --act-bits 8 or more")

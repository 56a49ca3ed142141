"""Keep a QDQ model's activation formats where the int8 kernels would merge them.

The int8 kernels of data-movement ops (slice, concat, pooling, reshape...) move values
unchanged, so their inputs and output share one format, and softmax, logistic and tanh
write the one format their kernel defines. A QDQ model may quantize those tensors
differently: onnxruntime's quantizer drops a Relu after a Split and lets the zero point of
the next QuantizeLinear do the clamping, and gives each input of a Concat its own scale.
Here every activation takes the model's own format, and a ``quantize`` op (requantize,
int8 to int8) is inserted wherever a kernel needs another: in front of a data-movement op
for each input in a format other than its output's, and behind a fixed-range op whose
model format is not the kernel's.
"""

from __future__ import annotations

from ..ir import AffineFormat, Graph, Op, Tensor, op_def
from ..quant.int8 import range_format


def same_format(a: AffineFormat, b: AffineFormat) -> bool:
    return a.scale.size == b.scale.size == 1 and float(a.scale[0]) == float(b.scale[0]) and \
        int(a.zero_point[0]) == int(b.zero_point[0])


def apply_model_formats(q: Graph, formats: dict[str, AffineFormat]) -> int:
    """Give every activation of ``q`` its format in ``formats`` and insert the requantize
    ops the kernels then need; returns how many were inserted."""
    for name, fmt in formats.items():
        if name in q.tensors and not q.tensors[name].is_const:
            q.tensors[name].fmt = fmt
    ops, inserted = [], 0
    for op in q.ops:
        d = op_def(op.type)
        if d.quant == "shares":
            out_fmt = q.tensors[op.outputs[0]].fmt
            for k, name in enumerate(op.inputs):
                t = q.tensors.get(name) if name else None
                if t is None or t.is_const or same_format(t.fmt, out_fmt):
                    continue
                op.inputs[k] = _requantize(q, ops, name, out_fmt, op.origin)
                inserted += 1
        ops.append(op)
        if d.quant == "range":
            out = q.tensors[op.outputs[0]]
            needed = range_format(op.type)
            if not same_format(out.fmt, needed):
                kernel_out = q.add_tensor(Tensor(q.unique_name(f"{out.name}/{op.type}"),
                                                 out.shape, "int8", needed))
                op.outputs = [kernel_out.name]
                ops.append(Op("quantize", [kernel_out.name], [out.name], {}, op.origin))
                inserted += 1
    q.ops = ops
    return inserted


def _requantize(q: Graph, ops: list, name: str, fmt: AffineFormat, origin: str) -> str:
    """A new tensor holding ``name`` in ``fmt``; the requantize op is appended to ``ops``."""
    src = q.tensors[name]
    out = q.add_tensor(Tensor(q.unique_name(f"{name}/requantized"), src.shape, "int8", fmt))
    ops.append(Op("quantize", [name], [out.name], {}, origin))
    return out.name

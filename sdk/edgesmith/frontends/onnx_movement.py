"""ONNX data movement (Reshape family, Transpose, Concat, Slice, Split, Pad, Gather, Resize)
as IR ops, with their axes read through the layout the IR holds each value in.

A Transpose emits nothing: its output is its input's tensor under another layout, and a
transpose appears only where a consumer needs a layout the value is not in. Reshape,
Flatten, Squeeze and Unsqueeze are one rule: a free reshape when the IR already holds the
elements in the order the new shape needs (:func:`.onnx_layout.layout_for`).
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from .onnx import node_attrs
from .onnx_layout import Value, const_in_layout, inverse, layout_for


def _out_value(imp, node, x: Value, out_shape: tuple[int, ...]) -> None:
    """Define the node's output as ``x``'s elements under ONNX shape ``out_shape``."""
    out_shape = tuple(int(d) for d in out_shape)
    imp.check_shape(out_shape)
    if not out_shape or out_shape[0] != 1:
        raise UnsupportedError(f"{imp.node_title}: a reshape to {list(out_shape)} moves the "
                               "batch axis, which is not supported")
    layout = layout_for(out_shape, x.element_order())
    if layout is None:
        x = imp.onnx_order(x)
        layout = layout_for(out_shape, x.element_order())
    perm, order = layout
    ir_shape = tuple(out_shape[p] for p in perm) if perm else out_shape
    out = x.name
    if ir_shape != imp.builder.shape(x.name):
        out = imp.emit("reshape", [x.name], {"shape": ir_shape}, node.output[0])
    imp.define(node.output[0], imp.value(out, perm, order))


def reshape(imp, node) -> None:
    x = imp.act(node.input[0])
    target = [int(v) for v in imp.const(node.input[1], "Reshape shape").reshape(-1)]
    allow_zero = node_attrs(node).get("allowzero", 0)
    shape = [x.shape[i] if v == 0 and not allow_zero else v for i, v in enumerate(target)]
    if shape.count(-1) == 1:
        known = int(np.prod([v for v in shape if v != -1]))
        shape[shape.index(-1)] = int(np.prod(x.shape)) // known if known else 0
    if int(np.prod(shape)) != int(np.prod(x.shape)):
        raise UnsupportedError(f"{imp.node_title}: cannot reshape {list(x.shape)} to {target}")
    _out_value(imp, node, x, tuple(shape))


def flatten(imp, node) -> None:
    x = imp.act(node.input[0])
    axis = int(node_attrs(node).get("axis", 1))
    axis = axis + x.rank if axis < 0 else axis
    if axis == 0:  # it would merge the samples of a batch
        raise UnsupportedError(f"{imp.node_title}: Flatten with axis=0 moves the batch axis, "
                               "which is not supported")
    _out_value(imp, node, x, (int(np.prod(x.shape[:axis])), int(np.prod(x.shape[axis:]))))


def squeeze_unsqueeze(imp, node) -> None:
    x = imp.act(node.input[0])
    if len(node.input) > 1 and node.input[1]:
        axes = [int(v) for v in imp.const(node.input[1], "axes").reshape(-1)]
    else:
        axes = list(node_attrs(node).get("axes", []))
    shape = list(x.shape)
    if node.op_type == "Squeeze":
        rank = len(shape)
        axes = {a + rank if a < 0 else a for a in axes} or {i for i, d in enumerate(shape)
                                                           if d == 1 and i}
        shape = [d for i, d in enumerate(shape) if i not in axes]
    else:
        rank = len(shape) + len(axes)
        for a in sorted(a + rank if a < 0 else a for a in axes):
            shape.insert(a, 1)
    _out_value(imp, node, x, tuple(shape))


def transpose(imp, node) -> None:
    x = imp.act(node.input[0])
    if x.order:
        x = imp.onnx_order(x)
    t = tuple(node_attrs(node).get("perm", range(x.rank)[::-1]))
    if t[0] != 0:
        raise UnsupportedError(f"{imp.node_title}: a transpose that moves the batch axis "
                               f"({list(t)}) is not supported")
    t_inv = inverse(t)
    perm = tuple(t_inv[p] for p in (x.perm or range(x.rank)))
    imp.define(node.output[0], imp.value(x.name, None if perm == tuple(range(x.rank))
                                         else perm))


def concat(imp, node) -> None:
    acts = [imp.act(n) for n in node.input if not imp.is_const(n)]
    first = acts[0]
    if first.order:
        first = imp.onnx_order(first)
    convert = imp.nhwc if first.perm else imp.onnx_order
    names = []
    for n in node.input:
        if imp.is_const(n):
            data = np.broadcast_to(imp.consts[n], imp.consts[n].shape)
            names.append(imp.ir_const(f"{node.output[0]}/{n}", const_in_layout(data, first)))
        else:
            names.append(convert(imp.act(n)).name)
    axis = first.ir_axis(int(node_attrs(node)["axis"]))
    out = imp.emit("concat", names, {"axis": axis}, node.output[0])
    imp.define(node.output[0], imp.value(out, first.perm))


def _slice(imp, x: Value, ranges: dict[int, range], name: str) -> str:
    """An IR slice of ``x`` reading ONNX axis k at ``ranges[k]`` (other axes whole)."""
    ir_shape = imp.builder.shape(x.name)
    begin, size, strides = [0] * x.rank, list(ir_shape), [1] * x.rank
    for axis, r in ranges.items():
        if axis == 0 and len(r) != 1:
            raise UnsupportedError(f"{imp.node_title}: slicing the batch axis is not supported")
        if len(r) == 0:
            raise UnsupportedError(f"{imp.node_title}: an empty slice is not supported")
        k = x.ir_axis(axis)
        begin[k], size[k], strides[k] = r.start, len(r), r.step
    return imp.emit("slice", [x.name], {"begin": tuple(begin), "size": tuple(size),
                                        "strides": tuple(strides)}, name)


def slice_(imp, node) -> None:
    x = imp.onnx_order(imp.act(node.input[0])) if imp.act(node.input[0]).order \
        else imp.act(node.input[0])
    ins = list(node.input) + [""] * (5 - len(node.input))
    starts, ends = (imp.const(n, "Slice bounds").reshape(-1) for n in ins[1:3])
    axes = imp.const(ins[3], "Slice axes").reshape(-1) if ins[3] else range(len(starts))
    steps = imp.const(ins[4], "Slice steps").reshape(-1) if ins[4] else [1] * len(starts)
    ranges = {}
    for s, e, a, st in zip(starts, ends, axes, steps):
        a = int(a) + x.rank if a < 0 else int(a)
        ranges[a] = range(*slice(int(s), int(e), int(st)).indices(x.shape[a]))
    imp.define(node.output[0], imp.value(_slice(imp, x, ranges, node.output[0]), x.perm))


def split(imp, node) -> None:
    x = imp.act(node.input[0])
    if x.order:
        x = imp.onnx_order(x)
    a = node_attrs(node)
    axis = int(a.get("axis", 0))
    axis = axis + x.rank if axis < 0 else axis
    outs = [o for o in node.output]
    if len(node.input) > 1 and node.input[1]:
        sizes = [int(v) for v in imp.const(node.input[1], "Split sizes").reshape(-1)]
    elif "split" in a:
        sizes = list(a["split"])
    else:
        part = -(-x.shape[axis] // len(outs))
        sizes = [min(part, x.shape[axis] - i * part) for i in range(len(outs))]
    start = 0
    for out, n in zip(outs, sizes):
        ir = _slice(imp, x, {axis: range(start, start + n)}, out)
        start += n
        if out:
            imp.define(out, imp.value(ir, x.perm))


def pad(imp, node) -> None:
    x = imp.act(node.input[0])
    if x.order:
        x = imp.onnx_order(x)
    mode = node_attrs(node).get("mode", "constant")
    pads = [int(v) for v in imp.const(node.input[1], "Pad pads").reshape(-1)]
    value = imp.const(node.input[2], "Pad value") if len(node.input) > 2 and node.input[2] \
        else np.zeros(())
    axes = [int(v) for v in imp.const(node.input[3], "Pad axes").reshape(-1)] \
        if len(node.input) > 3 and node.input[3] else list(range(x.rank))
    if mode not in ("constant", "reflect") or np.any(np.asarray(value) != 0):
        raise UnsupportedError(f"{imp.node_title}: Pad mode {mode!r} with value "
                               f"{np.asarray(value).tolist()} is not supported (zero "
                               "constant or reflect)")
    pairs = [[0, 0] for _ in range(x.rank)]
    for i, a in enumerate(axes):
        k = x.ir_axis(a)
        pairs[k] = [pads[i], pads[i + len(axes)]]
    if min(pads) < 0 or pairs[0] != [0, 0]:
        raise UnsupportedError(f"{imp.node_title}: negative pads or padding of the batch "
                               "axis are not supported")
    attrs = {"pads": tuple(tuple(p) for p in pairs)}
    op_type = "pad" if mode == "constant" else "mirror_pad"
    if op_type == "mirror_pad":
        attrs["mode"] = "reflect"
    imp.define(node.output[0], imp.value(imp.emit(op_type, [x.name], attrs, node.output[0]),
                                         x.perm))


def gather(imp, node) -> None:
    x = imp.act(node.input[0])
    indices = imp.const(node.input[1], "Gather indices").astype(np.int64)
    axis = int(node_attrs(node).get("axis", 0))
    axis = axis + x.rank if axis < 0 else axis
    if x.order or (x.perm and indices.ndim > 1):
        x = imp.onnx_order(x)
    if axis == 0:
        raise UnsupportedError(f"{imp.node_title}: gathering along the batch axis is not "
                               "supported")
    indices = np.where(indices < 0, indices + x.shape[axis], indices)
    out = imp.emit("take", [x.name], {"axis": x.ir_axis(axis),
                                      "indices": tuple(int(i) for i in indices.flat),
                                      "indices_shape": tuple(indices.shape)}, node.output[0])
    perm = x.perm
    if perm and indices.ndim == 0:
        perm = tuple(p - (p > axis) for p in perm if p != axis)
        perm = None if perm == tuple(range(len(perm))) else perm
    imp.define(node.output[0], imp.value(out, perm))


def alias(imp, node) -> None:
    """Identity, Dropout (inference), Cast to float: the output is the input."""
    if node.op_type == "Cast" and node_attrs(node).get("to") != 1:
        raise UnsupportedError(f"{imp.node_title}: Cast of an activation to a type other "
                               "than float is not supported")
    imp.define(node.output[0], imp.act(node.input[0]))


def resize(imp, node) -> None:
    from .onnx_resize import resize_nearest_attrs

    x = imp.nhwc(imp.act(node.input[0]))
    attrs = resize_nearest_attrs(imp, node, x.shape)
    out = imp.emit("resize_nearest", [x.name], attrs, node.output[0])
    imp.define(node.output[0], imp.value(out, x.perm))


CONVERTERS = {"Reshape": reshape, "Flatten": flatten, "Squeeze": squeeze_unsqueeze,
              "Unsqueeze": squeeze_unsqueeze, "Transpose": transpose, "Concat": concat,
              "Slice": slice_, "Split": split, "Pad": pad, "Gather": gather, "Resize": resize,
              "Identity": alias, "Dropout": alias, "Cast": alias}

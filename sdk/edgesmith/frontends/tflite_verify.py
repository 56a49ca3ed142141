"""Check the structure of a ``.tflite`` flatbuffer before anything reads it.

The flatbuffer accessors trust every offset, index and count in the file. A
damaged or hostile file therefore fails far from the damage (an
``IndexError`` in a shape rule, a ``struct.error`` when an option is read
lazily) or, worse, is accepted with a wrong meaning (a bias index of -2 read
as "no bias"). :func:`verify_tflite` walks the whole file once, reading every
field the importer will use, and raises :class:`TfliteStructureError` naming
the file, the place (op index and name, tensor index and name) and what was
expected. Declared sizes are checked against :mod:`edgesmith.io.limits`.
"""

from __future__ import annotations

import inspect
import math
import struct
from pathlib import Path

import numpy as np
import tflite

from ..errors import ModelFormatError, ResourceLimitError, TfliteStructureError
from ..ir.ops import tflite_op
from ..io.limits import MAX_CONST_BYTES, MAX_OPS, MAX_TENSORS, MAX_WINDOW, check_limit, check_shape
from .tflite_reader import _OPTION_CLASSES, TENSOR_DTYPES, _opcode

#: inputs (min, max; None = any number) of the builtins edgesmith imports; each has one output
ARITY = {
    "CONV_2D": (2, 3), "DEPTHWISE_CONV_2D": (2, 3), "FULLY_CONNECTED": (2, 3),
    "AVERAGE_POOL_2D": (1, 1), "MAX_POOL_2D": (1, 1), "ADD": (2, 2), "MUL": (2, 2),
    "RESHAPE": (1, 2), "SOFTMAX": (1, 1), "LOGISTIC": (1, 1), "TANH": (1, 1), "MEAN": (2, 2),
    "PAD": (2, 3), "CONCATENATION": (1, None), "QUANTIZE": (1, 1), "DEQUANTIZE": (1, 1),
    "RELU": (1, 1), "RELU6": (1, 1), "RELU_N1_TO_1": (1, 1),
}
#: rank each input position must have, for ops whose kernels index dimensions directly
_RANKS = {
    "CONV_2D": (4, 4, 1), "DEPTHWISE_CONV_2D": (4, 4, 1), "FULLY_CONNECTED": (None, 2, 1),
    "AVERAGE_POOL_2D": (4,), "MAX_POOL_2D": (4,),
}
#: option getters that are window sizes: at least 1, at most MAX_WINDOW
_WINDOW_GETTERS = ("StrideH", "StrideW", "DilationHFactor", "DilationWFactor",
                   "FilterHeight", "FilterWidth")
_OPTION_TYPE_CODES = {name: getattr(tflite.BuiltinOptions, cls.__name__)
                      for name, cls in _OPTION_CLASSES.items()}


def verify_tflite(path: Path, buf: bytes) -> None:
    """Raise :class:`TfliteStructureError` (or :class:`ResourceLimitError`) for a bad file."""
    model = tflite.Model.GetRootAsModel(buf, 0)
    if model.SubgraphsLength() != 1:
        return  # the reader refuses this with its own message
    _Verifier(path, buf, model).run()


class _Verifier:
    def __init__(self, path: Path, buf: bytes, model):
        self.path, self.buf, self.model = path, buf, model
        self.sg = model.Subgraphs(0)
        self.n_tensors = self.sg.TensorsLength()
        self.const: set[int] = set()
        #: variable (state) tensors without data: read and updated in place by their ops
        self.variable: set[int] = set()

    def fail(self, where: str, what: str) -> TfliteStructureError:
        return TfliteStructureError(f"{self.path}: {where}: {what}",
                                    hint="the file is damaged; convert the model again")

    def guarded(self, where: str, check) -> None:
        """Run ``check``; a flatbuffer read past the end becomes an error naming ``where``."""
        try:
            check()
        except (ModelFormatError, ResourceLimitError):
            raise
        except (IndexError, struct.error, ValueError, TypeError, OverflowError,
                UnicodeDecodeError, AttributeError) as exc:
            raise self.fail(where, f"unreadable ({type(exc).__name__}: {exc})") from None

    def run(self) -> None:
        check_limit(str(self.path), "the tensor count", self.n_tensors, MAX_TENSORS)
        const_bytes = 0
        self.intermediates = self._intermediates()
        for i in range(self.n_tensors):
            const_bytes += self._tensor(i)
        check_limit(str(self.path), "the constant bytes", const_bytes, MAX_CONST_BYTES)
        n_ops = self.sg.OperatorsLength()
        check_limit(str(self.path), "the op count", n_ops, MAX_OPS)
        codes = []
        for k in range(self.model.OperatorCodesLength()):
            self.guarded(f"operator code {k}",
                         lambda k=k: codes.append(_opcode(self.model.OperatorCodes(k))))
        inputs = self._index_list("subgraph inputs", self.sg.InputsAsNumpy)
        outputs = self._index_list("subgraph outputs", self.sg.OutputsAsNumpy)
        if not outputs:
            raise self.fail("subgraph", "the model declares no outputs; a model must have at "
                                        "least one")
        written = set(inputs)
        for i in range(n_ops):
            self.guarded(f"op {i}", lambda i=i: self._op(i, codes, written))

    # -- tensors --------------------------------------------------------------
    def _tensor(self, i: int) -> int:
        """Check tensor ``i``; return the bytes of its constant data (0 for activations)."""
        nbytes = [0]

        def check():
            t = self.sg.Tensors(i)
            raw = t.Name() or b""
            try:
                name = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise self.fail(f"tensor {i}", f"its name {raw[:40]!r} is not UTF-8") from None
            where = f"tensor {i} {name!r}"
            shape = [int(d) for d in (t.ShapeAsNumpy() if t.ShapeLength() else [])]
            type_code = t.Type()
            dtype = TENSOR_DTYPES.get(type_code)
            b = t.Buffer()
            if not 0 <= b < max(self.model.BuffersLength(), 1):
                raise self.fail(where, f"buffer index {b} is outside [0, "
                                       f"{self.model.BuffersLength()})")
            data_len = self._buffer_bytes(b, where)
            check_shape(f"{self.path}: {where}", shape,
                        allow_zero=data_len > 0 or i in self.intermediates)
            if not data_len and t.IsVariable():
                self.variable.add(i)  # state: readable before any op, written by none
            if data_len:
                self.const.add(i)
                if dtype is not None:
                    expected = math.prod(shape) * np.dtype(dtype).itemsize
                    if data_len != expected:
                        raise self.fail(where, f"shape {shape} of {dtype} needs {expected} bytes, "
                                               f"its buffer {b} holds {data_len}")
            self._quantization(t.Quantization(), shape, dtype, where)
            nbytes[0] = data_len

        self.guarded(f"tensor {i}", check)
        return nbytes[0]

    def _intermediates(self) -> set[int]:
        """Tensors named only as ops' intermediates (the LSTM's calibration records, of
        shape [0]): no kernel reads them."""
        found: set[int] = set()
        for i in range(self.sg.OperatorsLength()):
            def read(i=i):
                op = self.sg.Operators(i)
                if op.IntermediatesLength():
                    found.update(int(v) for v in op.IntermediatesAsNumpy())
            self.guarded(f"op {i} intermediates", read)
        return found

    def _buffer_bytes(self, b: int, where: str) -> int:
        if b == 0 or b >= self.model.BuffersLength():
            return 0
        buffer = self.model.Buffers(b)
        offset, size = buffer.Offset(), buffer.Size()
        if offset > 1:
            if offset + size > len(self.buf):
                raise self.fail(where, f"buffer {b} spans bytes {offset}..{offset + size}, past "
                                       f"the end of the {len(self.buf)}-byte file")
            return size
        return buffer.DataLength()

    def _quantization(self, q, shape: list[int], dtype: str | None, where: str) -> None:
        if q is None or q.ScaleLength() == 0:
            return
        scale = q.ScaleAsNumpy().astype(np.float64)
        if not np.all(np.isfinite(scale)) or not np.all(scale > 0):
            raise self.fail(where, "quantization scales must be finite and positive, got "
                                   f"{scale[:8].tolist()}")
        n_zp = q.ZeroPointLength()
        if n_zp not in (0, 1, scale.size):
            raise self.fail(where, f"{scale.size} scales but {n_zp} zero points")
        if n_zp and dtype in ("int8", "uint8", "int16", "int32"):
            info = np.iinfo(dtype)
            zp = q.ZeroPointAsNumpy()
            if np.any(zp < info.min) or np.any(zp > info.max):
                raise self.fail(where, f"zero points must lie in [{info.min}, {info.max}] for "
                                       f"{dtype}, got {zp[:8].tolist()}")
        if scale.size > 1:
            axis = q.QuantizedDimension()
            if len(shape) == 1 and scale.size == shape[0]:
                return  # a per-channel bias tagged with the filter's axis
            if not 0 <= axis < len(shape) or shape[axis] != scale.size:
                raise self.fail(where, f"{scale.size} per-channel scales on axis {axis} do not "
                                       f"match shape {shape}")

    # -- operators -------------------------------------------------------------
    def _index_list(self, where: str, read) -> list[int]:
        values = read()
        values = [] if isinstance(values, int) else [int(v) for v in values]
        for v in values:
            if not 0 <= v < self.n_tensors:
                raise self.fail(where, f"tensor index {v} is outside [0, {self.n_tensors})")
        return values

    def _op(self, i: int, codes: list, written: set[int]) -> None:
        op = self.sg.Operators(i)
        code = op.OpcodeIndex()
        if not 0 <= code < len(codes):
            raise self.fail(f"op {i}", f"operator code {code} is outside [0, {len(codes)})")
        name = codes[code][0]
        where = f"op {i} {name}"
        ins = [int(v) for v in op.InputsAsNumpy()] if op.InputsLength() else []
        outs = [int(v) for v in op.OutputsAsNumpy()] if op.OutputsLength() else []
        for v in ins:
            if not -1 <= v < self.n_tensors:
                raise self.fail(where, f"input tensor index {v} is outside [-1, {self.n_tensors}) "
                                       "(-1 marks an absent optional input)")
        for v in outs:
            if not 0 <= v < self.n_tensors:
                raise self.fail(where, f"output tensor index {v} is outside [0, {self.n_tensors})")
        if name in ARITY:  # others: the importer refuses them by name, or their reader checks
            self._arity(where, name, ins, outs)
            self._ranks(where, name, ins)
            if name in _OPTION_TYPE_CODES:
                self.guarded(f"{where} options", lambda: self._options(where, name, op))
        known = name in ARITY or tflite_op(name) is not None
        for v in ins if known else ():  # an op refused by name (CUSTOM) may read scratch
            if v >= 0 and v not in written and v not in self.const and v not in self.variable:
                raise self.fail(where, f"reads tensor {v} before any op writes it (the ops "
                                       "must be in execution order, without cycles)")
        for v in outs:
            if v in written or v in self.const or v in self.variable:
                raise self.fail(where, f"writes tensor {v}, which is already written (a model "
                                       "input, a constant or another op's output)")
            written.add(v)

    def _arity(self, where: str, name: str, ins: list[int], outs: list[int]) -> None:
        low, high = ARITY[name]
        if len(ins) < low or (high is not None and len(ins) > high):
            wanted = f"{low}" if low == high else f"{low} to {high if high else 'any number of'}"
            raise self.fail(where, f"has {len(ins)} inputs, {name} takes {wanted}")
        missing = [k for k in range(low) if ins[k] < 0]
        if missing:
            raise self.fail(where, f"required input {missing[0]} is absent (-1)")
        if len(outs) != 1:
            raise self.fail(where, f"has {len(outs)} outputs, {name} writes exactly 1")

    def _ranks(self, where: str, name: str, ins: list[int]) -> None:
        for position, rank in enumerate(_RANKS.get(name, ())):
            if rank is None or position >= len(ins) or ins[position] < 0:
                continue
            got = self.sg.Tensors(ins[position]).ShapeLength()
            if got != rank:
                raise self.fail(where, f"input {position} (tensor {ins[position]}) has rank {got}, "
                                       f"{name} needs rank {rank}")

    def _options(self, where: str, name: str, op) -> None:
        kind = op.BuiltinOptionsType()
        expected = _OPTION_TYPE_CODES[name]
        if kind not in (0, expected):
            raise self.fail(where, f"its options table is of type {kind}, {name} takes type "
                                   f"{expected} ({_OPTION_CLASSES[name].__name__})")
        table = op.BuiltinOptions()
        if table is None:
            return
        options = _OPTION_CLASSES[name]()
        options.Init(table.Bytes, table.Pos)
        for getter in _getters(type(options)):
            value = getattr(options, getter)()  # read every field now, not lazily later
            if getter in _WINDOW_GETTERS and not 1 <= value <= MAX_WINDOW:
                raise self.fail(where, f"{getter} is {value}, expected 1 to {MAX_WINDOW}")


def _getters(cls) -> list[str]:
    """The scalar field readers of an options class (no arguments besides self)."""
    return [m for m, fn in vars(cls).items() if m[0].isupper() and m != "Init"
            and "GetRootAs" not in m and "BufferHasIdentifier" not in m and callable(fn)
            and len(inspect.signature(fn).parameters) == 1]

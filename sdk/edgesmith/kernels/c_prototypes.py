"""The C runtime's kernel prototypes and parameter structs, read from its public headers.

Generated calls are derived from ``runtime/include/es_nn.h`` itself: a
kernel's parameter names are the roles the code generator fills
(``params``, ``input``, ``filter``, ``input1_dims``, ``output`` ...), in
the order the prototype gives them (:mod:`.c_calls`). Struct layouts come
from ``es_nn_types.h``, so flash sizes of parameter arrays follow the
headers too.

The parser knows the subset of C99 these headers use: ``es_status`` or
``int32_t`` functions with named parameters, ``typedef struct``/``enum``,
no function pointers or arrays in parameters.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..resources import data_path

_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_DIRECTIVE = re.compile(r"^\s*#[^\n]*(?:\\\n[^\n]*)*", re.M)
_FUNCTION = re.compile(r"([A-Za-z_][\w\s\*]*?)\b(es_\w+)\s*\(([^()]*)\)\s*;")
_TYPEDEF = re.compile(r"typedef\s+(struct|enum)\s*\{([^{}]*)\}\s*(\w+)\s*;")
_TOKEN = re.compile(r"\*|[A-Za-z_]\w*")
_ARRAY = re.compile(r"^(.*?)\[\s*(\w+)\s*\]\s*$", re.S)
_DEFINE = re.compile(r"^\s*#define\s+(\w+)\s+(\d+)\s*$", re.M)

#: size and alignment of scalar types on the 32-bit targets (AAPCS: int64 aligned to 8)
_SCALARS = {"int8_t": 1, "uint8_t": 1, "int16_t": 2, "uint16_t": 2, "int32_t": 4,
            "uint32_t": 4, "int64_t": 8, "uint64_t": 8, "float": 4}
_POINTER_BYTES = 4


class PrototypeError(ValueError):
    """A header the parser cannot read, or a kernel it does not declare (a bug, not input)."""


@dataclass(frozen=True)
class CParam:
    """One parameter: ``ctype`` as written (spacing normalized) and its name."""

    ctype: str
    name: str
    #: elements of an array member (``int32_t dims[6]``); 1 for anything else
    count: int = 1

    @property
    def pointer(self) -> int:
        """Levels of indirection (0 for a value, 2 for an array of pointers)."""
        return self.ctype.count("*")

    @property
    def base(self) -> str:
        """The element type without qualifiers, e.g. ``es_dims`` or ``int8_t``."""
        return next(t for t in self.ctype.split() if t != "const" and not t.startswith("*"))

    @property
    def const(self) -> bool:
        """Whether the data the parameter points to is read only."""
        return "const" in self.ctype.split("*")[0].split()

    @property
    def element(self) -> str:
        """The type one level down a pointer (``const int8_t *const *`` ->
        ``const int8_t *``)."""
        if not self.pointer:
            raise PrototypeError(f"parameter {self.name!r} ({self.ctype}) is not a pointer")
        head = self.ctype[:self.ctype.rindex("*")].rstrip()
        return head[:-len("const")].rstrip() if head.endswith("*const") else head

    @property
    def points_to_integers(self) -> bool:
        """Tensor data or a table (or, two levels down, an array of pointers to them)."""
        return self.pointer > 0 and self.base in _SCALARS


@dataclass(frozen=True)
class Prototype:
    name: str
    returns: str
    params: tuple[CParam, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def param(self, name: str) -> CParam | None:
        return next((p for p in self.params if p.name == name), None)

    def __str__(self) -> str:
        params = ", ".join(f"{p.ctype}{'' if p.ctype.endswith('*') else ' '}{p.name}"
                           for p in self.params)
        return f"{self.returns} {self.name}({params})"


def _strip(text: str) -> str:
    return _DIRECTIVE.sub("", _COMMENT.sub(" ", text))


def _normalized_type(tokens: list[str]) -> str:
    """``const int8_t * const *`` -> ``const int8_t *const *``."""
    out = ""
    for tok in tokens:
        if tok == "*":
            out += "*" if out.endswith("*") else " *"
        else:
            out += tok if out.endswith("*") or not out else f" {tok}"
    return out


def _declaration(text: str, where: str, constants: dict[str, int] | None = None) -> CParam:
    count = 1
    if (array := _ARRAY.match(text)) is not None:  # a fixed-size array member
        text, size = array.group(1), array.group(2)
        count = int(size) if size.isdigit() else (constants or {}).get(size, 0)
        if count < 1:
            raise PrototypeError(f"{where}: cannot read the array size {size!r}")
    tokens = _TOKEN.findall(text)
    if len(tokens) < 2 or tokens[-1] == "*" or "".join(tokens) != re.sub(r"\s", "", text):
        raise PrototypeError(f"{where}: cannot read the declaration {text.strip()!r}")
    return CParam(_normalized_type(tokens[:-1]), tokens[-1], count)


def parse_prototypes(text: str) -> dict[str, Prototype]:
    """Every ``es_*`` function declared in the header ``text``, by name."""
    found = {}
    for returns, name, params in _FUNCTION.findall(_strip(text)):
        items = [p for p in params.split(",") if p.strip()]
        if [p.strip() for p in items] == ["void"]:
            items = []
        found[name] = Prototype(name, _normalized_type(_TOKEN.findall(returns)),
                                tuple(_declaration(p, name) for p in items))
    return found


def _enumerators(body: str, where: str) -> tuple[int, ...]:
    values, last = [], -1
    for item in (i.strip() for i in body.split(",") if i.strip()):
        name, _, value = item.partition("=")
        try:
            last = int(value, 0) if value.strip() else last + 1
        except ValueError:
            raise PrototypeError(f"{where}: cannot read the enumerator {item!r}") from None
        values.append(last)
    return tuple(values)


def parse_typedefs(text: str) -> tuple[dict[str, tuple[CParam, ...]], dict[str, tuple[int, ...]]]:
    """The ``typedef struct`` fields by struct name, and the ``typedef enum`` values by name."""
    structs, enums = {}, {}
    constants = {k: int(v) for k, v in _DEFINE.findall(text)}  # array sizes
    for kind, body, name in _TYPEDEF.findall(_strip(text)):
        if kind == "enum":
            enums[name] = _enumerators(body, name)
        else:
            structs[name] = tuple(_declaration(f, name, constants) for f in body.split(";")
                                  if f.strip())
    return structs, enums


@dataclass(frozen=True)
class Layouts:
    """Sizes of C types on a 32-bit Cortex-M target (arm-none-eabi: int64 aligned to 8, short
    enums), from parsed typedefs."""

    structs: dict[str, tuple[CParam, ...]]
    #: enumerator values by enum name
    enums: dict[str, tuple[int, ...]]

    def size_align(self, ctype: str) -> tuple[int, int]:
        decl = CParam(ctype, "_")
        if decl.pointer:
            return _POINTER_BYTES, _POINTER_BYTES
        if decl.base in _SCALARS:
            return _SCALARS[decl.base], _SCALARS[decl.base]
        if decl.base in self.enums:
            size = _enum_bytes(self.enums[decl.base])
            return size, size
        if decl.base not in self.structs:
            raise PrototypeError(f"unknown C type {ctype!r}")
        size, align = 0, 1
        for field in self.structs[decl.base]:
            f_size, f_align = self.size_align(field.ctype)
            size = _round_up(size, f_align) + f_size * field.count
            align = max(align, f_align)
        return _round_up(size, align), align

    def sizeof(self, ctype: str) -> int:
        return self.size_align(ctype)[0]


def _enum_bytes(values: tuple[int, ...]) -> int:
    """arm-none-eabi's short enums: the smallest integer type that holds every value."""
    low, high = min(values, default=0), max(values, default=0)
    for size in (1, 2, 4):
        bits = 8 * size
        if (0 <= low and high < 1 << bits) or (-(1 << bits - 1) <= low and high < 1 << bits - 1):
            return size
    return 8


def _round_up(n: int, multiple: int) -> int:
    return -(-n // multiple) * multiple


def _header_text(name: str) -> str:
    return data_path("runtime", "include", name).read_text()


@functools.cache
def runtime_prototypes() -> dict[str, Prototype]:
    """The kernels of ``es_nn.h``, by name."""
    return parse_prototypes(_header_text("es_nn.h"))


@functools.cache
def runtime_layouts() -> Layouts:
    """The structs and enums of ``es_nn_types.h``."""
    return Layouts(*parse_typedefs(_header_text("es_nn_types.h")))


def prototype(kernel: str) -> Prototype:
    """The prototype of ``kernel`` in ``es_nn.h``."""
    found = runtime_prototypes().get(kernel)
    if found is None:
        raise PrototypeError(f"es_nn.h declares no kernel {kernel!r}")
    return found

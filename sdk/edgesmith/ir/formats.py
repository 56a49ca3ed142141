"""Number formats of tensors.

A tensor's ``fmt`` says how its stored integers map to real values. ``None``
means the tensor holds plain floats. The formats are immutable values; arrays
inside them are read-only copies so that a format can be shared by tensors.

``AffineFormat`` is the TFLite scheme (real = scale * (q - zero_point)), per
tensor or per channel along ``axis``, 8 bits now and 4/2 bits later.
Fixed-point (``ap_fixed`` semantics) and power-of-two formats subclass
:class:`NumberFormat` in their own modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class NumberFormat:
    """Base class of every number format. Subclasses are frozen dataclasses."""

    kind: str = "abstract"
    #: stored bits per value
    bits: int = 0

    def to_json(self) -> dict:
        raise NotImplementedError

    @staticmethod
    def from_json(data: dict) -> "NumberFormat":
        kind = data["kind"]
        try:
            cls = _REGISTRY[kind]
        except KeyError:
            raise ValueError(f"unknown number format kind {kind!r}") from None
        return cls._from_json(data)

    @classmethod
    def _from_json(cls, data: dict) -> "NumberFormat":
        raise NotImplementedError


_REGISTRY: dict[str, type[NumberFormat]] = {}


def register_format(cls: type[NumberFormat]) -> type[NumberFormat]:
    _REGISTRY[cls.kind] = cls
    return cls


def _frozen(values, dtype) -> np.ndarray:
    arr = np.array(values, dtype=dtype).reshape(-1)
    arr.setflags(write=False)
    return arr


@register_format
@dataclass(frozen=True, eq=False)
class AffineFormat(NumberFormat):
    """real = scale * (q - zero_point), with q a ``bits``-wide integer.

    ``scale`` and ``zero_point`` hold one value (per tensor) or one per
    channel along ``axis``. Scales are kept as float32, exactly as TFLite
    stores them; arithmetic that derives multipliers widens them to double.
    """

    scale: np.ndarray
    zero_point: np.ndarray
    axis: int | None = None
    bits: int = 8
    signed: bool = True
    kind: str = field(default="affine", init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "scale", _frozen(self.scale, np.float32))
        object.__setattr__(self, "zero_point", _frozen(self.zero_point, np.int64))
        if self.scale.size != self.zero_point.size:
            if self.zero_point.size == 1:
                zp = np.full(self.scale.size, self.zero_point[0])
                object.__setattr__(self, "zero_point", _frozen(zp, np.int64))
            else:
                raise ValueError("scale and zero_point differ in length")
        if self.scale.size > 1 and self.axis is None:
            raise ValueError("a per-channel format needs an axis")
        if not np.all(self.scale > 0):
            raise ValueError("scales must be positive")
        lo, hi = self.qmin, self.qmax
        if np.any(self.zero_point < lo) or np.any(self.zero_point > hi):
            raise ValueError(f"zero point outside [{lo}, {hi}]")

    @property
    def per_channel(self) -> bool:
        return self.scale.size > 1

    @property
    def qmin(self) -> int:
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def qmax(self) -> int:
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1

    @property
    def storage_dtype(self) -> str:
        if self.bits <= 8:
            return "int8" if self.signed else "uint8"
        if self.bits <= 16:
            return "int16" if self.signed else "uint16"
        return "int32" if self.signed else "uint32"

    def scalar(self) -> tuple[float, int]:
        """(scale, zero_point) of a per-tensor format."""
        if self.per_channel:
            raise ValueError("per-channel format has no single scale")
        return float(self.scale[0]), int(self.zero_point[0])

    def quantize(self, real: np.ndarray) -> np.ndarray:
        """Round real values to the nearest step (halves away from zero) and clamp.

        The division is in float32, as TFLite's QUANTIZE kernel does it, so
        that quantizing a float input here equals quantizing it in LiteRT.
        """
        real = np.asarray(real, dtype=np.float32)
        shape = [1] * real.ndim
        if self.per_channel:
            shape[self.axis] = -1
        scaled = (real / self.scale.reshape(shape)).astype(np.float64)
        zp = self.zero_point.reshape(shape)
        # the + 0.5 in float64 is exact for every float32 value
        q = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) + zp
        return np.clip(q, self.qmin, self.qmax).astype(self.storage_dtype)

    def dequantize(self, q: np.ndarray) -> np.ndarray:
        q = np.asarray(q)
        shape = [1] * q.ndim
        if self.per_channel:
            shape[self.axis] = -1
        scale = self.scale.reshape(shape)
        zp = self.zero_point.reshape(shape)
        return ((q.astype(np.int64) - zp) * scale).astype(np.float32)

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, AffineFormat)
            and self.bits == other.bits
            and self.signed == other.signed
            and self.axis == other.axis
            and np.array_equal(self.scale, other.scale)
            and np.array_equal(self.zero_point, other.zero_point)
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.bits, self.signed, self.axis, self.scale.tobytes()))

    def describe(self) -> str:
        sign = "s" if self.signed else "u"
        if self.per_channel:
            return f"{sign}{self.bits} per-channel(axis={self.axis}, n={self.scale.size})"
        s, z = self.scalar()
        return f"{sign}{self.bits} scale={s:.6g} zp={z}"

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "bits": self.bits,
            "signed": self.signed,
            "axis": self.axis,
            # float32 scales round-trip exactly through their hex form
            "scale": [float(s).hex() for s in self.scale],
            "zero_point": [int(z) for z in self.zero_point],
        }

    @classmethod
    def _from_json(cls, data: dict) -> "AffineFormat":
        return cls(
            scale=[float.fromhex(s) for s in data["scale"]],
            zero_point=data["zero_point"],
            axis=data["axis"],
            bits=data["bits"],
            signed=data["signed"],
        )


def describe_format(fmt: NumberFormat | None) -> str:
    return "float32" if fmt is None else fmt.describe()

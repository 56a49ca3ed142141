"""The fast int8 kernels (runtime/kernels/fast) and the reference kernels, side by side on the host.

Each kernel set is its own shared library (the sets define the same symbols): the
reference, the fast kernels as the host compiles them (portable loops), and the fast
kernels' DSP loops run through their C twins (``-DES_FAST_EMULATE_DSP``), so the
SMLAD data layouts are checked here too. Random arguments are drawn once and
passed to every library.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from edgesmith.resources import data_path
from edgesmith.boards.host_build import STRICT_C99_FLAGS, build_host_library

from .harness import public_cdef

RUNTIME = data_path("runtime")
FAST_KERNELS = ("es_conv2d_s8", "es_depthwise_conv2d_s8", "es_fully_connected_s8")
#: entries of the fast set alone: the kernels on weights laid out offline (int16 pairs)
FAST_ONLY_KERNELS = ("es_conv2d_s8_w16", "es_fully_connected_s8_w16", "es_depthwise_conv2d_s8_w16")

#: name -> extra compiler flags, for each fast build the tests compare with the reference
FAST_BUILDS = {"portable": (), "dsp-loops": ("-DES_FAST_EMULATE_DSP",)}


@functools.cache
def library(kind: str):
    """(ffi, lib) of the reference kernels ("reference") or a fast build (FAST_BUILDS)."""
    folder = "ref" if kind == "reference" else "fast"
    kernels = FAST_KERNELS + (() if kind == "reference" else FAST_ONLY_KERNELS)
    sources = [RUNTIME / "kernels" / folder / f"{k}.c" for k in kernels]
    flags = (*STRICT_C99_FLAGS, *FAST_BUILDS.get(kind, ()))
    return build_host_library(sources, [RUNTIME / "include"], public_cdef(), cflags=flags)


def random_quant(rng, channels: int, extremes: bool) -> tuple[np.ndarray, np.ndarray]:
    """Q31 multipliers and shifts; ``extremes`` mixes in 0, INT32_MAX, INT32_MIN and +-31."""
    mult = rng.integers(1 << 30, (1 << 31) - 1, channels, dtype=np.int64)
    shift = rng.integers(-12, 3, channels)
    if extremes:
        special = np.array([0, (1 << 31) - 1, -(1 << 31), 1, 1 << 30, -(1 << 30)], np.int64)
        pick = rng.random(channels) < 0.5
        mult[pick] = rng.choice(special, int(pick.sum()))
        pick = rng.random(channels) < 0.5
        shift[pick] = rng.choice([-31, -30, -1, 0, 1, 30, 31], int(pick.sum()))
    return mult.astype(np.int32), shift


def random_exact_scales(rng, count: int, extremes: bool) -> list[tuple[int, int]]:
    """(mantissa, exponent) of doubles as es_exact_scale holds them: mostly the scales of real
    layers (2^-12 .. 2^-4); ``extremes`` adds powers of two (exact ties), 0 and binary points
    outside the short form's range."""
    scales = []
    for _ in range(count):
        mantissa = int(rng.integers(1 << 52, 1 << 53))
        exponent = int(rng.integers(-65, -56))
        if extremes and rng.random() < 0.5:
            mantissa, exponent = [(1 << 52, -53), (1 << 52, -60), (0, 0), (mantissa, -30),
                                  (mantissa, -100), (mantissa, -50), (1 << 52, -84)][
                int(rng.integers(7))]
        scales.append((mantissa, exponent))
    return scales


def random_activation(rng) -> dict:
    lo, hi = sorted(int(v) for v in rng.integers(-128, 128, 2))
    return [{"min": -128, "max": 127}, {"min": lo, "max": hi}, {"min": 0, "max": 127}][
        int(rng.integers(3))]


def random_offset(rng, extremes: bool) -> int:
    if extremes and rng.random() < 0.3:
        return int(rng.choice([-40000, 40000, -32640, 32640]))  # beyond int16: the plain loops
    return int(rng.integers(-127, 129))


def fc_quant(ffi, ptr, a: dict, keep: list):
    """The es_fc_quant_params of a dense call's arguments (``ptr`` keeps arrays alive)."""
    scales = ffi.new("es_exact_scale[]", [{"mantissa": int(m), "exponent": int(e)}
                                          for m, e in a["scales"]])
    keep.append(scales)
    return ffi.new("es_fc_quant_params *", {
        "stage": a["stage"], "per_channel": a["per_channel"],
        "multiplier": ptr("int32_t", a["multiplier"]),
        "shift": ptr("int32_t", a["shift"].astype(np.int32)), "scale": scales})


def conv_quant(ffi, ptr, a: dict):
    """The es_per_channel_quant_params of a conv call's arguments."""
    return ffi.new("es_per_channel_quant_params *", {
        "multiplier": ptr("int32_t", a["multiplier"]),
        "shift": ptr("int8_t", a["shift"].astype(np.int8))})


@dataclass
class Call:
    """One kernel call: its name, its arguments as Python values, the output's size."""
    kernel: str
    args: dict
    output_size: int
    inplace_data: np.ndarray | None = None

    def run(self, kind: str) -> tuple[int, np.ndarray]:
        """(status, output) of this call in library ``kind``."""
        ffi, lib = library(kind)
        keep = []

        def ptr(ctype, arr):
            arr = np.ascontiguousarray(arr)
            keep.append(arr)
            return ffi.from_buffer(f"{ctype}[]", arr)

        a = self.args
        out = np.zeros(max(self.output_size, 1), np.int8)
        if self.kernel == "es_fully_connected_s8":
            quant = fc_quant(ffi, ptr, a, keep)
            status = lib.es_fully_connected_s8(
                ffi.NULL, ffi.new("es_fc_params *", a["params"]), quant,
                ffi.new("es_fc_dims *", a["dims"]), ptr("int8_t", a["input"]),
                ptr("int8_t", a["filter"]), ptr("int32_t", a["bias"]), ptr("int8_t", out))
            return status, out
        quant = conv_quant(ffi, ptr, a)
        params_type = "es_conv_params *" if self.kernel == "es_conv2d_s8" else "es_dw_conv_params *"
        common = (ffi.new(params_type, a["params"]), quant, ffi.new("es_dims *", a["input_dims"]))
        bias = ffi.NULL if a["bias"] is None else ptr("int32_t", a["bias"])
        tail = (ffi.new("es_dims *", a["filter_dims"]), ptr("int8_t", a["filter"]), bias,
                ffi.new("es_dims *", a["output_dims"]))
        if self.kernel.endswith("_inplace"):
            return self.run_in_place(lib.es_depthwise_conv2d_s8_inplace, ffi, common, tail)
        status = getattr(lib, self.kernel)(ffi.NULL, *common, ptr("int8_t", a["input"]), *tail,
                                           ptr("int8_t", out))
        return status, out

    def run_in_place(self, entry, ffi, common: tuple, tail: tuple) -> tuple[int, np.ndarray]:
        """(status, data) of an in-place depthwise ``entry``: the arguments before its data
        pointer, the data (a copy of the input), those after it, then a scratch."""
        data = self.args["input"].copy()
        scratch = np.zeros(self.output_size, np.int8)
        status = entry(ffi.NULL, *common, ffi.from_buffer("int8_t[]", data), *tail,
                       ffi.from_buffer("int8_t[]", scratch))
        return status, data

"""The generated C API: port macros, float helpers equal to the simulator's conversions on
edge values (ties, extremes, subnormals, +-inf, NaN), and a C program that uses them
(strict C99) giving Model.predict's floats bit for bit."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

import edgesmith
from edgesmith.boards.host_build import STRICT_C99_FLAGS
from edgesmith.codegen import generate_c
from edgesmith.ir import FixedFormat
from edgesmith.verify.host import HostModel

from tests.helpers.paths import HLS4ML_MODELS, SHARED_MODELS

FLT_MAX = np.finfo(np.float32).max
TINY = np.float32(1e-45)  # the smallest subnormal


@pytest.fixture(scope="module")
def affine():
    """An int8 model with int8 affine ports."""
    return edgesmith.load(SHARED_MODELS / "tflm" / "hello_world_int8.tflite")


@pytest.fixture(scope="module")
def fixed():
    """The hls4ml jet tagger quantized to fixed point: int32 ports holding ap_fixed values."""
    m = edgesmith.load(HLS4ML_MODELS / "KERAS_3layer.json", HLS4ML_MODELS / "KERAS_3layer_weights.h5")
    calib = np.random.default_rng(0).normal(size=(64, 16)).astype(np.float32)
    return m.quantize(calib, scheme="fixed")


def edge_floats(step: float, lo: int, hi: int, seed: int = 0) -> np.ndarray:
    """Reals around every interesting stored value: ties between steps (and their float
    neighbours), the ends of the range and beyond, zeros, subnormals, huge values."""
    k = np.concatenate([np.arange(lo - 3, lo + 4), np.arange(hi - 3, hi + 4),
                        np.arange(-4, 5), np.random.default_rng(seed).integers(lo, hi, 64)])
    ties = ((k + 0.5) * step).astype(np.float32)
    near = np.concatenate([ties, np.nextafter(ties, np.float32(np.inf)),
                           np.nextafter(ties, np.float32(-np.inf)), (k * step).astype(np.float32)])
    special = np.array([0.0, -0.0, TINY, -TINY, 1e-30, -1e-30, 1e10, -1e10, FLT_MAX, -FLT_MAX],
                       dtype=np.float32)
    return np.concatenate([near, special, -near]).astype(np.float32)


def helper_quantize(host: HostModel, name: str, x: np.ndarray, ctype: str) -> np.ndarray:
    count = host.graph.tensors[host.graph.inputs[0]].size
    pad = (-x.size) % count
    x = np.concatenate([x, np.zeros(pad, np.float32)]).astype(np.float32)
    q = np.empty(x.size, np.dtype(ctype.removesuffix("_t")))
    for i in range(0, x.size, count):
        status = getattr(host.lib, f"{name}_quantize_input0")(
            host.ffi.cast("float *", host.ffi.from_buffer(x[i:i + count])),
            host.ffi.cast(f"{ctype} *", host.ffi.from_buffer(q[i:i + count])))
        assert status == host.lib.ES_OK
    return q[:x.size - pad]


def helper_dequantize(host: HostModel, name: str, q: np.ndarray, ctype: str) -> np.ndarray:
    count = host.graph.tensors[host.graph.outputs[0]].size
    pad = (-q.size) % count
    q = np.concatenate([q, np.zeros(pad, q.dtype)])
    y = np.empty(q.size, np.float32)
    for i in range(0, q.size, count):
        status = getattr(host.lib, f"{name}_dequantize_output0")(
            host.ffi.cast(f"{ctype} *", host.ffi.from_buffer(q[i:i + count])),
            host.ffi.cast("float *", host.ffi.from_buffer(y[i:i + count])))
        assert status == host.lib.ES_OK
    return y[:q.size - pad]


def expected_quantize(fmt, x: np.ndarray, nan_value: int) -> np.ndarray:
    """The simulator's quantize; +-inf as +-FLT_MAX and NaN as real 0, as the header says."""
    finite = np.where(np.isinf(x), np.sign(x) * FLT_MAX, np.nan_to_num(x, nan=0.0))
    with np.errstate(over="ignore"):  # FLT_MAX / scale overflows to inf, then clamps
        out = fmt.quantize(finite.astype(np.float32))
    return np.where(np.isnan(x), nan_value, out).astype(out.dtype)


def test_affine_helpers_equal_the_simulator(affine, tmp_path):
    g = affine.graph
    fin, fout = g.tensors[g.inputs[0]].fmt, g.tensors[g.outputs[0]].fmt
    generate_c(g, tmp_path / "m", name="hw")
    host = HostModel(tmp_path / "m", g)
    scale, zp = fin.scalar()
    x = np.concatenate([edge_floats(scale, -128 - zp, 127 - zp),
                        np.array([np.inf, -np.inf, np.nan], np.float32)])
    got = helper_quantize(host, "hw", x, "int8_t")
    np.testing.assert_array_equal(got, expected_quantize(fin, x, zp))
    assert {-128, 127} <= set(got.tolist())  # both ends were reached
    raw = np.arange(-128, 128, dtype=np.int8)
    np.testing.assert_array_equal(helper_dequantize(host, "hw", raw, "int8_t").view(np.int32),
                                  fout.dequantize(raw).view(np.int32))


MODES = [("RND", "SAT"), ("RND_CONV", "WRAP"), ("TRN", "SAT_SYM"), ("RND_ZERO", "SAT_ZERO"),
         ("TRN_ZERO", "SAT"), ("RND_INF", "WRAP"), ("RND_MIN_INF", "SAT_SYM")]


@pytest.mark.parametrize("rounding,overflow", MODES)
def test_fixed_helpers_equal_the_simulator(fixed, rounding, overflow, tmp_path):
    """Every rounding and overflow mode of an ap_fixed input, on a copy of the jet tagger
    whose input format is changed to it (only the helpers are under test here)."""
    g = fixed.graph.copy()
    port = g.tensors[g.inputs[0]]
    port.fmt = FixedFormat(12, 4, signed=True, rounding=rounding, overflow=overflow)
    generate_c(g, tmp_path / "m", name="jet")
    host = HostModel(tmp_path / "m", g)
    x = np.concatenate([edge_floats(2.0 ** -8, -2048, 2047),
                        np.array([np.inf, -np.inf, np.nan], np.float32)])
    got = helper_quantize(host, "jet", x, "int32_t")
    np.testing.assert_array_equal(got, expected_quantize(port.fmt, x, 0))
    assert len(set(got.tolist())) > 100


def test_fixed_output_dequantize_equals_the_simulator(fixed, tmp_path):
    g = fixed.graph
    fout = g.tensors[g.outputs[0]].fmt
    generate_c(g, tmp_path / "m", name="jet")
    host = HostModel(tmp_path / "m", g)
    raw = np.concatenate([np.arange(fout.qmin, fout.qmin + 300), np.arange(fout.qmax - 300,
                          fout.qmax + 1), np.random.default_rng(1).integers(fout.qmin,
                                                                            fout.qmax, 500)])
    raw = raw.astype(np.int32)
    np.testing.assert_array_equal(helper_dequantize(host, "jet", raw, "int32_t").view(np.int32),
                                  fout.dequantize(raw).view(np.int32))


#: a user's program: the macros and the helpers only (M and m are replaced by the model's
#: macro prefix and name); reads samples of real values, writes the real outputs
PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "m.h"

int main(void)
{
    static const int32_t shape[] = M_INPUT0_SHAPE;
    static float x[M_INPUT0_COUNT];
    static float y[M_OUTPUT0_COUNT];
    static M_INPUT0_TYPE q[M_INPUT0_COUNT];
    static M_OUTPUT0_TYPE r[M_OUTPUT0_COUNT];
    int32_t i, count = 1;
    for (i = 0; i < M_INPUT0_RANK; ++i) {
        count *= shape[i];
    }
    if (count != M_INPUT0_COUNT || sizeof q != M_INPUT0_SIZE || sizeof r != M_OUTPUT0_SIZE) {
        return 1;
    }
    fprintf(stderr, "layout=%s rank=%d\n", M_INPUT0_LAYOUT, M_INPUT0_RANK);
    if (m_init() != ES_OK) {
        return 1;
    }
    while (fread(x, sizeof x, 1, stdin) == 1) {
        if (m_quantize_input0(x, q) != ES_OK || m_run(q, r) != ES_OK ||
            m_dequantize_output0(r, y) != ES_OK) {
            return 1;
        }
        fwrite(y, sizeof y, 1, stdout);
    }
    return m_quantize_input0(NULL, q) == ES_ERR_ARG ? 0 : 1;
}
"""


def run_program(folder, name: str, x: np.ndarray, out_count: int, tmp_path) -> np.ndarray:
    main = tmp_path / "main.c"
    main.write_text(PROGRAM.replace("M_", f"{name.upper()}_").replace("m_", f"{name}_")
                    .replace('"m.h"', f'"{name}.h"'))
    sources = [main, *folder.glob("*.c"), *folder.glob("runtime/kernels/*/*.c")]
    exe = tmp_path / "app"
    subprocess.run(["gcc", *STRICT_C99_FLAGS, "-O1", f"-I{folder}", f"-I{folder}/runtime/include",
                    *map(str, sources), "-o", str(exe)], check=True)
    proc = subprocess.run([str(exe)], input=x.astype(np.float32).tobytes(), capture_output=True,
                          check=True)
    assert proc.stderr.decode().startswith("layout=N")
    return np.frombuffer(proc.stdout, np.float32).reshape(len(x), out_count)


@pytest.mark.parametrize("model", ["affine", "fixed"])
def test_a_c_program_with_the_helpers_equals_predict(model, request, tmp_path):
    """Real values in, real values out: the C program equals Model.predict bit for bit."""
    m = request.getfixturevalue(model)
    g = m.graph
    folder = generate_c(g, tmp_path / "m", name="net").folder
    sample = g.tensors[g.inputs[0]].shape[1:]
    x = np.random.default_rng(2).normal(scale=2.0, size=(40, *sample)).astype(np.float32)
    got = run_program(folder, "net", x.reshape(len(x), -1), g.tensors[g.outputs[0]].size,
                      tmp_path)
    expected = np.asarray(m.predict(x), np.float32).reshape(len(x), -1)
    np.testing.assert_array_equal(got.view(np.int32), expected.view(np.int32))
    assert len(np.unique(got)) > 10


def test_port_macros_state_shape_layout_and_format(affine, fixed, tmp_path):
    header = (generate_c(fixed.graph, tmp_path / "fx", name="jet").folder / "jet.h").read_text()
    macros = dict(re.findall(r"#define JET_(\w+) (.+?)(?: /\*.*)?$", header, re.M))
    fmt_in = fixed.graph.tensors[fixed.graph.inputs[0]].fmt
    assert macros["INPUT0_SHAPE"] == "{1, 16}" and macros["INPUT0_RANK"] == "2"
    assert macros["INPUT0_LAYOUT"] == '"NC"' and macros["INPUT0_TYPE"] == "int32_t"
    assert macros["INPUT0_WIDTH"] == str(fmt_in.width)
    assert macros["INPUT0_FRAC_BITS"] == str(fmt_in.frac_bits)
    assert "INPUT0_SCALE" not in macros and "INPUT0_ZERO_POINT" not in macros
    header = (generate_c(affine.graph, tmp_path / "hw", name="hw").folder / "hw.h").read_text()
    macros = dict(re.findall(r"#define HW_(\w+) (.+?)(?: /\*.*)?$", header, re.M))
    scale, zp = affine.graph.tensors[affine.graph.inputs[0]].fmt.scalar()
    assert np.float32(macros["INPUT0_SCALE"].rstrip("f")) == np.float32(scale)
    assert macros["INPUT0_ZERO_POINT"] == str(zp) and "INPUT0_FRAC_BITS" not in macros


def test_arena_goes_to_the_section_the_user_names(tmp_path):
    """-D<NAME>_ARENA_SECTION puts the arena (and a stateful model's state) in that section
    of the Cortex-M object; without it, in .bss."""
    gcc, objdump = shutil.which("arm-none-eabi-gcc"), shutil.which("arm-none-eabi-objdump")
    assert gcc and objdump, "the Arm GNU toolchain is part of this project's environment"
    g = edgesmith.load(SHARED_MODELS / "recurrent" / "tflm" / "keyword_scrambled_8bit.tflite").graph
    assert g.is_stateful
    folder = generate_c(g, tmp_path / "m", name="kws").folder
    sections = {}
    for define in ([], ['-DKWS_ARENA_SECTION=".myram"']):
        obj = tmp_path / f"kws{len(define)}.o"
        subprocess.run([gcc, "-mcpu=cortex-m4", "-mthumb", *STRICT_C99_FLAGS, "-O2", *define,
                        f"-I{folder}", f"-I{folder}/runtime/include", "-c",
                        str(folder / "kws.c"), "-o", str(obj)], check=True)
        table = subprocess.run([objdump, "-t", str(obj)], capture_output=True, text=True,
                               check=True).stdout
        sections[len(define)] = {m.group(2): m.group(1) for m in
                                 re.finditer(r"\sO\s+(\S+)\s+\S+\s+(arena|state)$", table, re.M)}
    assert sections[0] == {"arena": ".bss", "state": ".bss"}
    assert sections[1] == {"arena": ".myram", "state": ".myram"}


@pytest.mark.parametrize("weight_bits,ctype", [(8, "int8_t"), (16, "int16_t"), (24, "int32_t")])
def test_fixed_point_filters_in_the_smallest_type(weight_bits, ctype, tmp_path):
    """A W-bit fixed-point weight is stored in the smallest C integer holding W bits and read
    by the kernel variant for it; the code stays equal to the simulator."""
    m = edgesmith.load(HLS4ML_MODELS / "KERAS_3layer.json", HLS4ML_MODELS / "KERAS_3layer_weights.h5")
    calib = np.random.default_rng(0).normal(size=(64, 16)).astype(np.float32)
    q = m.quantize(calib, scheme="fixed", weight_bits=weight_bits)
    result = generate_c(q.graph, tmp_path / "m", name="jet")
    weights = (result.folder / "jet_weights.c").read_text()
    filters = re.findall(r"^const (\w+) jet_op\d_filter\[(\d+)\]", weights, re.M)
    assert len(filters) == 4 and {t for t, _ in filters} == {ctype}
    biases = re.findall(r"^const (\w+) jet_op\d_bias\[", weights, re.M)
    assert biases == ["int32_t"] * 4  # the kernels add the bias in int32
    infix = {"int8_t": "_w8", "int16_t": "_w16", "int32_t": ""}[ctype]
    assert len(re.findall(rf"es_fully_connected{infix}_fx\(", (result.folder / "jet.c").read_text())) == 4
    size = np.dtype(ctype.removesuffix("_t")).itemsize
    assert result.model.weights_bytes == size * sum(int(n) for _, n in filters) + 4 * (64 + 32 + 32 + 5)
    report = q.verify("host", calib[:16], samples=16)
    assert report.ok and report.samples == 32

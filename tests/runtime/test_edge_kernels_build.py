"""Build-level properties of the model-edge kernels (es_quantize_*, es_dequantize_*).

* They compile warning-free as strict C99 with the extra warnings of the int8 kernels.
* Integer-to-integer conversions use no floating point at all (-mgeneral-regs-only).
* The float conversions are single precision only: for a Cortex-M3 (soft float) they call
  nothing but libgcc's single-precision helpers, for a Cortex-M4F nothing at all (the FPU
  does it), never a double helper or libm, so every target rounds as the host does.
"""

import shutil
import subprocess

import pytest
from edgesmith.boards.host_build import STRICT_C99_FLAGS

from .build_checks import object_symbols
from .harness import INCLUDE, RUNTIME
from .test_runtime_build import EXTRA_WARNINGS

FLOAT_EDGES = RUNTIME / "kernels" / "ref" / "es_quantize_float.c"
INT_EDGES = RUNTIME / "kernels" / "ref" / "es_quantize_int.c"
CORES = {"cortex-m3": ("-mcpu=cortex-m3", "-mthumb", "-mfloat-abi=soft"),
         "cortex-m4f": ("-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard")}


def test_edge_kernels_compile_clean_as_c99():
    proc = subprocess.run(["gcc", *STRICT_C99_FLAGS, "-O2", *EXTRA_WARNINGS, "-fsyntax-only",
                           f"-I{INCLUDE}", str(FLOAT_EDGES), str(INT_EDGES)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr


def test_integer_conversions_use_no_float(tmp_path):
    undefined, mutable = object_symbols(INT_EDGES, tmp_path)
    assert not {n for n in undefined if not n.startswith("es_")} and not mutable


@pytest.mark.parametrize("core", CORES)
def test_float_conversions_are_single_precision_only(tmp_path, core):
    gcc, nm = shutil.which("arm-none-eabi-gcc"), shutil.which("arm-none-eabi-nm")
    if gcc is None or nm is None:
        pytest.skip("needs the Arm GNU toolchain")
    obj = tmp_path / f"{core}.o"
    subprocess.run([gcc, *STRICT_C99_FLAGS, "-O2", *CORES[core], f"-I{INCLUDE}", "-c",
                    str(FLOAT_EDGES), "-o", str(obj)], check=True)
    lines = subprocess.run([nm, str(obj)], capture_output=True, text=True, check=True).stdout
    called = {line.split()[-1] for line in lines.splitlines() if line.strip().startswith("U ")}
    if core == "cortex-m3":
        assert {"__aeabi_fdiv", "__aeabi_fmul", "__aeabi_f2iz"} <= called
        assert all(n.startswith("__aeabi_f") or n.startswith("__aeabi_i2f") for n in called), \
            called
    else:
        assert not called, called

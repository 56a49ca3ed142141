"""The Cortex-M4 cycle weights the counting plugin gives each disassembled instruction
(boards/qemu/es_m4_cycles.h), compiled on the host and called on capstone-style text."""

from __future__ import annotations

import pytest

from edgesmith.boards.host_build import build_host_library
from edgesmith.resources import data_path

SOURCE = """
#include "es_m4_cycles.h"
unsigned weigh(const char *text, int after_load, int *is_load)
{
    int single = after_load;
    unsigned cycles = es_m4_cycles(text, &single);
    *is_load = single;
    return cycles;
}
"""


@pytest.fixture(scope="module")
def weigh(tmp_path_factory):
    folder = tmp_path_factory.mktemp("m4cycles")
    (folder / "weigh.c").write_text(SOURCE)
    ffi, lib = build_host_library([folder / "weigh.c"], [data_path("boards", "qemu")],
                                  "unsigned weigh(const char *, int, int *);")

    def call(text: str, after_load: bool = False) -> tuple[int, bool]:
        flag = ffi.new("int *")
        return lib.weigh(text.encode(), int(after_load), flag), bool(flag[0])
    return call


@pytest.mark.parametrize("text, after_load, cycles, is_load", [
    ("adds r0, r1, r2", False, 1, False),
    ("smlad r0, r1, r2, r3", False, 1, False),
    ("sxtb16 r4, r5, ror #8", False, 1, False),
    ("ldr r0, [r1, #4]", False, 2, True),
    ("ldr.w r0, [r1], #4", True, 1, True),     # pipelined after a single load
    ("ldrsb r0, [r1, r2]", False, 2, True),
    ("str r0, [r1]", True, 1, False),          # a store after a load pipelines too
    ("str r0, [r1]", False, 2, False),
    ("ldrd r0, r1, [r2, #8]", True, 3, False),  # never pipelined
    ("strd r0, r1, [r2]", False, 3, False),
    ("push {r4, r5, r6, lr}", False, 5, False),
    ("pop {r4-r7, pc}", False, 6, False),      # the refill of the return is the plugin's
    ("ldm.w r0!, {r2, r3}", False, 3, False),
    ("vpush {d8, d9}", False, 5, False),       # double registers count two words
    ("vldr s0, [r0]", False, 2, False),
    ("vfma.f32 s0, s1, s2", False, 3, False),
    ("vdiv.f32 s0, s1, s2", False, 14, False),
    ("sdiv r0, r1, r2", False, 7, False),
    ("tbb [pc, r0]", False, 2, False),
    ("bne #0x1234", False, 1, False),
    ("  BIC r0, r0, #3", False, 1, False),     # upper case and leading blanks
])
def test_cycle_weights(weigh, text, after_load, cycles, is_load):
    assert weigh(text, after_load) == (cycles, is_load)

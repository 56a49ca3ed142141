"""Which C kernel set a generated folder carries: chosen here, by core, never in a template.

* ``reference`` (``runtime/kernels/ref``): the readable specification, one plain
  loop per definition.
* ``fast`` (``runtime/kernels/fast``): the same names and the same integers, built
  for speed (int16 columns and rows, dual multiply-accumulates, a short exact
  requantization). The compiler's target picks SMLAD & co. on a DSP core
  (Cortex-M4/M7/M33/M55) and their C twins elsewhere (Cortex-M3, the host). A
  kernel the fast set does not define comes from the reference set.
* ``mve`` (``runtime/kernels/mve``): Helium vector kernels for the cores with the
  M-profile vector extension (Cortex-M55), the same names and integers again; a
  kernel it does not define comes from the fast set, then the reference set. Built
  for another target its kernels run plain loops.

The fast kernels keep up to 2.5 KiB of int16 rows on the stack, so a board with
less stack than ``FAST_MIN_STACK`` (the micro:bit's 2 KiB) gets the reference set.
"""

from __future__ import annotations

from ..errors import EdgesmithError

#: kernel set -> its folder under runtime/kernels
KERNEL_SETS = {"reference": "ref", "fast": "fast", "mve": "mve"}
#: where a kernel a set does not define comes from
FALLBACK_SET = {"mve": "fast", "fast": "reference"}
#: cores with the M-profile vector extension (Helium): they get the mve set
MVE_CORES = ("cortex-m55", "cortex-m85")
#: what ``--core`` accepts besides the board cores: a folder for the host or an unknown core
GENERIC_CORE = "generic"
#: bytes of stack a board needs for the fast set (its buffers plus the harness's own)
FAST_MIN_STACK = 0x2000
DEFAULT_KERNEL_SET = "fast"


def kernel_set_for(core: str = GENERIC_CORE, stack_bytes: int | None = None,
                   requested: str | None = None) -> str:
    """The kernel set of a folder for ``core`` (a board's core or ``generic``): ``requested``
    when given, else the fast set (the mve set on a Helium core) unless the stack cannot
    hold its buffers."""
    if requested is not None:
        if requested not in KERNEL_SETS:
            raise EdgesmithError(f"unknown kernel set {requested!r}",
                                 hint=f"use one of {', '.join(KERNEL_SETS)}")
        return requested
    if stack_bytes is not None and stack_bytes < FAST_MIN_STACK:
        return "reference"
    return "mve" if core in MVE_CORES else DEFAULT_KERNEL_SET


def set_chain(kernel_set: str) -> list[str]:
    """``kernel_set`` and the sets its missing kernels come from, in order."""
    chain = [kernel_set]
    while chain[-1] in FALLBACK_SET:
        chain.append(FALLBACK_SET[chain[-1]])
    return chain


"""Where TFLite Micro and LiteRT part ways, said by name in the ``check --against tflm``
report: the conversions TFLite Micro has no kernel for (refused before it runs, instead of
its interpreter's bare "invocation failed"), and the op where the two oracles' outputs first
differ on a sample.

Measured with converter-built uint8-in/uint8-out models: TFLite Micro converts int8 -> uint8
and uint8 -> int8 at the edges exactly as LiteRT does (the QUANTIZE at a uint8 output is not
where they differ); its QUANTIZE refuses float32 -> uint8 and uint8 -> uint8 at invoke. The
uint8-output samples on which the oracles differ all come from FULLY_CONNECTED's output stage
(TFLite Micro's Q31 multiplier against LiteRT's double-precision scale), which the simulator
computes both ways, so running it both ways on the differing sample names that op.
"""

from __future__ import annotations

import copy

import numpy as np

from ..ir import Graph

#: QUANTIZE (input dtype, output dtype) pairs TFLite Micro's kernel fails on at invoke
TFLM_MISSING_QUANTIZE = {("float32", "uint8"), ("uint8", "uint8")}


def tflm_cannot_run(graph: Graph) -> str | None:
    """Why TFLite Micro cannot run ``graph`` (a conversion its kernels lack), or None."""
    for op in graph.ops:
        pair = tuple(graph.tensors[n].dtype for n in (op.inputs[0], op.outputs[0]))
        if op.type == "quantize" and pair in TFLM_MISSING_QUANTIZE:
            return (f"{op.origin or op.type}: TFLite Micro's QUANTIZE has no {pair[0]} -> "
                    f"{pair[1]} kernel (it converts int8 <-> uint8 and float32 -> int8 or "
                    "int16)")
    return None


def first_stage_difference(graph: Graph, sample: dict[str, np.ndarray]) -> str | None:
    """The first op whose output differs between LiteRT's and TFLite Micro's
    fully-connected output stage on one sample (``op index type``), or None when the stages
    agree there (the oracles then differ somewhere the simulator does not model)."""
    from ..sim import simulate

    runs = []
    for stage in ("exact", "q31"):
        staged = copy.copy(graph)
        staged.meta = {**graph.meta, "fc_output_stage": stage}
        runs.append(simulate(staged, sample, keep_intermediates=True))
    for index, op in enumerate(graph.ops):
        if any(not np.array_equal(runs[0][n], runs[1][n]) for n in op.outputs):
            return f"op {index} {op.type} ({op.origin})" if op.origin else f"op {index} {op.type}"
    return None

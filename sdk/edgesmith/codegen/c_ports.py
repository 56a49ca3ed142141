"""The ports of a generated C model as its API states them (docs/INTERNALS.md).

A :class:`~.c_context.CPort` carries what ``<NAME>.h`` declares about one model
input or output (type, shape, layout, arena place, quantization) and what its
float helpers need: ``<name>_quantize_input<k>`` and ``<name>_dequantize_output<k>``
convert exactly as the simulator does (:meth:`AffineFormat.quantize`,
:meth:`FixedFormat.quantize` and their ``dequantize``), so a user who feeds real values
through them gets ``Model.predict``'s numbers from the C code.
"""

from __future__ import annotations

import numpy as np

from ..ir import FixedFormat, Graph
from ..memory import ArenaPlan
from .c_context import CFixedPort, CPort, markdown_text
from .c_formats import PORT_C_TYPES, port_scale

#: the letters of a channels-last (TFLite) tensor of each rank, batch first
LAYOUTS = {1: "N", 2: "NC", 3: "NWC", 4: "NHWC", 5: "NDHWC"}


def c_port(graph: Graph, plan: ArenaPlan, tensor: str, index: int) -> CPort:
    """The API of model port ``tensor`` (input or output number ``index``)."""
    t = graph.tensors[tensor]
    scale, zero_point = port_scale(t)
    fixed = _fixed_port(t.fmt) if isinstance(t.fmt, FixedFormat) else None
    qmin, qmax = (0, 0) if t.fmt is None else (t.fmt.qmin, t.fmt.qmax)
    # str() of a float32 is its shortest decimal that reads back as the same float32
    return CPort(index, tensor, markdown_text(tensor), t.nbytes, plan.offsets[tensor],
                 zero_point, f"{str(np.float32(scale))}f", PORT_C_TYPES[t.dtype],
                 t.size // t.shape[0], t.fmt is None,
                 shape=tuple(int(d) for d in t.shape), layout=LAYOUTS.get(len(t.shape), ""),
                 qmin=qmin, qmax=qmax, fixed=fixed,
                 format_md=markdown_text(t.fmt.describe()) if t.fmt is not None else "`float32`")


def _fixed_port(fmt: FixedFormat) -> CFixedPort:
    # raw * 2^-F: a power of two as a C99 hexadecimal float literal, exact by construction
    return CFixedPort(width=fmt.width, frac_bits=fmt.frac_bits, signed=int(fmt.signed),
                      rounding=f"ES_FX_{fmt.rounding}", overflow=f"ES_FX_{fmt.overflow}",
                      step=f"0x1p{-fmt.frac_bits}f")

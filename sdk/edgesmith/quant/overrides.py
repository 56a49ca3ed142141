"""Per-layer precision overrides: ``--precision LAYER=fixed<W,I,Q,O>``.

``LAYER`` names an op by its output tensor or by its index in the graph
(``edgesmith inspect`` lists both), or a model input by its tensor name; the
override sets that op's output (or that input's)
format (for the whole share group the output belongs to: a reshape or a
pooling op passes values through unchanged, so its input and output keep one
format). A suffix picks another part of the layer:

    LAYER=fixed<8,3,RND,SAT>         the output (activation) format
    LAYER:weight=fixed<8,1>          the weights
    LAYER:bias=fixed<24,10>          the bias
    LAYER:acc=fixed<20,8>            the accumulator (for HLS; checked by interval analysis)
    *=fixed<16,6>                    every activation, weight and bias (hls4ml's default)

(``.weight`` works as well as ``:weight``.) A type without modes takes the
scheme's defaults, RND and SAT for activations (see :mod:`.fixed`), not
``ap_fixed``'s TRN and WRAP: write the modes to get those.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from ..errors import EdgesmithError
from ..ir import FixedFormat, Graph

PARTS = ("output", "weight", "bias", "acc")
_PART_SUFFIX = re.compile(r"^(?P<layer>.+)[.:](?P<part>weight|bias|acc)$")
_SYNTAX = "LAYER=fixed<W,I[,Q,O]> (LAYER: an op's output tensor or index; ':weight', " \
          "':bias' or ':acc' after it for those parts; '*' for every tensor)"


@dataclass(frozen=True)
class PrecisionOverrides:
    """Parsed overrides: ``default`` for every tensor, then per part, keyed by op output tensor."""

    default: FixedFormat | None = None
    by_part: dict[str, dict[str, FixedFormat]] = field(
        default_factory=lambda: {part: {} for part in PARTS})

    def get(self, part: str, output: str) -> FixedFormat | None:
        return self.by_part[part].get(output)

    def __bool__(self) -> bool:
        return self.default is not None or any(self.by_part.values())


def with_default_modes(fmt: FixedFormat, text: str, rounding: str, overflow: str) -> FixedFormat:
    """``fmt`` with the given modes where ``text`` (its spelling) named none."""
    args = text[text.index("<") + 1:text.rindex(">")].split(",")
    if len(args) >= 4:
        return fmt
    return replace(fmt, rounding=fmt.rounding if len(args) == 3 else rounding, overflow=overflow)


def _layer_output(graph: Graph, layer: str) -> str | None:
    """The output tensor of the op ``layer`` names (output tensor or index), else None."""
    if any(layer in op.outputs for op in graph.ops):
        return layer
    if re.fullmatch(r"\d+", layer) and int(layer) < len(graph.ops):
        return graph.ops[int(layer)].outputs[0]
    return None


def _resolve(graph: Graph, key: str) -> tuple[str, str]:
    """(part, op output tensor) of an override key."""
    output = key if key in graph.inputs else _layer_output(graph, key)
    if output is not None:
        return "output", output
    match = _PART_SUFFIX.match(key)
    if match and (output := _layer_output(graph, match["layer"])) is not None:
        return match["part"], output
    layers = [op.outputs[0] for op in graph.ops]
    shown = ", ".join(layers[:8]) + (", ..." if len(layers) > 8 else "")
    raise EdgesmithError(f"--precision {key!r}: no op has this output tensor or index "
                         f"(0..{len(graph.ops) - 1}); op outputs: {shown}",
                         hint="`edgesmith inspect MODEL` lists every op with its output")


def _parse_type(key: str, text, rounding: str, overflow: str) -> FixedFormat:
    if isinstance(text, FixedFormat):
        return text
    try:
        return with_default_modes(FixedFormat.parse(str(text)), str(text), rounding, overflow)
    except ValueError as exc:
        raise EdgesmithError(f"--precision {key}={text}: {exc}",
                             hint=f"write {_SYNTAX}, e.g. 3=fixed<8,3,RND,SAT>") from None


def split_assignments(items: Iterable[str]) -> dict[str, str]:
    """``["LAYER=TYPE", ...]`` (the CLI's repeated option) as a dict; clear errors otherwise."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise EdgesmithError(f"--precision {item!r}: expected {_SYNTAX}")
        key = key.strip()
        if key in out:
            raise EdgesmithError(f"--precision {key!r} is given twice")
        out[key] = value.strip()
    return out


def parse_precision(graph: Graph, precision: Mapping[str, str | FixedFormat] | None, *,
                    rounding: str = "RND", overflow: str = "SAT") -> PrecisionOverrides:
    """Resolve ``{LAYER[:part]: type}`` against ``graph`` (see the module docstring).

    ``rounding``/``overflow`` fill in types written without modes.
    """
    result = PrecisionOverrides()
    default = None
    for key, text in (precision or {}).items():
        key = str(key).strip()
        fmt = _parse_type(key, text, rounding, overflow)
        if key == "*":
            default = fmt
            continue
        part, output = _resolve(graph, key)
        op = next((op for op in graph.ops if output in op.outputs), None)
        if part in ("weight", "bias", "acc") and op.type not in (
                "fully_connected", "conv2d", "depthwise_conv2d"):
            raise EdgesmithError(f"--precision {key}: op {graph.ops.index(op)} ({op.type}) has "
                                 f"no {part}; only dense and convolution layers do")
        if output in result.by_part[part]:
            raise EdgesmithError(f"--precision names the {part} of {output!r} twice")
        result.by_part[part][output] = fmt
    return replace(result, default=default)

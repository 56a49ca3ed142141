"""`edgesmith quantize-mixed`: QuantMCU mixed precision for patch-based inference (VDPC + VDQS)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import EdgesmithError
from ..io.outputs import check_output_file
from .common import JSON_OPTION, console, emit_json, handle_errors, load_array_file, say
from .model_cmds import MODEL_ARG, WEIGHTS_OPTION, load_cli_model


def quantize_mixed_model(
        model: Path = MODEL_ARG,
        calib: Path = typer.Option(..., "--calib",
                                   help="Calibration inputs .npy (float, batch on axis 0)."),
        patch: str = typer.Option("auto", "--patch",
                                  help="Patch plan: auto (least peak SRAM) or SPLIT:N."),
        output: Path = typer.Option(..., "--output", "-o",
                                    help="Output .esm (int8 graph + mixed-patch data)."),
        accuracy_weight: float = typer.Option(0.3, "--accuracy-weight", min=0.0, max=1.0,
                                              help="lambda of the VDQS score: weight of the "
                                                   "entropy loss against BitOPs saved."),
        target_reduction: float | None = typer.Option(
            None, "--target-reduction", min=1.0,
            help="Pick lambda to reach this patch-stage BitOPs reduction (overrides "
                 "--accuracy-weight)."),
        outlier_percentile: float = typer.Option(99.9, "--outlier-percentile", min=0.0,
                                                 max=100.0,
                                                 help="VDPC threshold: percentile of "
                                                      "|q - zero point| of the input."),
        widths: str = typer.Option("8,4,2", "--widths", help="Candidate bit widths."),
        range_rule: str = typer.Option("mse", "--range-rule",
                                       help="Low-bit ranges: mse (clipped) or minmax."),
        equalize: bool = typer.Option(False, "--equalize/--no-equalize",
                                      help="Rescale the stage's feature-map channels to a "
                                           "common range before int8 PTQ (same float "
                                           "function; one low-bit format then fits every "
                                           "channel)."),
        weights: Path | None = WEIGHTS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Int8 PTQ, a patch plan, and value-driven mixed precision for its patch stage."""
    _quantize_mixed(model, calib, patch, output, accuracy_weight, target_reduction,
                    outlier_percentile, widths, range_rule, equalize, weights, as_json=as_json)


def _widths(text: str) -> tuple[int, ...]:
    try:
        values = tuple(sorted({int(w) for w in text.split(",")}, reverse=True))
    except ValueError:
        values = ()
    if not values or 8 not in values or any(w not in (8, 4, 2) for w in values):
        raise EdgesmithError(f"--widths {text!r}: give bit widths from 8, 4, 2, including 8")
    return values


@handle_errors()
def _quantize_mixed(model: Path, calib: Path, patch: str, output: Path, accuracy_weight: float,
                    target_reduction: float | None, outlier_percentile: float, widths: str,
                    range_rule: str, equalize: bool, weights: Path | None, *,
                    as_json: bool) -> None:
    from ..memory.patch_search import plan_patches_from_spec
    from ..quant.calibrate import calibrate
    from ..quant.int8 import quantize_int8
    from ..quant.mixed_patch import save_mixed_esm
    from ..quant.vdqs import MixedSearchConfig, quantize_mixed_patch
    from ..quant.vdqs_ranges import RANGE_RULES

    if output.suffix != ".esm":
        raise EdgesmithError(f"output {output} must end in .esm (edgesmith model file)")
    check_output_file(output)
    if range_rule not in RANGE_RULES:
        raise EdgesmithError(f"--range-rule {range_rule!r}: choose {' or '.join(RANGE_RULES)}")
    config = MixedSearchConfig(_widths(widths), accuracy_weight, outlier_percentile, range_rule,
                               target_reduction, equalize)
    graph = load_cli_model(model, weights)
    if graph.is_quantized():
        raise EdgesmithError(f"{model} is already quantized; mixed precision needs the float "
                             "model (its ranges per patch)", hint="pass the float model")
    data = load_array_file(calib, "calibration")
    if isinstance(data, dict) or len(graph.inputs) != 1:
        raise EdgesmithError("patch-based mixed precision takes single-input models and a "
                             ".npy calibration array")
    int8_graph = quantize_int8(graph, calibrate(graph, data))
    plan = plan_patches_from_spec(int8_graph, patch)  # shapes only: valid after equalizing
    result = quantize_mixed_patch(graph, data, plan, config,
                                  int8_graph=None if equalize else int8_graph)
    save_mixed_esm(result.model, output)
    _report(model, output, result, as_json)


def _report(model: Path, output: Path, result, as_json: bool) -> None:
    m, b = result.model, result.bitops
    info = {
        "model": str(model), "output": str(output),
        "plan": {"split": m.plan.split, "split_tensor": m.plan.split_tensor, "grid": m.plan.grid,
                 "patches": len(m.plan.patches)},
        "threshold": m.threshold, "input_zero_point": m.input_zero_point,
        "accuracy_weight": result.accuracy_weight, "target_met": result.target_met,
        "search_seconds": round(result.search_seconds, 3),
        "feature_maps": [{"names": list(c.names), "width": c.width,
                          "entropy_bits": {str(k): round(v, 4) for k, v in c.entropy.items()},
                          "bitops_saved_share": {str(k): round(v, 4) for k, v in c.saved.items()},
                          "score": {str(k): round(v, 4) for k, v in c.score.items()}}
                         for c in result.choices],
        "widths": m.widths(), "bitops_patch_stage": b.to_json(),
        "equalized_maps": m.search.get("equalized_maps", []),
        "calibration_patches_8bit_share": round(b.share_8bit, 6),
    }
    if as_json:
        emit_json(info)
        return
    console.print(f"patch stage: ops 0..{m.plan.split} on {m.plan.grid}x{m.plan.grid} patches")
    console.print(f"VDPC: a patch keeps 8 bits when its input window has |q - ({m.input_zero_point})|"
                  f" > {m.threshold}; calibration patches routed to 8 bits: "
                  f"{100 * b.share_8bit:.1f}%", highlight=False)
    table = Table(title=f"VDQS widths of the low-bit branch (lambda {result.accuracy_weight:g})")
    for col in ("feature map", "width", "entropy 8/4/2 bits", "BitOPs saved at 4/2"):
        table.add_column(col)
    for c in result.choices:
        h = " / ".join(f"{c.entropy[k]:.2f}" for k in sorted(c.entropy, reverse=True))
        saved = " / ".join(f"{100 * c.saved[k]:.1f}%" for k in sorted(c.saved, reverse=True)
                           if k < 8)
        table.add_row(", ".join(c.names), str(c.width), h, saved)
    console.print(table)
    pinned = [n for n, w in m.widths().items() if all(n not in c.names for c in result.choices)]
    if pinned:
        console.print(f"kept int8 (share a format with the split output): {', '.join(pinned)}")
    if m.search.get("equalized_maps"):
        console.print(f"channels equalized before int8 PTQ: "
                      f"{', '.join(m.search['equalized_maps'])}")
    console.print(f"VDQS search time {result.search_seconds:.2f} s")
    console.print(f"patch-stage BitOPs per inference: uniform int8 {b.uniform:,}, mixed "
                  f"{b.mixed:,.0f} ({b.reduction:.2f}x fewer; every patch low-bit: "
                  f"{b.low_bit:,})")
    if not result.target_met:
        say("the BitOPs target was not reached; lambda 0 used", "yellow")
    console.print(f"wrote {output}")

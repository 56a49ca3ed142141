"""`edgesmith check`: the simulator against an independent oracle, sample by sample."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import EdgesmithError
from .common import (JSON_OPTION, SEED_OPTION, console, emit_json, handle_errors,
                     load_array_file, say, status)
from .model_cmds import MODEL_ARG

ORACLES = ("litert", "tflm", "onnxruntime")
_ORACLE_NAMES = {"litert": "LiteRT reference kernels", "tflm": "TFLite Micro",
                 "onnxruntime": "onnxruntime"}
#: the model file each oracle runs
_SUFFIX = {"litert": ".tflite", "tflm": ".tflite", "onnxruntime": ".onnx"}


def check_model(model: Path = MODEL_ARG,
                against: str = typer.Option("litert", "--against",
                                            help="Oracle: litert (LiteRT reference kernels), "
                                                 "tflm (TFLite Micro; integer models) or "
                                                 "onnxruntime (.onnx models)."),
                samples: int = typer.Option(
                    200, "--samples", min=0,
                    help="Random inputs to draw, besides --inputs."),
                inputs: Path | None = typer.Option(None, "--inputs",
                                                   help="Extra inputs .npy (batch on axis 0)."),
                seed: int = SEED_OPTION,
                tolerance: float | None = typer.Option(
                    None, "--tolerance", min=0.0,
                    help="Float models only: allowed error relative to max(1, max |output|)."),
                as_json: bool = JSON_OPTION) -> None:
    """Exit 0 only if the simulator equals the oracle on every sample.

    Integer models are compared bit for bit; float models within a stated tolerance; QDQ
    .onnx models within one unit where onnxruntime requantizes in float (docs/ONNX.md).
    """
    _check(model, against, samples, inputs, seed, tolerance, as_json=as_json)


@handle_errors()
def _check(model: Path, against: str, samples: int, inputs: Path | None, seed: int,
           tolerance: float | None, *, as_json: bool) -> None:
    from ..frontends.tflite import load_tflite
    from ..verify.check import check_against_litert, check_float_against_litert

    if against not in ORACLES:
        raise EdgesmithError(f"unknown oracle {against!r}; choose one of {', '.join(ORACLES)}")
    if model.suffix.lower() != _SUFFIX[against]:
        raise EdgesmithError(f"{model}: --against {against} needs a {_SUFFIX[against]} model",
                             hint=f"{_ORACLE_NAMES[against]} runs {_SUFFIX[against]} files only")
    extra = load_array_file(inputs) if inputs is not None else None
    if samples == 0 and extra is None:
        raise EdgesmithError("nothing to check: --samples is 0 and no --inputs given")
    with status(f"running {model.name} on the simulator and {_ORACLE_NAMES[against]}...",
                as_json):
        if against == "onnxruntime":
            report, how, verdict = _check_onnxruntime(model, samples, extra, seed, tolerance)
        elif against == "tflm":
            from ..verify.tflm import check_against_tflm

            report = check_against_tflm(model, samples=samples, inputs=extra, seed=seed)
            how, verdict = "bit for bit", "equal"
        elif load_tflite(model).is_quantized():
            report = check_against_litert(model, samples=samples, inputs=extra, seed=seed)
            how, verdict = "bit for bit", "equal"
        else:
            report = check_float_against_litert(model, samples=samples, inputs=extra, seed=seed,
                                                tolerance=tolerance)
            how = (f"max error {report.max_abs_error:.3g}, tolerance {report.tolerance:g} "
                   "x max(1, max |output|)")
            verdict = "within tolerance"
    payload = report.to_json()
    payload["model"] = str(model)
    payload["oracle"] = {"tflm": "tflite-micro", "onnxruntime": "onnxruntime CPU"}.get(
        against, "litert BUILTIN_REF")
    if as_json:
        emit_json(payload)
    elif report.mismatched_samples == 0:
        say(verdict, "green", f": {report.samples} samples, 0 mismatched, {how} "
                              f"({model.name} vs {_ORACLE_NAMES[against]})")
    else:
        say("MISMATCH", "red", f": {report.mismatched_samples} of {report.samples} "
                               "samples differ")
        if report.first_mismatch:
            console.print(f"first difference: {report.first_mismatch}")
    if not as_json and getattr(report, "oracles_differ", 0):
        first = dict(report.first_oracle_difference)
        where = first.pop("op", None) or "an op the simulator runs one way"
        console.print(f"note: LiteRT's reference kernels and TFLite Micro differ on "
                      f"{report.oracles_differ} of {report.samples} samples, first at {where} "
                      f"({first}); edgesmith follows TFLite Micro there (its fully-connected "
                      "output stage)")
    if not as_json and getattr(report, "litert_error", None):
        console.print(f"note: LiteRT could not run the model, so the two oracles were not "
                      f"compared ({report.litert_error})")
    if report.mismatched_samples:
        raise typer.Exit(1)


def _check_onnxruntime(model: Path, samples: int, extra, seed: int, tolerance: float | None):
    """(report, how it was compared, the word for a pass) of a float or QDQ .onnx model."""
    from ..verify.onnxruntime import check_against_onnxruntime

    report = check_against_onnxruntime(model, samples=samples, inputs=extra, seed=seed,
                                       tolerance=tolerance)
    if hasattr(report, "tolerance"):
        return report, (f"max error {report.max_abs_error:.3g}, tolerance "
                        f"{report.tolerance:g} x max(1, max |output|)"), "within tolerance"
    ops = ", ".join(f"{op}: {units}" for op, units in report.op_units.items()) or "none"
    how = (f"outputs bit for bit on {report.exact_samples}; ops differing from onnxruntime on "
           f"its own inputs (largest units): {ops}; {report.allowed_units} allowed where "
           "onnxruntime requantizes in float")
    return report, how, "equal" if not report.op_units else "every op within one unit"

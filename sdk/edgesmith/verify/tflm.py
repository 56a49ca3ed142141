"""TFLite Micro as a second oracle: the ``tflite-micro`` Python interpreter runs a ``.tflite``
model with the kernels a microcontroller runs, and the simulator is compared with it bit for
bit on the same inputs as the LiteRT check.

The two oracles are not always equal: TFLite Micro's FULLY_CONNECTED rounds its output
stage with a Q31 multiplier where LiteRT's reference kernel uses a double-precision scale
(measured: every sample of MLPerf Tiny's ad01_int8 differs by one somewhere). The simulator
computes either (``graph.meta["fc_output_stage"]``), so against TFLite Micro it runs
TFLite Micro's stage, and the report counts the samples on which LiteRT and TFLite Micro
differ from each other.

SVDF: LiteRT's integer kernel (``lite/kernels/svdf.cc``) runs only with a fused RELU, reads
the state and the time weights as int16 whatever their type and has no state zero point, so
a model with int8 state is not given to it (it would read past the tensors; the report
says why). TFLite Micro (``EvalIntegerSvdfReference``) takes int8 state with a zero point
and ignores the fused activation (the int8 clamp only); the simulator computes what it
does. On int16 state the two runtimes agree (0 of 200 samples differ on the shared
keyword model's SVDF chain).

16x8 (int16 activations): the simulator computes TFLite Micro's output stage of the 64-bit
accumulator (the Q31 multiplier reduced to 15 bits, one rounding shift). LiteRT's
interpreter differs from TFLite Micro by one code on some samples of converter-built 16x8
dense, convolution and add/mul models (5 to 10 of 216); the check reports it in
``oracles_differ``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import EdgesmithError, UnsupportedError
from ..report.check_report import CheckReport, samples_differ
from .check import _sample_batch
from ..ir import Graph
from .litert import litert_cannot_run, run_litert
from .oracle_gaps import first_stage_difference, tflm_cannot_run
from .target import first_difference, verify_target


@dataclass
class OracleCheckReport(CheckReport):
    """A check against TFLite Micro, with how far LiteRT agrees with TFLite Micro."""

    oracle: str = "tflm"
    #: samples on which LiteRT's reference kernels and TFLite Micro differ
    oracles_differ: int = 0
    #: None, or the first output element where they differ: output, sample, index, litert,
    #: tflm, and op (the first op whose output the two fully-connected stages change)
    first_oracle_difference: dict | None = None
    #: why LiteRT could not run the model (then the oracles are not compared), or None
    litert_error: str | None = None


def run_tflm(path: str | Path, inputs: np.ndarray | Sequence[np.ndarray],
             steps: int | None = 1) -> list[np.ndarray]:
    """``path`` on a batch in TFLite Micro, one sample at a time through one interpreter:
    the outputs in model order, batched on axis 0. The interpreter (and a stateful model's
    variable tensors) is reset before every ``steps``-th sample; None: only before the first,
    so the batch is one sequence."""
    try:
        from tflite_micro.python.tflite_micro import runtime
    except ImportError as exc:
        raise EdgesmithError("TFLite Micro is not installed",
                             hint="pip install tflite-micro") from exc
    try:
        interpreter = runtime.Interpreter.from_bytes(Path(path).read_bytes())
    except Exception as exc:  # its flatbuffer parsing raises anything on a damaged file
        raise EdgesmithError(f"{path}: TFLite Micro cannot load the model: {exc}") from None
    from ..frontends.tflite_reader import read_tflite

    batch = [inputs] if isinstance(inputs, np.ndarray) else list(inputs)
    outputs: list[list[np.ndarray]] = [[] for _ in read_tflite(path).outputs]
    for s in range(batch[0].shape[0]):
        if s % (steps or batch[0].shape[0]) == 0:
            interpreter.reset()  # a new sequence starts from fresh state
        for k, x in enumerate(batch):
            detail = interpreter.get_input_details(k)
            interpreter.set_input(np.ascontiguousarray(
                x[s:s + 1], dtype=detail["dtype"]).reshape(detail["shape"]), k)
        try:
            interpreter.invoke()
        except RuntimeError as exc:  # a kernel it has refuses these types (int64 ARG_MAX)
            raise EdgesmithError(f"{path}: TFLite Micro cannot run the model: {exc} (its "
                                 "kernel log above names the op)") from None
        for k, store in enumerate(outputs):
            # a scalar output (a reduction over every axis) is the IR's [batch of 1]
            store.append(np.atleast_1d(interpreter.get_output(k)).copy())
    return [np.concatenate(o) for o in outputs]


class TflmTarget:
    """TFLite Micro's interpreter on the ``.tflite`` file: an oracle; it keeps no
    intermediate tensors, so its trace holds the model outputs only. A stateful model runs
    sequences of ``sequence_steps`` samples through one interpreter, reset in between."""

    oracle = True

    def __init__(self, path: str | Path, graph: Graph, sequence_steps: int | None = None):
        self.path, self.graph, self.outputs = path, graph, None
        self.sequence_steps = sequence_steps if graph.is_stateful else 1

    def run(self, batch):
        self.outputs = run_tflm(self.path, [batch[n] for n in self.graph.inputs],
                                self.sequence_steps)
        return dict(zip(self.graph.outputs, self.outputs)), None

    def trace(self, sample):
        outputs = run_tflm(self.path, [sample[n] for n in self.graph.inputs])
        for name, values in zip(self.graph.outputs, outputs):
            op_index = next(i for i, op in enumerate(self.graph.ops) if name in op.outputs)
            yield op_index, values.reshape(-1)


#: steps of each sequence a stateful model runs in a check (200 samples: 20 sequences)
CHECK_SEQUENCE_STEPS = 10


def check_against_tflm(path: str | Path, samples: int = 200,
                       inputs: np.ndarray | Mapping[str, np.ndarray] | None = None,
                       seed: int = 0) -> OracleCheckReport:
    """The simulator against TFLite Micro on ``inputs`` (if any) and ``samples`` random
    inputs, as :func:`~.check.check_against_litert` draws them; LiteRT runs the same batch so
    that the report can say where the two oracles differ. A stateful model's samples run as
    sequences of :data:`CHECK_SEQUENCE_STEPS` steps, each through one fresh instance (the
    user's inputs, if any, are one sequence of their own)."""
    from ..frontends.tflite import load_tflite

    graph = load_tflite(path)
    if not graph.is_quantized():
        raise UnsupportedError(f"{path}: a bit-exact check needs an integer model; this one has "
                               "float activations")
    if (reason := tflm_cannot_run(graph)) is not None:
        raise UnsupportedError(f"{path}: {reason}", hint="check it against LiteRT instead: "
                               "edgesmith check MODEL --against litert")
    graph.meta["fc_output_stage"] = "q31"  # TFLite Micro's arithmetic
    batch = _sample_batch(graph, samples, inputs, seed)
    steps = _check_steps(graph, batch, samples, inputs is not None)
    target = TflmTarget(path, graph, steps)
    base = verify_target(graph, target, batch, label=str(path))
    feed = [batch[n] for n in graph.inputs]
    try:
        if (reason := litert_cannot_run(graph)) is not None:
            raise EdgesmithError(reason)
        litert, litert_error = run_litert(path, feed, steps=target.sequence_steps).outputs, None
    except EdgesmithError as exc:  # e.g. an op version its reference resolver lacks
        litert, litert_error = None, str(exc)
    except RuntimeError as exc:  # its kernel refuses at invoke (int8 SVDF without RELU)
        litert, litert_error = None, f"LiteRT cannot run {path}: {exc}".strip()
    report = OracleCheckReport(base.model, base.samples, base.mismatched_samples,
                               base.first_mismatch, litert_error=litert_error)
    if litert is not None:
        _compare_oracles(graph, report, dict(zip(graph.outputs, litert)), target.outputs)
    if report.first_oracle_difference is not None:
        at = report.first_oracle_difference["sample"]
        report.first_oracle_difference["op"] = first_stage_difference(
            graph, {n: batch[n][at:at + 1] for n in graph.inputs})
    return report


def _check_steps(graph: Graph, batch, samples: int, user_inputs: bool) -> int | None:
    """Sequence length of a check: CHECK_SEQUENCE_STEPS when the samples split into such
    sequences, else one sequence (the user's own inputs are one)."""
    total = next(iter(batch.values())).shape[0]
    if not graph.is_stateful:
        return 1
    if user_inputs or total % CHECK_SEQUENCE_STEPS:
        return None
    return CHECK_SEQUENCE_STEPS


def _compare_oracles(graph: Graph, report: OracleCheckReport, litert: Mapping[str, np.ndarray],
                     tflm: list[np.ndarray]) -> None:
    """How many samples LiteRT and TFLite Micro disagree on, and where they first do."""
    oracles = np.zeros(report.samples, dtype=bool)
    for name, theirs in zip(graph.outputs, tflm):
        oracles |= samples_differ(litert[name], theirs)
    report.oracles_differ = int(oracles.sum())
    if not report.oracles_differ:
        return
    sample = int(np.flatnonzero(oracles)[0])
    expected = {name: np.asarray(theirs)[sample:sample + 1]
                for name, theirs in zip(graph.outputs, tflm)}
    traced = ((next(i for i, op in enumerate(graph.ops) if name in op.outputs),
               np.asarray(litert[name])[sample].reshape(-1)) for name in graph.outputs)
    at = first_difference(graph, traced, expected, sample)
    report.first_oracle_difference = {"output": at["tensor"], "sample": sample,
                                      "index": at["index"], "litert": at["ours"],
                                      "tflm": at["theirs"]}

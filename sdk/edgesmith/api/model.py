"""The Python face of edgesmith: one model object that does what the CLI does, through the
same functions (:mod:`.loading`, :mod:`.targets`, :mod:`.evaluate`).

    m = edgesmith.load("model.keras")
    q = m.quantize(calib)                   # scheme="int8" | "fixed" | "pow2"
    q.predict(X)                            # the simulator, real values in and out
    q.compile("host").predict(X)            # the generated C, through cffi
    q.evaluate(X, y)                        # against m, per output and per layer
    q.build("mps2-an386", "fw/"); q.verify("qemu:mps2-an386"); q.save("m.esm")
    q.latency("mps2-an386").instructions    # as `edgesmith bench latency`
    q.report("report.html", board="mps2-an386", patch="auto")   # as `edgesmith report`
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..io.arrays import prepare_inputs
from ..ir import Graph, graph_summary
from .evaluate import dequantized, evaluate_graph, simulated_outputs
from .loading import Quantization, load_graph, quantize_checked
from .targets import Scratch, code_options, open_target


def load(source: Any, weights: str | os.PathLike | None = None, *,
         trust_pickle: bool = False) -> "Model":
    """A model from a file (.tflite, .keras, .h5, .json + ``weights``, .esm, .skops; a
    pickle only with ``trust_pickle``), a ``keras.Model`` or a fitted scikit-learn estimator
    (or Pipeline of scalers and one), read as the CLI reads it."""
    return Model(load_graph(source, weights, trust_pickle=trust_pickle))


def _single(graph: Graph, outputs: dict[str, np.ndarray]):
    return outputs[graph.outputs[0]] if len(graph.outputs) == 1 else outputs


def _stored(graph: Graph, name: str, values: np.ndarray) -> np.ndarray:
    """``values`` in the tensor's storage dtype, as the simulator gives them (a testbench
    writes wider integers); a value that does not fit is an error, never wrapped."""
    from ..errors import EdgesmithError

    values = np.asarray(values)
    stored = values.astype(graph.tensors[name].dtype)
    if not np.array_equal(stored, values):
        raise EdgesmithError(f"output {name!r}: the compiled code wrote values outside "
                             f"{graph.tensors[name].dtype}")
    return stored


class Model:
    """A float or quantized model. ``graph`` is its IR."""

    def __init__(self, graph: Graph, reference: "Model | None" = None,
                 quantization: Quantization | None = None):
        self.graph = graph
        #: the float model this one was quantized from (the default of ``evaluate``)
        self.reference = reference
        #: what quantizing found (saturation, accumulators), for a model made by ``quantize``
        self.quantization = quantization

    def __repr__(self) -> str:
        return f"<edgesmith.Model {graph_summary(self.graph)}>"

    @property
    def quantized(self) -> bool:
        return self.graph.is_quantized()

    # -- running ------------------------------------------------------------------------
    def predict(self, x, raw: bool = False):
        """Outputs of the simulator for ``x`` (batch on axis 0, or one sample; float values
        are quantized with the input's format, integers are taken as stored). Real values,
        or with ``raw`` the integers the model computes. One output: an array; else a dict."""
        outputs = simulated_outputs(self.graph, prepare_inputs(self.graph, x))
        return _single(self.graph, outputs if raw else dequantized(self.graph, outputs))

    def compile(self, target: str = "host", **options) -> "Compiled":
        """The model's generated code built for ``target``: "host", "qemu:BOARD" or an
        emulated board's name, a board with ``port=``, or "hls-csim". ``options`` are the
        CLI's: name, strategy, inplace, patch, budget_kb, max_extra_macs, kernel_set,
        optimize ("speed" or "size"); port, flash, timeout; for hls-csim io, reuse_factor,
        board."""
        return Compiled(self, target, **options)

    def evaluate(self, x, y=None, reference: "Model | None" = None, target: str | None = None,
                 **options) -> dict:
        """Accuracy (with labels ``y``), and against the float ``reference`` (default: the
        model this one was quantized from) RMSE, MAE, L2 relative error, cosine similarity
        and argmax agreement per output and per layer. ``target`` runs the outputs on
        compiled code instead of the simulator."""
        ref = reference if reference is not None else self.reference
        float_graph = ref.graph if ref is not None else None
        if target is None:
            return evaluate_graph(self.graph, x, y, float_graph)
        with self.compile(target, **options) as compiled:
            return evaluate_graph(self.graph, x, y, float_graph, compiled.target, target)

    # -- making -------------------------------------------------------------------------
    def quantize(self, calib, scheme: str = "int8", *, weight_bits: int | None = None,
                 act_bits: int | None = None, precision: str | list[str] = (),
                 headroom: int = 0) -> "Model":
        """Post-training quantization on calibration data, as `edgesmith quantize`."""
        result = quantize_checked(self.graph, calib, scheme=scheme, weight_bits=weight_bits,
                                  act_bits=act_bits, precision=precision, headroom=headroom)
        return Model(result.graph, reference=self, quantization=result)

    def build(self, board: str, out: str | os.PathLike, *, trace: bool = False, **options):
        """Firmware for ``board`` in folder ``out`` (ELF, BIN, HEX), as `edgesmith build`."""
        from .firmware import build_for_board

        return build_for_board(self.graph, board, Path(out), trace=trace,
                               options=code_options(self.graph, **options))

    def verify(self, target: str = "host", x=None, *, samples: int = 100, seed: int = 0,
               workers: int = 1, address: str | None = None, **options):
        """The compiled code at ``target`` against the simulator, bit for bit, on ``x`` (if
        given) and ``samples`` seeded random inputs; the report's ``ok`` says if all equal.
        Many samples (or ``workers`` > 1, or the Ray cluster at ``address``) run in shards,
        as `edgesmith verify --workers/--address` does (host and emulated boards)."""
        from ..verify.shards import SHARD_SAMPLES

        if workers != 1 or address is not None or samples > SHARD_SAMPLES:
            from ..io.arrays import prepare_inputs
            from ..quant.mixed_patch import mixed_model_of
            from ..verify.sharded_run import verify_in_shards

            where = target if target in ("host", "hls-csim") or target.startswith("qemu:") \
                or "port" in options else f"qemu:{target}"  # an emulated board's name
            return verify_in_shards(self.graph, where, samples, seed,
                                    user=None if x is None else prepare_inputs(self.graph, x),
                                    options=code_options(self.graph, **options),
                                    mixed=mixed_model_of(self.graph), workers=workers,
                                    address=address)
        with self.compile(target, **options) as compiled:
            return compiled.verify(x, samples=samples, seed=seed)

    def latency(self, board: str = "mps2-an386", *, samples: int = 1, per_layer: bool = False,
                cpi: float = 1.0):
        """Executed instructions per inference (and per layer) on an emulated board, exact,
        as `edgesmith bench latency`; a LatencyReport."""
        from ..boards import get_board
        from ..boards.latency import measure_latency

        return measure_latency(self.graph, get_board(board), samples=samples,
                               per_layer=per_layer, cpi=cpi)

    def report(self, path: str | os.PathLike, *, board: str | None = None,
               target: str | None = None, patch: str | None = None, calib=None,
               **options) -> Path:
        """One self-contained HTML page about the model, as `edgesmith report`: ``board`` an
        emulated board to count instructions per layer, ``target`` an FPGA board or part,
        ``patch`` "auto" or "SPLIT:N"; ``options`` are the CLI's others (budget_kb,
        max_extra_macs, reuse, io, precision, samples, seed)."""
        from ..html_report.page import ReportOptions, build_report, check_report_path, write_report

        check_report_path(path)
        report = build_report(self.graph, ReportOptions(board=board, target=target, patch=patch,
                                                        calib=calib, **options))
        return write_report(report, path)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the model as an .esm file (self-contained)."""
        from ..errors import EdgesmithError
        from ..io import save_esm

        if Path(path).suffix != ".esm":
            raise EdgesmithError(f"{path} must end in .esm (edgesmith model file)")
        return save_esm(self.graph, path)


class Compiled:
    """A model's code built for one target; close it (or use ``with``) to drop the build."""

    def __init__(self, model: Model, target: str, **options):
        run = {k: options.pop(k) for k in ("port", "flash", "timeout") if k in options}
        hls = {k: options.pop(k) for k in ("io", "reuse_factor", "board") if k in options}
        self.model, self.where = model, target
        self._scratch = Scratch("edgesmith-compiled-")
        try:
            code = code_options(model.graph, **options)
            self.target = open_target(model.graph, target, self._scratch.path, code, hls=hls,
                                      **run)
        except BaseException:
            self._scratch.close()
            raise

    def __repr__(self) -> str:
        return f"<edgesmith.Compiled {self.model.graph.name} on {self.where}>"

    def __enter__(self) -> "Compiled":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._scratch.close()

    def predict(self, x, raw: bool = False):
        """As :meth:`Model.predict`, computed by the compiled code."""
        graph = self.model.graph
        outputs, _ = self.target.run(prepare_inputs(graph, x))
        outputs = {n: _stored(graph, n, outputs[n]) for n in graph.outputs}
        return _single(graph, outputs if raw else dequantized(graph, outputs))

    def verify(self, x=None, *, samples: int = 100, seed: int = 0):
        """This code against the simulator on ``x`` and ``samples`` random inputs."""
        from ..quant.mixed_patch import mixed_model_of
        from ..verify.target import verify_target
        from .targets import verification_batch

        graph = self.model.graph
        batch = verification_batch(graph, x, samples, seed, fixed=self.where == "hls-csim")
        return verify_target(graph, self.target, batch, label=f"{graph.name} on {self.where}",
                             mixed=mixed_model_of(graph))

"""The two steps every user path shares, the CLI and the Python API alike: reading a model
(float graphs canonicalised by the pass pipeline) and quantizing it with its checks, so the
two cannot build different models from the same file."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import EdgesmithError
from ..ir import Graph


def load_graph(source: Any, weights: str | os.PathLike | None = None, *,
               trust_pickle: bool = False) -> Graph:
    """The graph of a model file, ``keras.Model`` or scikit-learn estimator; a float graph
    goes through the pass pipeline (activation fusion, folding) exactly once. A pickled
    estimator is read only with ``trust_pickle``."""
    from ..frontends import load_model
    from ..passes import run_pipeline
    from ..trees.graph import is_tree_graph

    graph = load_model(source, weights=weights, trust_pickle=trust_pickle)
    if not graph.is_quantized() and not is_tree_graph(graph):  # a tree ensemble is one op
        graph = run_pipeline(graph)
    return graph


@dataclass
class Quantization:
    """A quantized graph and what was found while making it."""

    graph: Graph
    #: values out of range on the calibration set, per tensor (quant.saturation)
    overflows: list
    #: accumulator widths and their problems (arith.intervals)
    accumulators: list
    calibration_samples: int


def quantize_checked(graph: Graph, calib, *, scheme: str = "int8",
                     weight_bits: int | None = None, act_bits: int | None = None,
                     precision: str | list[str] | tuple[str, ...] = (),
                     headroom: int = 0,
                     advance: Callable[[int], None] | None = None) -> Quantization:
    """Post-training quantization of float ``graph`` with calibration data (an array, batch on
    axis 0, or one unbatched sample; a dict by input name for several inputs). ``advance(n)``
    hears of every n samples run: twice the samples in all (calibration, then saturation)."""
    from ..arith.intervals import accumulator_report
    from ..io.arrays import prepare_inputs
    from ..quant import quantize_graph
    from ..quant.overrides import split_assignments
    from ..quant.saturation import count_overflows

    if graph.is_quantized():
        raise EdgesmithError(f"{graph.meta.get('path', graph.name)} is already quantized",
                             hint="quantize the float model instead")
    data = calib if isinstance(calib, dict) else np.asarray(calib)
    # one sample without its batch axis counts as one sample, not as its first dimension
    batch = prepare_inputs(graph, data)
    samples = int(next(iter(batch.values())).shape[0])
    precision = [precision] if isinstance(precision, str) else list(precision)
    with warnings.catch_warnings():  # the accumulator report says it once, in place
        warnings.simplefilter("ignore")
        qgraph = quantize_graph(graph, batch, scheme=scheme, weight_bits=weight_bits,
                                act_bits=act_bits, precision=split_assignments(precision),
                                headroom=headroom, advance=advance)
    overflows = count_overflows(qgraph, batch, graph, advance=advance)
    return Quantization(qgraph, overflows, accumulator_report(qgraph), samples)

"""The three checks every converter-built op test makes (the simulator against LiteRT's
reference kernels and against TFLite Micro, the generated C against the simulator), and
the split of an op's cases between the default suite and the slow one."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends import load_model
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host
from edgesmith.verify.tflm import check_against_tflm


def default_and_slow(names, keep: int = 2) -> list:
    """``names`` as fixture params: the first ``keep`` in the default suite, the others
    slow (each case converts a model and compiles its C)."""
    return [name if k < keep else pytest.param(name, marks=pytest.mark.slow)
            for k, name in enumerate(names)]


def assert_equals_litert(path, inputs: np.ndarray, samples: int = 24) -> None:
    report = check_against_litert(path, samples=samples, inputs=inputs)
    assert report.samples == len(inputs) + samples, report
    assert report.mismatched_samples == 0, report.first_mismatch


def assert_equals_tflm(path, inputs: np.ndarray, samples: int = 8, *,
                       oracles_agree: bool = True) -> None:
    report = check_against_tflm(path, samples=samples, inputs=inputs)
    assert report.samples == len(inputs) + samples, report
    assert report.mismatched_samples == 0, report.first_mismatch
    if oracles_agree:
        assert report.oracles_differ == 0, report.first_oracle_difference


def assert_c_equals_simulator(path, inputs: np.ndarray) -> None:
    report = verify_host(load_model(path), inputs)
    assert report.samples == len(inputs) and report.ok, report.first_mismatch

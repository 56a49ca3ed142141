"""The float reference agrees with LiteRT's float kernels within the stated tolerance."""

from pathlib import Path

import pytest

from edgesmith.verify.check import (FLOAT_TOLERANCE, HYBRID_TOLERANCE,
                                    check_float_against_litert)

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "models"
FLOAT_MODELS = ["mlperf_tiny/ad01_fp32", "mlperf_tiny/pretrainedResnet",
                "mlperf_tiny/vww_96_float", "tflm/hello_world_float"]


@pytest.mark.parametrize("model", FLOAT_MODELS)
def test_float_models_within_tolerance(model):
    report = check_float_against_litert(SHARED / f"{model}.tflite", samples=30)
    assert report.tolerance == FLOAT_TOLERANCE and not report.hybrid
    assert report.mismatched_samples == 0, report


def test_hybrid_model_is_run_in_float_within_its_tolerance():
    report = check_float_against_litert(SHARED / "mlperf_tiny/kws_ref_model_float32.tflite",
                                        samples=30)
    assert report.hybrid and report.tolerance == HYBRID_TOLERANCE
    assert report.mismatched_samples == 0, report


def test_tolerance_check_can_fail():
    report = check_float_against_litert(SHARED / "mlperf_tiny/kws_ref_model_float32.tflite",
                                        samples=30, tolerance=1e-6)
    assert report.mismatched_samples > 0

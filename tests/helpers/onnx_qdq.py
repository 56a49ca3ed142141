"""QDQ models made by onnxruntime's own static quantizer, for the QDQ import tests."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np


def quantize_qdq(float_path: Path, out_path: Path, calib: np.ndarray, *,
                 per_channel: bool = True) -> Path:
    """``float_path`` quantized by onnxruntime.quantization.quantize_static (QDQ format, int8
    activations and weights), calibrated on ``calib`` (ONNX layout, batch on axis 0)."""
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.samples = iter({"input": calib[i:i + 1]} for i in range(len(calib)))

        def get_next(self):
            return next(self.samples, None)

    logging.getLogger().setLevel(logging.ERROR)  # its advice to pre-process the model
    quantize_static(str(float_path), str(out_path), Reader(), quant_format=QuantFormat.QDQ,
                    per_channel=per_channel, activation_type=QuantType.QInt8,
                    weight_type=QuantType.QInt8)
    return out_path

"""quantize and dequantize at a model's edges, one op per model: float32, uint8 and int16
to and from int8 (and requantize within uint8 and int16). The simulator against LiteRT's
reference kernels and TFLite Micro, the generated C (reference kernels) against the
simulator, all bit for bit."""

import numpy as np
import pytest
from edgesmith.frontends.tflite import load_tflite
from edgesmith.verify.host import verify_host
from edgesmith.verify.tflm import run_tflm

from tests.ops.oracle import ours_and_theirs
from tests.ops.tflite_writer import T, single_op

RANGES = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767)}
#: values per sample (TFLite Micro's interpreter has a small arena)
WIDTH = 256


def samples_of(values: np.ndarray) -> np.ndarray:
    """``values`` as a batch of WIDTH-value samples, the last one padded with its first."""
    pad = -values.size % WIDTH
    return np.concatenate([values, np.resize(values, pad)]).reshape(-1, WIDTH)


def every_value(dtype: str) -> np.ndarray:
    lo, hi = RANGES[dtype]
    return samples_of(np.arange(lo, hi + 1).astype(dtype))


def float_probe(dtype: str, scale: float, zero_point: int) -> np.ndarray:
    """Reals on every tie of the output's range ((k + 0.5) * scale), just beside each, on
    each exact step, far outside, +/-inf, NaN and -0."""
    lo, hi = RANGES[dtype]
    s = np.float32(scale)
    k = np.arange(lo - zero_point - 3, hi - zero_point + 3, dtype=np.float32)
    ties = (k + np.float32(0.5)) * s
    extremes = np.array([-1e30, 1e30, np.inf, -np.inf, np.nan, 0.0, -0.0, 3e38, -3e38],
                        np.float32)
    x = np.concatenate([ties, np.nextafter(ties, np.float32(np.inf)),
                        np.nextafter(ties, np.float32(-np.inf)), k * s, extremes])
    return samples_of(x.astype(np.float32))


def tensor(dtype: str, size: int, fmt: tuple | None) -> T:
    if fmt is None:
        return T((1, size), dtype)
    return T((1, size), dtype, scale=[fmt[0]], zero_point=[fmt[1]])


def check_everywhere(model: bytes, x: np.ndarray, tmp_path, micro: bool = True) -> None:
    """Simulator == LiteRT == TFLite Micro (``micro``: where its quantize takes the types),
    and generated C == simulator, on one batch."""
    ours, theirs = ours_and_theirs(model, x, tmp_path)
    assert ours[0].dtype == theirs[0].dtype
    np.testing.assert_array_equal(ours[0].reshape(theirs[0].shape), theirs[0])
    path = tmp_path / "op.tflite"
    if micro:
        (theirs_micro,) = run_tflm(path, x)
        np.testing.assert_array_equal(ours[0].reshape(theirs_micro.shape), theirs_micro)
    graph = load_tflite(path)
    report = verify_host(graph, x, options=None)
    assert report.samples == x.shape[0] and report.mismatched_samples == 0, report.first_mismatch


# float32 -> integer: every tie rounds away from zero, in float32, as the reference
# (TFLite Micro's quantize has no uint8 output)
@pytest.mark.parametrize("dtype, fmt", [("uint8", (0.05, 128)), ("uint8", (0.003921569, 0)),
                                        ("int16", (0.0005, 0)), ("int16", (3e-5, -7)),
                                        ("int8", (0.1, -128))])
def test_quantize_from_float(tmp_path, dtype, fmt):
    x = float_probe(dtype, *fmt)
    model = single_op("QUANTIZE", [tensor("float32", x.shape[1], None)],
                      [tensor(dtype, x.shape[1], fmt)])
    check_everywhere(model, x, tmp_path, micro=dtype != "uint8")


# integer -> integer: TFLite's Requantize with the multiplier of in scale / out scale
@pytest.mark.parametrize("src, dst, fmt_in, fmt_out", [
    ("uint8", "int8", (0.05, 128), (0.05, 0)),     # the camera idiom: a shift by 128
    ("uint8", "int8", (0.02, 3), (0.07, -20)),
    ("int8", "uint8", (0.1, -5), (0.1, 123)),
    ("int8", "uint8", (0.03, 127), (0.2, 0)),
    ("uint8", "uint8", (0.05, 0), (0.01, 255)),   # TFLite Micro has no uint8 -> uint8
    ("int16", "int8", (0.0005, 0), (0.02, -3)),
    ("int8", "int16", (0.1, 3), (0.001, 0)),
    ("int16", "int16", (0.0005, 0), (0.0007, 0)),
    ("int16", "int32", (3.0517578e-05, 0), (1.5e-8, 0)),   # the SVDF models' int32 output
    ("int16", "int32", (0.0005, 0), (0.0007, -123456)),
])
def test_requantize_between_integer_types(tmp_path, src, dst, fmt_in, fmt_out):
    x = every_value(src)
    model = single_op("QUANTIZE", [tensor(src, x.shape[1], fmt_in)],
                      [tensor(dst, x.shape[1], fmt_out)])
    check_everywhere(model, x, tmp_path, micro=(src, dst) != ("uint8", "uint8"))


# integer -> float32: the same bits as the reference's double product (LiteRT takes int16
# with zero point 0 only)
@pytest.mark.parametrize("dtype, fmt", [("uint8", (0.05, 128)), ("uint8", (0.003921569, 0)),
                                        ("int16", (3.0517578e-05, 0)), ("int16", (0.0123, 0)),
                                        ("int8", (7.5, -3))])
def test_dequantize_to_float(tmp_path, dtype, fmt):
    x = every_value(dtype)
    model = single_op("DEQUANTIZE", [tensor(dtype, x.shape[1], fmt)],
                      [tensor("float32", x.shape[1], None)])
    check_everywhere(model, x, tmp_path)


def test_uint8_inside_a_model_is_refused_by_name(tmp_path):
    from edgesmith.errors import UnsupportedError

    model = single_op("RELU", [tensor("uint8", 4, (0.1, 0))], [tensor("uint8", 4, (0.1, 0))])
    path = tmp_path / "relu_u8.tflite"
    path.write_bytes(model)
    with pytest.raises(UnsupportedError, match="RELU.*uint8.*only into QUANTIZE or DEQUANTIZE"):
        load_tflite(path)

"""Test data: the inputs that the authors of the shared test models ship with them.

(Tests only: edgesmith itself never picks data by a model's file name; a user
passes such inputs with ``--inputs FILE.npy``.)

``shipped_inputs(model_path)`` returns them batched on axis 0, in the model's
input dtype and shape, or None for a model that ships none. The data files
sit next to the model (see ``../shared/models/README.md``):

* ``kws_ref_model``: ``kws_input0_49x10.int8.bin``, one int8 MFCC input;
* ``person_detect``: ``person_96x96.uint8.bin`` and ``no_person_96x96.uint8.bin``,
  raw grayscale bytes copied unchanged into the int8 input (as the upstream
  TFLite Micro test does: the bytes are reinterpreted, not converted);
* ``micro_speech_quantized``: ``micro_speech_yes_49x40.int8.bin`` and
  ``micro_speech_no_49x40.int8.bin``;
* ``ad01_int8``: ``normal_id_01_00000000_hist_librosa.bin``, a float32 log-mel
  spectrogram of 200 frames x 128 mels, cut into every window of 5
  consecutive frames (frame-major, 640 values, as the MLPerf Tiny anomaly
  detection benchmark does) and quantized with the model input's format.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

_FRAMES_PER_WINDOW = 5
_MELS = 128


def shipped_inputs(model_path: str | Path) -> np.ndarray | None:
    """The shipped inputs of ``model_path`` as one batch, or None."""
    path = Path(model_path)
    loader = _LOADERS.get(path.stem)
    return None if loader is None else loader(path)


def _int8_files(path: Path, names: list[str], sample_shape: tuple[int, ...]) -> np.ndarray:
    samples = []
    for name in names:
        raw = np.fromfile(path.parent / name, dtype=np.uint8)
        samples.append(raw.view(np.int8).reshape(sample_shape))
    return np.stack(samples)


def _kws(path: Path) -> np.ndarray:
    return _int8_files(path, ["kws_input0_49x10.int8.bin"], (49, 10, 1))


def _person_detect(path: Path) -> np.ndarray:
    return _int8_files(path, ["person_96x96.uint8.bin", "no_person_96x96.uint8.bin"], (96, 96, 1))


def _micro_speech(path: Path) -> np.ndarray:
    return _int8_files(path, ["micro_speech_yes_49x40.int8.bin",
                              "micro_speech_no_49x40.int8.bin"], (49 * 40,))


def _anomaly_detection(path: Path) -> np.ndarray:
    from edgesmith import _sim
    from edgesmith.frontends.tflite_reader import read_tflite

    mel = np.fromfile(path.parent / "normal_id_01_00000000_hist_librosa.bin", dtype="<f4")
    mel = mel.reshape(-1, _MELS)
    windows = np.stack([mel[t:t + _FRAMES_PER_WINDOW].reshape(-1)
                        for t in range(mel.shape[0] - _FRAMES_PER_WINDOW + 1)])
    model = read_tflite(path)
    entry = model.tensors[model.inputs[0]]
    scale, zero_point = float(entry.scale[0]), int(entry.zero_point[0])
    # quantized as LiteRT's QUANTIZE op would: float32 division, round half away from zero
    return _sim.quantize_f32_s8(np.ascontiguousarray(windows, dtype=np.float32), scale=scale,
                                zero_point=zero_point, qmin=-128, qmax=127)


_LOADERS = {
    "kws_ref_model": _kws,
    "person_detect": _person_detect,
    "micro_speech_quantized": _micro_speech,
    "ad01_int8": _anomaly_detection,
}

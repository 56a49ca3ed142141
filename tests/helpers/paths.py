"""Where tests find the shared public models: ``../shared/models`` beside the repository."""

from pathlib import Path

SHARED_MODELS = Path(__file__).resolve().parents[2] / ".." / "shared" / "models"
HLS4ML_MODELS = SHARED_MODELS / "hls4ml"

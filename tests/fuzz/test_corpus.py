"""Regression files the fuzzer found: each now runs or gets edgesmith's own error."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgesmith.errors import EdgesmithError
from tests.fuzz.runner import drive

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(p for p in CORPUS.iterdir() if p.is_file())
KINDS = {".esm": "esm", ".npy": "array", ".tflite": "tflite"}


def test_corpus_is_there():
    assert len(FILES) == 1


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_file_runs_or_is_refused(path):
    try:
        drive(KINDS[path.suffix], path, None)
    except EdgesmithError:
        pass

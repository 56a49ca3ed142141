"""Regression files the fuzzer found: each now runs (and, accepted, runs as C equal to the
simulator) or gets edgesmith's own error."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgesmith.errors import EdgesmithError
from edgesmith.frontends import h5_bounded
from tests.fuzz.runner import PARTNER_SUFFIX, SUFFIXES, drive_cli, drive_verify
from tests.helpers.paths import HLS4ML_MODELS

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix != PARTNER_SUFFIX)
KINDS = {suffix: kind for kind, suffix in SUFFIXES.items()}


def test_corpus_is_there():
    assert len(FILES) == 12


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_file_runs_or_is_refused(path, monkeypatch):
    monkeypatch.setattr(h5_bounded, "READ_SECONDS", 5.0)  # one file makes libhdf5 loop
    partner = path.with_name(path.name + PARTNER_SUFFIX)
    paired = HLS4ML_MODELS / partner.read_text().strip() if partner.exists() else None
    try:  # as the verify run drives it: accepted models are quantized and run as C too
        drive_verify(KINDS[path.suffix], path, paired)
    except EdgesmithError:
        pass


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_file_through_the_cli_exits_0_1_or_2(path, tmp_path, monkeypatch):
    """As the CLI run drives it (``inspect``, ``generate c``): never exit 3, nothing left."""
    monkeypatch.setattr(h5_bounded, "READ_SECONDS", 5.0)
    partner = path.with_name(path.name + PARTNER_SUFFIX)
    paired = HLS4ML_MODELS / partner.read_text().strip() if partner.exists() else None
    copy = tmp_path / f"model{path.suffix}"  # the CLI writes beside the model
    copy.write_bytes(path.read_bytes())
    outcome, detail = drive_cli(KINDS[path.suffix], copy, paired)
    assert outcome in ("ran", "refused"), detail

import zipfile

import pytest

from edgesmith.errors import ModelFormatError
from edgesmith.io import load_esm, save_esm
from edgesmith.ir import verify_graph

from tests.helpers.graphs import assert_same_graph

from ..ir.graphs import int8_conv_graph


def test_round_trip_is_exact(tmp_path):
    g = int8_conv_graph()
    path = save_esm(g, tmp_path / "m.esm")
    back = load_esm(path)
    verify_graph(back)
    assert_same_graph(g, back)
    for name, t in g.tensors.items():
        assert back.tensors[name].fmt == t.fmt


def test_truncated_file_is_a_clear_error(tmp_path):
    path = save_esm(int8_conv_graph(), tmp_path / "m.esm")
    blob = path.read_bytes()
    cut = tmp_path / "cut.esm"
    cut.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(ModelFormatError, match="cut.esm"):
        load_esm(cut)


def test_newer_version_is_refused(tmp_path):
    path = tmp_path / "future.esm"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", '{"format": "edgesmith-model", "version": 99}')
    with pytest.raises(ModelFormatError, match="version 99"):
        load_esm(path)


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    import edgesmith.io.esm as esm

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(esm.json, "dumps", boom)
    with pytest.raises(RuntimeError):
        save_esm(int8_conv_graph(), tmp_path / "m.esm")
    assert list(tmp_path.iterdir()) == []

"""The .esm door: checksums, bounded decompression, schema keys named in the message."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from edgesmith.errors import EsmSchemaError, ResourceLimitError
from edgesmith.io import load_esm, save_esm
from edgesmith.io import esm_schema

from ..ir.graphs import int8_conv_graph


def _rewrite(src, dst, edit_member):
    """Copy the .esm ``src`` to ``dst`` with ``edit_member(name, bytes) -> bytes`` applied."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(name, edit_member(name, zin.read(name)))
    return dst


@pytest.fixture
def esm(tmp_path):
    return save_esm(int8_conv_graph(), tmp_path / "m.esm")


def test_a_changed_constant_fails_its_checksum(esm, tmp_path):
    def flip(name, blob):
        if not name.startswith("const/"):
            return blob
        arr = np.load(io.BytesIO(blob))
        arr.reshape(-1)[0] ^= 1
        out = io.BytesIO()
        np.save(out, arr)
        return out.getvalue()

    bad = _rewrite(esm, tmp_path / "flipped.esm", flip)
    with pytest.raises(EsmSchemaError, match=r"flipped.esm: tensors/\d+/data: .* SHA-256"):
        load_esm(bad)


def test_decompression_is_bounded(esm, monkeypatch):
    monkeypatch.setattr(esm_schema, "MAX_DECOMPRESSED_BYTES", 200)
    with pytest.raises(ResourceLimitError, match=r"manifest.json.*more than edgesmith accepts "
                                                 r"\(200\)"):
        load_esm(esm)


@pytest.mark.parametrize("edit, key", [
    (lambda m: m["tensors"][0].update(shape=[1, -3]), "tensors/0"),
    (lambda m: m["tensors"][1].update(fmt={"kind": "affine", "bits": 8, "signed": True,
                                           "axis": None, "scale": ["inf"], "zero_point": [0]}),
     "tensors/1/fmt"),
    (lambda m: m["ops"][0].update(type=["conv2d"]), "ops/0/type"),
    (lambda m: m.update(outputs=[]), "outputs"),
    (lambda m: m["tensors"][0].pop("data"), "tensors/0"),
    (lambda m: m["meta"].update(hybrid="yes"), "meta/hybrid"),
    (lambda m: m["meta"].update(accumulators={"y": "fixed<999"}), "meta/accumulators/y"),
])
def test_schema_errors_name_the_manifest_key(esm, tmp_path, edit, key):
    def change(name, blob):
        if name != "manifest.json":
            return blob
        manifest = json.loads(blob)
        edit(manifest)
        return json.dumps(manifest).encode()

    bad = _rewrite(esm, tmp_path / "bad.esm", change)
    with pytest.raises((EsmSchemaError, ResourceLimitError), match=f"bad.esm: .*{key}"):
        load_esm(bad)


def test_a_mixed_patch_model_that_does_not_fit_is_refused_where_it_is_read(esm, tmp_path):
    from edgesmith.errors import ModelFormatError
    from edgesmith.quant.mixed_patch import mixed_model_of

    def change(name, blob):
        if name != "manifest.json":
            return blob
        manifest = json.loads(blob)
        manifest["meta"]["mixed_patch"] = {"split": 1}
        return json.dumps(manifest).encode()

    graph = load_esm(_rewrite(esm, tmp_path / "bad.esm", change))
    with pytest.raises(ModelFormatError, match="meta/mixed_patch: does not fit the graph"):
        mixed_model_of(graph)

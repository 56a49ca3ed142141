"""Estimators from files: .skops with trusted types only; pickles only when trusted, and the
CLI warns when told to trust one."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal

pytest.importorskip("sklearn")
skops_io = pytest.importorskip("skops.io")
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import edgesmith  # noqa: E402
from edgesmith.errors import UnsupportedError  # noqa: E402

from tests.helpers.cli_run import cli  # noqa: E402

X = np.random.default_rng(2).normal(size=(120, 5)).astype(np.float32)


class Payload:
    """A type skops does not know: a file holding it must be refused."""

    def __init__(self):
        self.value = 1


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sk")
    pipe = make_pipeline(StandardScaler(), MLPClassifier((6,), max_iter=200, random_state=0))
    pipe.fit(X, (X[:, 0] > 0).astype(int))
    skops_io.dump(pipe, folder / "model.skops")
    (folder / "model.pkl").write_bytes(pickle.dumps(pipe))
    skops_io.dump({"estimator": Payload()}, folder / "odd.skops")
    np.save(folder / "calib.npy", X)
    return folder, pipe


def test_skops_reads_as_the_estimator(files):
    folder, pipe = files
    from_file, in_memory = edgesmith.load(folder / "model.skops"), edgesmith.load(pipe)
    for name, t in in_memory.graph.tensors.items():
        if t.is_const:
            assert_array_equal(from_file.graph.tensors[name].data, t.data)


def test_skops_with_an_untrusted_type_is_refused(files):
    folder, _ = files
    with pytest.raises(UnsupportedError, match="Payload"):
        edgesmith.load(folder / "odd.skops")
    proc = cli(folder, "inspect", "odd.skops")
    assert proc.returncode == 2 and "does not trust" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_pickles_only_when_trusted(files):
    folder, pipe = files
    with pytest.raises(UnsupportedError, match="--trust-pickle"):
        edgesmith.load(folder / "model.pkl")
    trusted = edgesmith.load(folder / "model.pkl", trust_pickle=True)
    assert_array_equal(trusted.predict(X), edgesmith.load(pipe).predict(X))
    proc = cli(folder, "inspect", "model.pkl")
    assert proc.returncode == 2 and "skops" in proc.stderr
    proc = cli(folder, "quantize", "model.pkl", "--trust-pickle", "--calib", "calib.npy",
               "-o", "m.esm")
    assert proc.returncode == 0 and "warning: --trust-pickle" in proc.stderr

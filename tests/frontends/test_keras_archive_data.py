"""A Keras 3 .keras archive is read as data, without importing TensorFlow, into the very
graph Keras itself would load; layouts the reader does not know go to Keras."""

import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from edgesmith.frontends.keras import _from_keras_archive, _from_keras_archive_with_keras
from edgesmith.frontends.keras_archive import archive_weights
from edgesmith.frontends.keras_config import parse_model_config

from tests.helpers.keras_check import keras_or_skip, randomize

keras = keras_or_skip()
L = keras.layers


def _models():
    """Every layer class whose variables the reader names, with and without optional ones."""
    x = keras.Input((12, 12, 3))
    y = L.Conv2D(4, 3, padding="same")(x)
    y = L.BatchNormalization()(y)
    y = L.ReLU()(y)
    y = L.DepthwiseConv2D(3, use_bias=False)(y)
    y = L.BatchNormalization(center=False, scale=False)(y)
    y = L.SeparableConv2D(5, 3)(y)
    y = L.ReLU(max_value=6.0)(y)
    y = L.GlobalAveragePooling2D()(y)
    y = L.Dense(6, use_bias=False)(y)
    conv = keras.Model(x, L.Dense(3, activation="softmax")(y), name="conv")
    seq = keras.Sequential([keras.Input((20, 2)), L.Conv1D(4, 3), L.Flatten(), L.Dense(2)],
                           name="seq")
    # two branches of same-shape Dense layers: the stored order must not swap them
    x = keras.Input((8,))
    a, b = L.Dense(8, name="zz_first")(x), L.Dense(8, name="aa_second")(x)
    branches = keras.Model(x, L.Dense(8)(L.Add()([L.Dense(8)(a), b])), name="branches")
    return [randomize(conv, 1), randomize(seq, 2), randomize(branches, 3)]


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archives")
    paths = []
    for model in _models():
        path = folder / f"{model.name}.keras"
        model.save(path)
        paths.append(path)
    return paths


def test_data_reading_gives_the_graph_keras_gives(archives):
    assert len(archives) == 3
    for path in archives:
        with zipfile.ZipFile(path) as archive:  # read as data, not left to Keras
            config = json.loads(archive.read("config.json"))
            assert archive_weights(path, archive, parse_model_config(config)) is not None
        fast, slow = _from_keras_archive(path), _from_keras_archive_with_keras(path)
        assert [op.type for op in fast.ops] == [op.type for op in slow.ops]
        consts = {n: t for n, t in slow.tensors.items() if t.is_const}
        assert consts and sorted(consts) == sorted(n for n, t in fast.tensors.items()
                                                   if t.is_const)
        for name, t in consts.items():
            assert_array_equal(fast.tensors[name].data, t.data)


def test_loading_an_archive_does_not_import_tensorflow(archives):
    code = ("import sys, edgesmith; m = edgesmith.load(sys.argv[1]); "
            "print(len(m.graph.ops), 'tensorflow' in sys.modules, 'keras' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, str(archives[0])], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    ops, tf_loaded, keras_loaded = proc.stdout.split()
    assert int(ops) > 5 and tf_loaded == "False" and keras_loaded == "False"


def test_a_layout_it_does_not_know_is_left_to_keras(archives, tmp_path):
    path = archives[1]
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
        spec = parse_model_config(config)
        assert archive_weights(path, archive, spec) is not None
        # a config that disagrees with the stored variables (Dense without its bias)
        for layer in config["config"]["layers"]:
            if layer["class_name"] == "Dense":
                layer["config"]["use_bias"] = False
        assert archive_weights(path, archive, parse_model_config(config)) is None

"""Keras models nested inside a model are flattened on import (names kept): in memory, from
``.keras``, from a legacy full-model ``.h5``; shared sub-models called twice; models nested
two deep; a nested model with two outputs. Float reference equal to ``model.predict``."""

from __future__ import annotations

import pytest

from tests.helpers.keras_check import import_and_compare, keras_or_skip, op_types, randomize, \
    samples

keras = keras_or_skip()  # before anything imports TensorFlow
layers = keras.layers


def backbone(name="backbone"):
    return keras.Sequential([keras.Input((8, 8, 3)),
                             layers.Conv2D(4, 3, padding="same", activation="relu", name="c1"),
                             layers.BatchNormalization(name="bn1"),
                             layers.MaxPooling2D(name="pool1")], name=name)


def classifier():
    x = keras.Input((8, 8, 3), batch_size=1, name="image")
    y = backbone()(x)
    y = layers.GlobalAveragePooling2D(name="gap")(y)
    y = layers.Dense(5, activation="softmax", name="head")(y)
    return randomize(keras.Model(x, y, name="classifier"))


@pytest.mark.parametrize("source", ["memory", ".keras", ".h5"])
def test_sequential_backbone_in_a_functional_model(source, tmp_path):
    model = classifier()
    path = None
    if source != "memory":
        path = tmp_path / f"m{source}"
        model.save(path)
    graph = import_and_compare(model, samples((8, 8, 3)), source=path)
    assert "conv2d" in op_types(graph) and op_types(graph)[-1] == "softmax"
    assert any(name.startswith("c1") for name in graph.tensors), "inner layer names are kept"


def test_shared_sub_model_called_twice_and_nested_two_deep():
    inner = keras.Sequential([keras.Input((6,)), layers.Dense(6, activation="tanh", name="d")],
                             name="inner")
    xi = keras.Input((6,))
    middle = keras.Model(xi, layers.Dense(4, name="d2")(inner(xi)), name="middle")
    a = keras.Input((6,), batch_size=1, name="a")
    b = keras.Input((6,), batch_size=1, name="b")
    out = layers.Subtract(name="diff")([middle(a), middle(b)])
    model = randomize(keras.Model([a, b], layers.Dense(2, name="out")(out)))
    x = [samples((6,), seed=2), samples((6,), seed=3)]
    graph = import_and_compare(model, x)
    fcs = [op for op in graph.ops if op.type == "fully_connected"]
    assert len(fcs) == 5  # d, d2 for each of the two calls, then out
    # the two calls share their weights
    assert (graph.tensors[fcs[0].inputs[1]].data == graph.tensors[fcs[2].inputs[1]].data).all()


def test_nested_model_with_two_outputs():
    xi = keras.Input((4, 4, 2))
    trunk = layers.Conv2D(3, 1, name="t")(xi)
    split = keras.Model(xi, [layers.ReLU(name="r")(trunk), layers.Conv2D(3, 1, name="u")(trunk)],
                        name="split")
    x = keras.Input((4, 4, 2), batch_size=1)
    left, right = split(x)
    model = randomize(keras.Model(x, layers.Add(name="sum")([left, right])))
    import_and_compare(model, samples((4, 4, 2)))


@pytest.mark.parametrize("merge", ["Subtract", "Multiply", "Maximum", "Minimum", "Average",
                                   "Add"])
def test_merge_layers(merge):
    a = keras.Input((5, 3), batch_size=1)
    b = keras.Input((5, 3), batch_size=1)
    ins = [a, b] if merge == "Subtract" else [a, b, a]
    model = keras.Model([a, b], getattr(layers, merge)()(ins))
    import_and_compare(model, [samples((5, 3), seed=4), samples((5, 3), seed=5)])

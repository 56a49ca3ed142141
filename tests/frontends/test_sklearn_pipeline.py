"""scikit-learn Pipelines: StandardScaler/MinMaxScaler steps fold into the estimator's first
layer (no op added), and the result is the Pipeline's own output."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

pytest.importorskip("sklearn")
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.linear_model import LinearRegression, LogisticRegression  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler, StandardScaler  # noqa: E402

import edgesmith  # noqa: E402
from edgesmith.errors import UnsupportedError  # noqa: E402

RNG = np.random.default_rng(11)
X = RNG.normal(4.0, 7.0, size=(300, 6)) * np.array([1, 10, 0.1, 3, 1, 50])
LABELS = (X[:, 0] > 4).astype(int) + (X[:, 1] > 40)
TARGET = X @ RNG.normal(size=6)

CASES = [
    (MLPClassifier((12,), max_iter=400, random_state=0), LABELS, "predict_proba"),
    (LogisticRegression(max_iter=500), LABELS, "decision_function"),
    (MLPRegressor(hidden_layer_sizes=(8,), max_iter=400, random_state=0), TARGET, "predict"),
    (LinearRegression(), TARGET, "predict"),
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("estimator, y, method", CASES, ids=lambda c: type(c).__name__
                         if not isinstance(c, (np.ndarray, str)) else "")
@pytest.mark.parametrize("scalers", [(StandardScaler,), (MinMaxScaler,),
                                     (MinMaxScaler, StandardScaler)],
                         ids=["standard", "minmax", "both"])
def test_scalers_fold_into_the_first_layer(estimator, y, method, scalers):
    pipe = make_pipeline(*(s() for s in scalers), estimator).fit(X, y)
    model = edgesmith.load(pipe)
    bare = edgesmith.load(pipe[-1])
    assert [op.type for op in model.graph.ops] == [op.type for op in bare.graph.ops]
    want = getattr(pipe, method)(X)
    got = model.predict(X.astype(np.float32))
    assert_allclose(got.reshape(want.shape[0], -1), want.reshape(want.shape[0], -1),
                    rtol=1e-4, atol=1e-4 * max(1.0, float(np.abs(want).max())))


def test_a_quantized_pipeline_runs_bit_exact_as_c():
    pipe = make_pipeline(StandardScaler(), MLPClassifier((10,), max_iter=300,
                                                         random_state=0)).fit(X, LABELS)
    m = edgesmith.load(pipe)
    # the features reach the model unscaled: the scaling lives in the first layer
    assert np.mean(m.predict(X).argmax(1) == pipe.predict(X)) >= 0.99
    q = m.quantize(X.astype(np.float32))
    with q.compile("host") as native:
        assert_array_equal(native.predict(X, raw=True), q.predict(X, raw=True))


def test_steps_that_do_not_fold_are_refused():
    with pytest.raises(UnsupportedError, match="PCA"):
        edgesmith.load(make_pipeline(PCA(3), LogisticRegression()).fit(X, LABELS))
    with pytest.raises(UnsupportedError, match="clip=True"):
        edgesmith.load(make_pipeline(MinMaxScaler(clip=True), LinearRegression()).fit(X, TARGET))

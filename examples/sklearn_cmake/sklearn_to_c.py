"""A scikit-learn pipeline (StandardScaler + MLP) on the iris flowers, quantized to int8 and
written as a C model folder that the tiny firmware project beside this script builds with
CMake; the scaler is folded into the network's first layer.

    python examples/sklearn_cmake/sklearn_to_c.py [--out examples/sklearn_cmake/iris]
    cmake -S examples/sklearn_cmake -B build/iris && cmake --build build/iris
    build/iris/iris_app < features.f32      # float32 rows of 4 features -> one class per line
"""

import argparse
from pathlib import Path

import numpy as np
from sklearn.datasets import load_iris
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import edgesmith
from edgesmith.codegen.options import CodeOptions, generate_code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=Path(__file__).parent / "iris", type=Path,
                        help="the C model folder (CMakeLists.txt here expects ./iris)")
    parser.add_argument("--samples", type=Path, help="also write the test rows here (float32)")
    args = parser.parse_args()

    x, y = load_iris(return_X_y=True)
    x = x.astype(np.float32)
    order = np.random.default_rng(0).permutation(len(x))
    train, test = order[:100], order[100:]
    pipe = make_pipeline(StandardScaler(), MLPClassifier((16,), max_iter=2000, random_state=0))
    pipe.fit(x[train], y[train])

    q = edgesmith.load(pipe).quantize(x[train])
    accuracy = q.evaluate(x[test], y[test])["outputs"][0]["accuracy"]
    print(f"{q}\nint8 accuracy on {len(test)} held-out flowers: {accuracy:.3f} "
          f"(scikit-learn {pipe.score(x[test], y[test]):.3f})")
    generate_code(q.graph, args.out, CodeOptions(name="iris"))
    print(f"C model in {args.out}: see its README.md")
    if args.samples:
        args.samples.write_bytes(x[test].tobytes())
        np.save(args.samples.with_suffix(".npy"), np.argmax(q.predict(x[test]), axis=-1))


if __name__ == "__main__":
    main()

"""Tree ensembles on a Cortex-M4F: edgesmith's generated C beside emlearn's, same models.

For every scikit-learn tree model emlearn converts (DecisionTree, RandomForest,
ExtraTrees; classifier on iris and breast cancer, regressor on diabetes) and
the boosted models only edgesmith takes (GradientBoosting, XGBoost, LightGBM):

* flash: text + data of the model's C object (trees, thresholds, leaves and the
  functions that walk them), ``arm-none-eabi-gcc -Os -mcpu=cortex-m4`` hard float;
* instructions per prediction: mean over the test split, counted exactly by
  the QEMU plugin in the same harness firmware on mps2-an386 (edgesmith's
  invoke computes the scores; emlearn's its predict: votes and label);
* equal to the library: test samples whose result equals scikit-learn's
  ``predict`` (labels) or ``predict`` (regression values) exactly.

emlearn is run with float features (``dtype="float"``) and its inline trees.
Run: python -m bench.trees_emlearn
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from bench.common import markdown_table, publish

ARM_FLAGS = ["-Os", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16",
             "-std=c99", "-ffunction-sections", "-fdata-sections"]
BOARD = "mps2-an386"
DATASETS = ("iris", "breast_cancer", "diabetes")
KINDS = ("DecisionTree", "RandomForest", "ExtraTrees", "GradientBoosting", "XGB", "LGBM")


def fit(kind: str, dataset: str):
    """The model and float32 test split, configured as the tests configure them."""
    from sklearn import ensemble, tree
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
    from sklearn.model_selection import train_test_split

    load = {"iris": load_iris, "breast_cancer": load_breast_cancer,
            "diabetes": load_diabetes}[dataset]
    x, y = load(return_X_y=True)
    x_train, x_test, y_train, _ = train_test_split(x.astype(np.float32), y, test_size=0.3,
                                                   random_state=0)
    classifier = dataset != "diabetes"
    suffix = "Classifier" if classifier else "Regressor"
    if kind == "XGB":
        import xgboost
        model = getattr(xgboost, "XGB" + suffix)(n_estimators=12, max_depth=4, random_state=0)
    elif kind == "LGBM":
        import lightgbm
        model = getattr(lightgbm, "LGBM" + suffix)(n_estimators=12, num_leaves=15, verbose=-1,
                                                   random_state=0)
    else:
        options = {} if kind == "DecisionTree" else {"n_estimators": 8}
        if kind != "GradientBoosting" and not classifier:
            options["max_depth"] = 8
        module = tree if kind == "DecisionTree" else ensemble
        model = getattr(module, kind + suffix)(random_state=0, **options)
    return model.fit(x_train, y_train), x_test


def object_bytes(source: Path, includes: list[Path]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        obj = Path(tmp) / "model.o"
        subprocess.run(["arm-none-eabi-gcc", *ARM_FLAGS, *(f"-I{d}" for d in includes), "-c",
                        str(source), "-o", str(obj)], check=True)
        out = subprocess.run(["arm-none-eabi-size", str(obj)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[1].split()
    return int(out[0]) + int(out[1])  # text (code and const data) + data


def run_folder(folder: Path, x: np.ndarray) -> tuple[np.ndarray, float]:
    """(raw output bytes per sample, mean instructions per sample) on the emulated board."""
    from edgesmith.boards import get_board
    from edgesmith.boards.build import cached_firmware
    from edgesmith.boards.qemu import run_on_qemu

    image = cached_firmware(None, get_board(BOARD), model_dir=folder)
    run = run_on_qemu(image, [x], count_instructions=True)
    return run.outputs[0], float(np.mean(run.instructions.per_sample))


def edgesmith_row(model, x: np.ndarray, work: Path) -> tuple[int, float, int]:
    from edgesmith.codegen.c_trees import generate_tree_c
    from edgesmith.trees.ensemble import decide
    from edgesmith.trees.graph import graph_ensemble
    from edgesmith.trees.load import load_estimator

    graph = load_estimator(model, "es_model")
    out = generate_tree_c(graph, work / "es")
    flash = object_bytes(out.folder / f"{out.model.name}.c",
                         [out.folder, out.folder / "runtime/include"])
    raw, instructions = run_folder(out.folder, x)
    dtype = np.float64 if graph.tensors["scores"].dtype == "float64" else np.float32
    scores = np.ascontiguousarray(raw).view(dtype).reshape(x.shape[0], -1)
    ens = graph_ensemble(graph)
    result = (scores[:, 0] if ens.decision == "none"
              else np.asarray(ens.classes)[decide(ens, scores)])
    return flash, instructions, int((result == np.asarray(model.predict(x), result.dtype)).sum())


def emlearn_row(model, x: np.ndarray, work: Path, classifier: bool):
    import emlearn

    from edgesmith.codegen.c_trees import RUNTIME_TYPES
    from edgesmith.codegen.c_runtime import runtime_file

    folder = work / "eml"
    folder.mkdir()
    emlearn.convert(model, method="inline", dtype="float",
                    return_type="classifier" if classifier else "regressor").save(
        file=str(folder / "eml_trees_model.h"), name="eml_trees_model")
    (folder / "runtime/include").mkdir(parents=True)
    shutil.copyfile(runtime_file(RUNTIME_TYPES), folder / RUNTIME_TYPES)
    out_type = "int32_t" if classifier else "float"
    (folder / "emlm.h").write_text(
        '#include <stdint.h>\n#include "es_nn_types.h"\n'
        "#define EMLM_NUM_INPUTS 1\n#define EMLM_NUM_OUTPUTS 1\n#define EMLM_ARENA_SIZE 0\n"
        f"#define EMLM_INPUT0_SIZE {x.shape[1] * 4}\n#define EMLM_OUTPUT0_SIZE 4\n"
        "es_status emlm_init(void);\nvoid *emlm_input(int index);\n"
        "const void *emlm_output(int index);\nes_status emlm_invoke(void);\n")
    (folder / "emlm.c").write_text(
        '#include "emlm.h"\n#include "eml_trees_model.h"\n'
        f"static float input_buffer[{x.shape[1]}];\nstatic {out_type} output_buffer[1];\n"
        "es_status emlm_init(void) { return ES_OK; }\n"
        "void *emlm_input(int index) { (void)index; return input_buffer; }\n"
        "const void *emlm_output(int index) { (void)index; return output_buffer; }\n"
        "es_status emlm_invoke(void) {\n"
        f"    output_buffer[0] = eml_trees_model_predict(input_buffer, {x.shape[1]});\n"
        "    return ES_OK;\n}\n")
    (folder / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.13)\nproject(emlm C)\nadd_library(emlm STATIC emlm.c)\n"
        "target_include_directories(emlm PUBLIC ${CMAKE_CURRENT_SOURCE_DIR} "
        "${CMAKE_CURRENT_SOURCE_DIR}/runtime/include)\n")
    (folder / "README.md").write_text("emlearn adapter for the edgesmith benchmark harness\n")
    flash = object_bytes(folder / "emlm.c", [folder, folder / "runtime/include"])
    raw, instructions = run_folder(folder, x)
    result = np.ascontiguousarray(raw).view(np.int32 if classifier else np.float32).ravel()
    want = np.asarray(model.predict(x))
    if classifier:
        result = np.asarray(model.classes_)[result]
    return flash, instructions, int((result == want.astype(result.dtype)).sum())


def main() -> None:
    rows = []
    for dataset in DATASETS:
        for kind in KINDS:
            model, x = fit(kind, dataset)
            with tempfile.TemporaryDirectory(prefix="bench-trees-") as tmp:
                es = edgesmith_row(model, x, Path(tmp))
                eml = None
                if kind in ("DecisionTree", "RandomForest", "ExtraTrees"):
                    eml = emlearn_row(model, x, Path(tmp), dataset != "diabetes")
            n = x.shape[0]
            rows.append([dataset, kind, f"{es[0]:,}", f"{es[1]:,.0f}", f"{es[2]}/{n}",
                         *( [f"{eml[0]:,}", f"{eml[1]:,.0f}", f"{eml[2]}/{n}"] if eml
                            else ["not supported"] * 3)])
            print(rows[-1], flush=True)
    header = ["data set", "model", "edgesmith flash B", "edgesmith instr.",
              "edgesmith = library", "emlearn flash B", "emlearn instr.", "emlearn = library"]
    body = (markdown_table(header, rows) + "\n\n"
            "Flash: text + data of the model's object (`arm-none-eabi-gcc -Os -mcpu=cortex-m4` "
            "hard float). Instructions: mean per prediction on the test split, exact counts "
            f"from the QEMU plugin on {BOARD}, same harness. '= library': test samples whose "
            "label (classifiers) or value (regressors) equals the library's `predict` exactly. "
            "emlearn (0.23, float features, inline trees) votes one class per tree where "
            "scikit-learn averages probabilities, tests `x < t` against thresholds printed with "
            "6 decimals, and adds regression leaves in float32; edgesmith keeps each library's "
            "comparison and adds in the library's type (float64 for scikit-learn and LightGBM, "
            "software double on this core; int32 where every partial sum is exact, as for "
            "forests of pure leaves) and walks constant tables, the smaller form in flash; "
            "nested comparisons (`generate_tree_c(form=\"nested\")`) take fewer "
            "instructions.")
    publish("trees-emlearn", "Tree ensembles on Cortex-M4F: edgesmith vs emlearn",
            "python -m bench.trees_emlearn", body)


if __name__ == "__main__":
    main()

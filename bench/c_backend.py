"""The generated C backend against its peers: RAM, flash and host latency, in one run.

* RAM: edgesmith's planned ``ram_bytes`` (arena with inputs and outputs inside,
  nothing else in RAM: parameters are ``const``) vs the lower bound vs TFLite
  Micro's arena for the same model (the ``tflite-micro`` Python interpreter's
  allocation report: head = tensor arena, total = head + persistent tail).
* Flash: text + rodata of the generated model and its kernels built with
  ``arm-none-eabi-gcc -Os -mcpu=cortex-m4``, vs the ``.tflite`` file size.
* Host latency per inference: the generated C (system cc, -O2, through cffi)
  vs LiteRT BUILTIN_REF and LiteRT default, same inputs.

Run: python -m bench.c_backend
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import SHARED_MODELS, markdown_table, publish

INT8_MODELS = {
    "vww_96_int8": "mlperf_tiny/vww_96_int8.tflite",
    "kws_ref_model": "mlperf_tiny/kws_ref_model.tflite",
    "pretrainedResnet_quant": "mlperf_tiny/pretrainedResnet_quant.tflite",
    "ad01_int8": "mlperf_tiny/ad01_int8.tflite",
    "str_ww_ref_model": "mlperf_tiny/str_ww_ref_model.tflite",
    "hello_world_int8": "tflm/hello_world_int8.tflite",
    "person_detect": "tflm/person_detect.tflite",
    "micro_speech_quantized": "tflm/micro_speech_quantized.tflite",
}
ARM_FLAGS = ["-Os", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16",
             "-std=c99", "-ffunction-sections", "-fdata-sections"]
#: the host build of the latency rows: optimized for this machine, as LiteRT's wheel is
#: for its targets (the library is built and run here, never copied elsewhere)
HOST_CFLAGS = ("-O3", "-march=native")
_TFLM_SCRIPT = ("import sys\nfrom tflite_micro.python.tflite_micro import runtime\n"
                "runtime.Interpreter.from_file(sys.argv[1]).print_allocations()\n")


def tflm_arena(path: Path) -> tuple[int, int]:
    """(head, total) bytes of TFLM's arena; printed by C++, so read from a child process."""
    proc = subprocess.run([sys.executable, "-c", _TFLM_SCRIPT, str(path)], capture_output=True,
                          text=True, timeout=300)
    text = proc.stdout + proc.stderr
    head = re.search(r"Arena allocation head (\d+)", text)
    total = re.search(r"Arena allocation total (\d+)", text)
    if not (head and total):
        raise RuntimeError(f"no allocation report from tflite-micro for {path}:\n{text[-2000:]}")
    return int(head.group(1)), int(total.group(1))


def arm_flash(folder: Path) -> int:
    """text + rodata (+ data) of every object of a generated folder, Cortex-M4, -Os."""
    sources = sorted(folder.glob("*.c")) + sorted((folder / "runtime/kernels").glob("*/*.c"))
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for src in sources:
            obj = Path(tmp) / (src.stem + ".o")
            subprocess.run(["arm-none-eabi-gcc", *ARM_FLAGS, f"-I{folder}",
                            f"-I{folder / 'runtime/include'}", "-c", str(src), "-o", str(obj)],
                           check=True)
            out = subprocess.run(["arm-none-eabi-size", str(obj)], capture_output=True,
                                 text=True, check=True).stdout.splitlines()[1].split()
            total += int(out[0]) + int(out[1])  # text (incl. rodata) + data
    return total


def litert_latency(path: Path, x: np.ndarray, reference: bool) -> float:
    from bench.sim_throughput import litert_rate

    rate, _ = litert_rate(path, x, reference)
    return 1e3 / rate


def main() -> None:
    from edgesmith.codegen.c_plan import plan_c_arena
    from edgesmith.codegen.c_writer import generate_c
    from edgesmith.frontends.tflite import load_tflite
    from edgesmith.verify.host import HostModel

    ram_rows, flash_rows, latency_rows = [], [], []
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        for name, rel in INT8_MODELS.items():
            path = SHARED_MODELS / rel
            graph = load_tflite(path)
            plan = plan_c_arena(graph, "optimal")
            head, total = tflm_arena(path)
            ram_rows.append([name, f"{plan.ram_bytes:,}", f"{plan.lower_bound_bytes:,}",
                             f"{head:,}", f"{total:,}", f"{plan.ram_bytes / total:.2f}x",
                             "yes" if plan.ram_bytes <= plan.lower_bound_bytes else "no"])
            gen = generate_c(graph, Path(tmp) / name, model_path=path, optimize="size")
            flash = arm_flash(gen.folder)
            flash_rows.append([name, f"{flash:,}", f"{path.stat().st_size:,}",
                               f"{flash / path.stat().st_size:.2f}x"])
            if rel.startswith("mlperf_tiny") and name != "str_ww_ref_model":
                t = graph.tensors[graph.inputs[0]]
                x = rng.integers(-128, 128, (100, *t.shape[1:]), dtype=np.int8)
                host = HostModel(gen.folder, graph, cflags=HOST_CFLAGS)
                host.run({graph.inputs[0]: x[:2]})
                t0 = time.perf_counter()
                host.run({graph.inputs[0]: x})
                ours = (time.perf_counter() - t0) * 1e3 / len(x)
                ref = litert_latency(path, x, True)
                opt = litert_latency(path, x, False)
                latency_rows.append([name, f"{ours:.3f}", f"{ref:.3f}", f"{opt:.3f}",
                                     f"{ref / ours:.2f}x"])
            print(ram_rows[-1], flash_rows[-1])
    body = "### RAM\n\n" + markdown_table(
        ["model", "edgesmith ram_bytes", "lower bound", "TFLM arena head", "TFLM arena total",
         "edgesmith / TFLM total", "at or below the lower bound"], ram_rows)
    body += ("\n\nedgesmith's `ram_bytes` is everything the model needs in RAM: the arena, with "
             "inputs and outputs inside it (parameters and weights are `const`, in flash). "
             "TFLM's total also holds its persistent structures and per-op data; its head is "
             "the tensor arena alone. The lower bound runs no op in place; the generated code "
             "runs elementwise ops and depthwise convolutions in place where the planner does "
             "(`es_depthwise_conv2d_s8_inplace`, per channel through a scratch buffer), which "
             "takes str_ww_ref_model below it (6,656 B with the out-of-place depthwise "
             "kernel).")
    body += "\n\n### Flash\n\n" + markdown_table(
        ["model", "generated model + kernels, Cortex-M4 -Os (B)", ".tflite file (B)", "ratio"],
        flash_rows)
    body += ("\n\ntext + rodata + data of every object in the generated folder, generated "
             "with `--optimize size` (int8 weights as stored; the int16 layouts of "
             "`--optimize speed` take about twice the weight flash): weights, per-channel "
             "parameters, schedule and the kernels it uses (the fast set). The goal for "
             "vww_96_int8 is under 240 KB (245,760 B).")
    body += "\n\n### Host latency (ms per inference)\n\n" + markdown_table(
        ["model", "generated C (cc -O3 -march=native, cffi)", "LiteRT BUILTIN_REF",
         "LiteRT default",
         "REF / generated C"], latency_rows)
    body += ("\n\nOne thread, 100 random inputs each, batch 1; the generated C (the same "
             "folder as the flash rows: the fast kernel set, int8 weights; on the host its "
             "portable loops) is built here with " + " ".join(HOST_CFLAGS) + " and called "
             "through cffi, one call per inference. The int16 layouts are for cores with "
             "SMLAD: on the host their pair arithmetic runs as plain C and is slower.")
    publish("c_backend", "C backend: RAM, flash and host latency vs TFLite Micro and LiteRT",
            "python -m bench.c_backend", body)


if __name__ == "__main__":
    main()

"""The golden simulator built with AddressSanitizer and UndefinedBehaviorSanitizer, and a
child process that runs mutants through edgesmith on it.

The sanitized module is compiled straight from ``sim/src`` (the sources the CMake build
uses) into a scratch folder. The child loads it as ``edgesmith._sim`` before anything
imports edgesmith, with the sanitizer runtimes preloaded (the Python interpreter itself
is not instrumented) and every sanitizer finding fatal: a clean exit means no finding.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer"]


def build_sanitized_sim(folder: Path, compiler: str = "g++") -> Path:
    """Compile the simulator module with the sanitizers into ``folder`` (one compiler per
    core, then one link); its path."""
    from concurrent.futures import ThreadPoolExecutor

    import pybind11

    sources = sorted((REPO / "sim" / "src").glob("*.cpp"))
    out = folder / f"_sim{sysconfig.get_config_var('EXT_SUFFIX')}"
    flags = ["-std=c++17", "-O1", "-fPIC", *SANITIZE, f"-I{sysconfig.get_paths()['include']}",
             f"-I{pybind11.get_include()}", f"-I{REPO / 'sim' / 'include'}"]

    def compile_one(source: Path) -> Path:
        obj = folder / f"{source.stem}.o"
        subprocess.run([compiler, *flags, "-c", str(source), "-o", str(obj)], check=True,
                       capture_output=True, text=True, timeout=1800)
        return obj

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        objects = list(pool.map(compile_one, sources))
    subprocess.run([compiler, "-shared", *SANITIZE, *map(str, objects), "-o", str(out)],
                   check=True, capture_output=True, text=True, timeout=600)
    return out


def sanitizer_env(compiler: str = "g++") -> dict[str, str]:
    """The environment of the child: sanitizer runtimes preloaded, every finding fatal."""
    libs = [subprocess.run([compiler, f"-print-file-name={lib}"], capture_output=True,
                           text=True, check=True).stdout.strip()
            for lib in ("libasan.so", "libubsan.so")]
    env = dict(os.environ)
    env.update(LD_PRELOAD=" ".join(libs),
               # Python's interpreter keeps memory until exit: leaks are not findings here
               ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allocator_may_return_null=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    return env


#: the child: load the sanitized module as edgesmith._sim, then drive every mutant file
CHILD = """
import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("edgesmith._sim", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["edgesmith._sim"] = module
spec.loader.exec_module(module)
from edgesmith.errors import EdgesmithError
from tests.fuzz.runner import drive
ran = refused = 0
for line in Path(sys.argv[2]).read_text().splitlines():
    kind, path, partner = line.split("\\t")
    try:
        drive(kind, Path(path), Path(partner) if partner else None)
        ran += 1
    except EdgesmithError:
        refused += 1
import edgesmith._sim as loaded
assert loaded is module, "edgesmith did not use the sanitized simulator"
print(f"ran {ran} refused {refused}")
"""


def run_sanitized(so_path: Path, jobs_file: Path, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run the mutants listed in ``jobs_file`` (``kind<TAB>path<TAB>partner`` lines)."""
    return subprocess.run([sys.executable, "-c", CHILD, str(so_path), str(jobs_file)],
                          capture_output=True, text=True, timeout=timeout, cwd=REPO,
                          env=sanitizer_env())

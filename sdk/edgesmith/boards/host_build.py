"""Compile C sources into a shared library on the host and load it with cffi.

This is how host tests and ``verify --target host`` run C code.
``build_host_library`` compiles with the system compiler (``cc``, or ``$CC``, or
the ``compiler`` argument) into a cache folder: an object per source keyed by a
hash of everything that decides it (compiler, flags, the source, the headers
under the include folders and beside it), and a library per set of objects, so
repeated runs and the kernels shared by many generated folders do not recompile.

Sanitizers. ``sanitize=True`` adds ``-fsanitize=address,undefined
-fno-sanitize-recover=all``. An AddressSanitizer library can only be loaded
into a process whose first library is the ASan runtime, so a Python process
has to be started with it preloaded: run the code in a child process with the
environment from :func:`sanitizer_env` (``LD_PRELOAD`` of the compiler's ASan
runtime, leak detection off because CPython keeps memory until exit). Loading
a sanitized library into a process without that runtime raises
:class:`HostBuildError` instead of crashing.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cffi

#: Flags the runtime is held to; pass them (or others) as ``cflags``.
STRICT_C99_FLAGS = ("-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic")
SANITIZE_FLAGS = ("-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                  "-fno-omit-frame-pointer", "-g")
_BASE_FLAGS = ("-O2", "-fPIC", "-shared")
_HEADER_SUFFIXES = (".h", ".hpp", ".inc")
_ASAN_RUNTIMES = ("libasan.so", "libclang_rt.asan-x86_64.so", "libclang_rt.asan.so")

PathLike = str | os.PathLike

# One loaded (ffi, lib) per built file and declarations, so a session opens each library once.
_LOADED: dict[tuple[Path, str], tuple[cffi.FFI, object]] = {}


class HostBuildError(RuntimeError):
    """The compiler failed, or a built library cannot be loaded here."""


def default_compiler() -> str:
    return os.environ.get("CC", "cc")


def cache_root() -> Path:
    """``$EDGESMITH_CACHE`` or ``$XDG_CACHE_HOME/edgesmith`` (``~/.cache/edgesmith``)."""
    if "EDGESMITH_CACHE" in os.environ:
        return Path(os.environ["EDGESMITH_CACHE"]) / "host_build"
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "edgesmith" / "host_build"


def build_host_library(sources: Iterable[PathLike], include_dirs: Iterable[PathLike], cdef: str,
                       *, cflags: Sequence[str] = (), sanitize: bool = False,
                       libraries: Sequence[str] = (),
                       compiler: str | None = None) -> tuple[cffi.FFI, object]:
    """Compile ``sources`` into a shared library (cached) and return ``(ffi, lib)``.

    ``cdef`` declares, in cffi's C subset, the types and functions to call.
    ``cflags`` come after the base flags (``-O2 -fPIC -shared``), so they can
    override them; ``libraries`` are linked last (``"m"`` gives ``-lm``).
    Raises :class:`HostBuildError` with the compiler's output when the build
    fails.
    """
    path = build_shared_object(sources, include_dirs, cflags=cflags, sanitize=sanitize,
                               libraries=libraries, compiler=compiler)
    if (path, cdef) in _LOADED:
        return _LOADED[path, cdef]
    if sanitize and not asan_runtime_loaded():
        raise HostBuildError(
            "a sanitized library needs the ASan runtime preloaded into this process; run it in a "
            "child process with edgesmith.boards.host_build.sanitizer_env()")
    ffi = cffi.FFI()
    ffi.cdef(cdef)
    lib = ffi.dlopen(str(path))
    _LOADED[path, cdef] = (ffi, lib)
    return ffi, lib


def build_shared_object(sources: Iterable[PathLike], include_dirs: Iterable[PathLike], *,
                        cflags: Sequence[str] = (), sanitize: bool = False,
                        libraries: Sequence[str] = (), compiler: str | None = None) -> Path:
    """The path of the built (or cached) shared library.

    Each source is compiled into an object cached by its content, the flags and the headers it
    can see (not by its path: the runtime kernels copied into every generated folder compile
    once); the library is linked from the objects and cached by their keys."""
    compiler = compiler or default_compiler()
    sources = [Path(s).resolve() for s in sources]
    include_dirs = [Path(d).resolve() for d in include_dirs]
    command_flags = [*_BASE_FLAGS, *(SANITIZE_FLAGS if sanitize else ()), *cflags]
    compile_flags = [f for f in command_flags if f != "-shared"]
    link_flags = [f"-l{name}" for name in libraries]
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    headers = _headers_key(include_dirs)
    keys = [_key(compiler, compile_flags, [("source", src.read_bytes()), ("headers", headers),
                                          ("beside", _headers_key([src.parent], deep=False))])
            for src in sources]
    target = root / f"lib_{_key(compiler, command_flags + link_flags, [('objects', ' '.join(keys).encode())])}.so"
    if target.is_file():
        return target
    missing = [(src, k) for src, k in zip(sources, keys) if not (root / f"obj_{k}.o").is_file()]
    includes = [f"-I{d}" for d in include_dirs]
    with ThreadPoolExecutor(max_workers=max(1, min(len(missing), os.cpu_count() or 1))) as pool:
        list(pool.map(lambda job: _run_to(root / f"obj_{job[1]}.o", [
            *shlex.split(compiler), *compile_flags, *includes, "-c", str(job[0])]), missing))
    objects = [str(root / f"obj_{k}.o") for k in keys]
    _run_to(target, [*shlex.split(compiler), *command_flags, *objects, *link_flags])
    return target


def _run_to(target: Path, command: list[str]) -> None:
    """Run ``command -o`` a unique name, then rename it to ``target``: parallel builders never
    see half a file, and a failed build leaves nothing behind."""
    fd, tmp_name = tempfile.mkstemp(suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        proc = subprocess.run([*command, "-o", tmp_name], capture_output=True, text=True,
                              check=False)
        if proc.returncode != 0:
            raise HostBuildError(f"compiling failed ({shlex.join(command)}):\n{proc.stderr}")
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def _key(compiler: str, flags: Sequence[str], parts: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()

    def feed(label: str, data: bytes) -> None:
        digest.update(f"{label}:{len(data)}:".encode())
        digest.update(data)

    feed("compiler", compiler.encode())
    feed("compiler-version", _compiler_identity(compiler).encode())
    for flag in flags:
        feed("flag", flag.encode())
    for label, data in parts:
        feed(label, data)
    return digest.hexdigest()[:24]


def _headers_key(folders: Sequence[Path], deep: bool = True) -> bytes:
    """The headers under ``folders`` (names relative to their folder, and contents)."""
    digest = hashlib.sha256()
    for folder in folders:
        found = folder.rglob("*") if deep else folder.glob("*")
        for header in sorted(p for p in found if p.suffix in _HEADER_SUFFIXES):
            name = str(header.relative_to(folder)).encode()
            digest.update(b"%d:%s:%d:" % (len(name), name, header.stat().st_size))
            digest.update(header.read_bytes())
        digest.update(b"/")
    return digest.digest()


@functools.cache
def _compiler_identity(compiler: str) -> str:
    """Path and version banner, so an upgraded compiler does not reuse old builds."""
    executable = shutil.which(shlex.split(compiler)[0]) or ""
    proc = subprocess.run([*shlex.split(compiler), "--version"], capture_output=True, text=True,
                          check=False)
    return executable + "\n" + proc.stdout


def asan_runtime(compiler: str | None = None) -> Path | None:
    """The ASan runtime to preload for libraries this compiler sanitizes, or None when the
    compiler cannot build sanitized libraries here (e.g. clang without its runtime)."""
    return _asan_runtime(compiler or default_compiler())


@functools.cache
def _asan_runtime(compiler: str) -> Path | None:
    clang = "clang" in _compiler_identity(compiler)
    names = _ASAN_RUNTIMES[1:] if clang else _ASAN_RUNTIMES[:1]
    for name in names:
        proc = subprocess.run([*shlex.split(compiler), f"-print-file-name={name}"],
                              capture_output=True, text=True, check=False)
        found = Path(proc.stdout.strip())
        if proc.returncode == 0 and found.is_absolute() and found.is_file():
            return found.resolve() if _links_sanitized(compiler) else None
    return None


def _links_sanitized(compiler: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "probe.c")
        src.write_text("int probe(int x) { return x + 1; }\n")
        proc = subprocess.run([*shlex.split(compiler), *_BASE_FLAGS, *SANITIZE_FLAGS, str(src),
                               "-o", str(Path(tmp, "probe.so"))], capture_output=True, check=False)
    return proc.returncode == 0


def asan_runtime_loaded() -> bool:
    """True when this process has an ASan runtime mapped (preloaded at start)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return False
    return any(name.split(".so")[0] in maps for name in _ASAN_RUNTIMES)


def sanitizer_env(compiler: str | None = None,
                  base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a child Python process that loads sanitized libraries."""
    runtime = asan_runtime(compiler)
    if runtime is None:
        raise HostBuildError(f"{compiler or default_compiler()} has no AddressSanitizer runtime")
    env = dict(os.environ if base is None else base)
    env["LD_PRELOAD"] = " ".join(filter(None, [str(runtime), env.get("LD_PRELOAD", "")]))
    # CPython frees little at exit; UBSan findings abort (no recovery) and print a stack.
    env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1:" + env.get("ASAN_OPTIONS", "")
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:" + env.get("UBSAN_OPTIONS", "")
    return env

"""edgesmith.boards.host_build: caching, errors, and the sanitizer guard."""

import pytest

from edgesmith.boards import host_build
from edgesmith.boards.host_build import HostBuildError, build_host_library, build_shared_object

SOURCE = "int twice(int x) { return 2 * x; }\n"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EDGESMITH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "host_build"


def test_builds_loads_and_caches_by_content(tmp_path, cache):
    src = tmp_path / "twice.c"
    src.write_text(SOURCE)
    ffi, lib = build_host_library([src], [], "int twice(int x);", cflags=("-std=c99",))
    assert lib.twice(21) == 42
    first = build_shared_object([src], [], cflags=("-std=c99",))
    stamp = first.stat().st_mtime_ns
    assert build_shared_object([src], [], cflags=("-std=c99",)) == first
    assert first.stat().st_mtime_ns == stamp  # not rebuilt
    assert build_shared_object([src], [], cflags=("-std=c99", "-O0")) != first
    src.write_text(SOURCE.replace("2 * x", "3 * x"))
    assert build_shared_object([src], [], cflags=("-std=c99",)) != first
    assert len(list(cache.glob("*.so"))) == 3


def test_header_changes_invalidate_the_cache(tmp_path, cache):
    (tmp_path / "inc").mkdir()
    header = tmp_path / "inc" / "k.h"
    header.write_text("#define K 2\n")
    src = tmp_path / "k.c"
    src.write_text('#include "k.h"\nint k(void) { return K; }\n')
    first = build_shared_object([src], [tmp_path / "inc"])
    header.write_text("#define K 3\n")
    second = build_shared_object([src], [tmp_path / "inc"])
    assert first != second
    ffi, lib = build_host_library([src], [tmp_path / "inc"], "int k(void);")
    assert lib.k() == 3


def test_compile_errors_carry_the_compiler_output(tmp_path, cache):
    src = tmp_path / "bad.c"
    src.write_text("int f(void) { return missing; }\n")
    with pytest.raises(HostBuildError, match="missing"):
        build_host_library([src], [], "int f(void);")
    assert not list(cache.glob("*"))  # no half-written library left behind


def test_sanitized_library_needs_the_preloaded_runtime(tmp_path, cache, monkeypatch):
    if host_build.asan_runtime() is None:
        pytest.skip("no AddressSanitizer runtime")
    monkeypatch.setattr(host_build, "asan_runtime_loaded", lambda: False)
    src = tmp_path / "twice.c"
    src.write_text(SOURCE)
    with pytest.raises(HostBuildError, match="sanitizer_env"):
        build_host_library([src], [], "int twice(int x);", sanitize=True)
    env = host_build.sanitizer_env()
    assert str(host_build.asan_runtime()) in env["LD_PRELOAD"]
    assert "detect_leaks=0" in env["ASAN_OPTIONS"]

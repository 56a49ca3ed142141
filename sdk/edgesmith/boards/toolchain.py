"""The external tools a firmware build and an emulated run need, found or explained."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess

from ..errors import EdgesmithError

#: Debian packages that provide each tool (scripts/setup.sh installs them).
DEBIAN_PACKAGES = {
    "arm-none-eabi-gcc": "gcc-arm-none-eabi libnewlib-arm-none-eabi",
    "arm-none-eabi-objcopy": "binutils-arm-none-eabi",
    "arm-none-eabi-size": "binutils-arm-none-eabi",
    "arm-none-eabi-nm": "binutils-arm-none-eabi",
    "cmake": "cmake",
    "ninja": "ninja-build",
    "qemu-system-arm": "qemu-system-arm",
    "cc": "gcc",
    "openocd": "openocd",
}
ALL_PACKAGES = "gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm cmake ninja-build"


class ToolchainError(EdgesmithError):
    """A tool the command needs is not installed (exit code 2)."""


def require_tool(name: str, purpose: str = "building and running firmware") -> str:
    """The full path of ``name``, or a ToolchainError naming the package to install.

    ``$EDGESMITH_TOOL_PATH`` (a PATH-like list) is searched before ``$PATH``;
    tests use it to simulate a machine without the toolchain.
    """
    search = os.environ.get("EDGESMITH_TOOL_PATH")
    found = shutil.which(name, path=search) if search is not None else shutil.which(name)
    if found is None:
        package = DEBIAN_PACKAGES.get(name, name)
        also = f" (all firmware tools: {ALL_PACKAGES}), or run scripts/setup.sh" \
            if package in ALL_PACKAGES or "arm-none-eabi" in package else ""
        raise ToolchainError(
            f"{name} is not installed; {purpose} needs it",
            hint=f"on Debian/Ubuntu: sudo apt-get install --no-install-recommends {package}{also}")
    return found


def require_build_tools() -> dict[str, str]:
    """Cross compiler, binutils, CMake and Ninja, by tool name."""
    names = ("arm-none-eabi-gcc", "arm-none-eabi-objcopy", "arm-none-eabi-size",
             "arm-none-eabi-nm", "cmake", "ninja")
    return {n: require_tool(n) for n in names}


@functools.cache
def tool_version(path: str) -> str:
    """First line of ``path --version``: part of every build's cache key."""
    proc = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    return (proc.stdout or proc.stderr).splitlines()[0] if (proc.stdout or proc.stderr) else ""

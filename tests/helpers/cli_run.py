"""Running the `edgesmith` CLI in a child process, as a user does."""

import json
import subprocess
import sys


def cli(cwd, *args: str) -> subprocess.CompletedProcess:
    """The command's result (exit code, stdout, stderr), run in folder ``cwd``."""
    return subprocess.run([sys.executable, "-m", "edgesmith.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def cli_json(cwd, *args: str) -> dict:
    """The --json object of a command that must succeed."""
    proc = cli(cwd, *args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)
